"""A rail route option of a train-load: terminal, consist, path and its timing."""

from __future__ import annotations

from dataclasses import dataclass

from mobility.model.corridor import Place
from mobility.rail.consist import Train
from mobility.rail.paths import TrainPath


@dataclass(frozen=True)
class RailLeg:
    """How a train-load goes by rail, as minute offsets from the option's start.

    Attributes
    ----------
    terminal, border
        Loading terminal (or military ramp) and the rail border crossing.
    path
        Line sections from the terminal to the crossing.
    train
        The consist (locomotive of the path's traction).
    band
        Hour band of the departure (``night``, ``day`` or ``peak``); the
        path's headways are those of this band.
    headways_min
        Minutes to the next military path on each section.
    loading_start_min, depart_min
        When loading starts (after the road leg and the transfer to the
        ramp) and when the train leaves (loading done).
    arrive_min, clear_min
        Head and tail of the train at the border crossing.
    border_min
        Minutes the crossing is taken by the train (``60 / trains per hour``).
    """

    terminal: Place
    border: Place
    path: TrainPath
    train: Train
    band: str
    headways_min: tuple[int, ...]
    loading_start_min: int
    depart_min: int
    arrive_min: int
    clear_min: int
    border_min: int
