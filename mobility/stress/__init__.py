"""Corridor stress tests: closures, sabotage, surges, criticality and resilience.

- :mod:`~mobility.stress.perturbation`: what a stress test changes (YAML); its
  parts in :mod:`~mobility.stress._perturbation_parts`.
- :mod:`~mobility.stress._apply`: a perturbation applied to copies, as edge masks
  (:mod:`~mobility.stress._resolved`).
- :mod:`~mobility.stress.capacity`: vehicles a day per edge, port and terminal.
- :mod:`~mobility.stress._throughput`: max-flow from ports to crossings, named min cut.
- :mod:`~mobility.stress.impact`: throughput, re-routing and stranded pairs, measured
  as :mod:`~mobility.stress._measures`.
- :mod:`~mobility.stress.replan`: the scenario replanned against its baseline plan.
- :mod:`~mobility.stress.critical`: single-element failures, ranked.
- :mod:`~mobility.stress.montecarlo`: random failures and resilience curves.
- :mod:`~mobility.stress.sweep`: serial, process-pool and Dask runs of
  :mod:`~mobility.stress._sweep_tasks`, resumable (:mod:`~mobility.stress._sweep_results`).
- :mod:`~mobility.stress.report`: Markdown/HTML reports
  (:mod:`~mobility.stress._report_document`) with charts (:mod:`~mobility.stress._report_charts`).
"""

from __future__ import annotations

from mobility.stress._measures import Impact
from mobility.stress.capacity import CapacityModel
from mobility.stress.critical import CriticalElement, criticality
from mobility.stress.impact import Element, StressContext
from mobility.stress.montecarlo import monte_carlo, resilience_curve
from mobility.stress.perturbation import (
    Perturbation,
    combine,
    load_perturbation,
    load_perturbations,
    perturbation_from_dict,
)
from mobility.stress.replan import StressResult, stress_test
from mobility.stress.report import criticality_report, impact_report, stress_report, write_report
from mobility.stress.sweep import ContextSpec, SweepOptions, SweepTask, run_sweep

__all__ = [
    "CapacityModel",
    "ContextSpec",
    "CriticalElement",
    "Element",
    "Impact",
    "Perturbation",
    "StressContext",
    "StressResult",
    "SweepOptions",
    "SweepTask",
    "combine",
    "criticality",
    "criticality_report",
    "impact_report",
    "load_perturbation",
    "load_perturbations",
    "monte_carlo",
    "perturbation_from_dict",
    "resilience_curve",
    "run_sweep",
    "stress_report",
    "stress_test",
    "write_report",
]
