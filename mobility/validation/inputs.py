"""The inputs of a plan, recorded in its folder and reloaded by the validator.

A plan folder records what the plan was made **from**, never what the planner
concluded:

- ``scenario.yaml``: the scenario, byte for byte as the user's file when the
  plan was made from an unchanged file, else written out from the scenario
  object (it loads back to the same scenario); with its SHA-256 in
  ``inputs.json`` and the original path and digest for reference. The
  scenario travels with the folder so that a reviewer on another machine
  can validate it, and compare it with the scenario they issued
  (``mobility validate --scenario``).
- the network: how it was loaded (source path or the embedded atlas,
  corridors, corridor file, build options) and a SHA-256 over its input
  files. Extracts are third-party data, often large: they are named and
  digested, not copied; the validator reloads them the same way.
- the vehicle catalogue: the digest of the embedded catalogue and copies of
  the ``--vehicles-file`` files (``vehicles-1.yaml`` ...), with digests.
- the rules used: march speeds, halt rules (EU 561/2006), clearance margin,
  formation and march-unit sizes, the traffic file (path and digest) and the
  rail rules (digest of ``rail.yaml``, or the rules themselves).

:func:`load_inputs` reloads all of it, refusing clearly (:class:`DataError`)
when something is missing or its digest no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from mobility import settings
from mobility._version import __version__
from mobility.errors import DataError, ScenarioError
from mobility.model.column import FORMATIONS
from mobility.model.scenario import Scenario, load_scenario, scenario_from_dict
from mobility.model.vehicle import VehicleCatalogue, default_vehicles_path, load_vehicles
from mobility.network.build import BuildOptions
from mobility.network.cache import content_digest
from mobility.network.load import Network, load_network, network_input_files
from mobility.rail.rules import RailRules, default_rail_path, load_rail_rules
from mobility.routing.timing import HaltRules, MarchSpeeds

INPUTS_FILE = "inputs.json"
SCENARIO_FILE = "scenario.yaml"
FORMAT = 1


def digest_bytes(data: bytes) -> str:
    """SHA-256 of ``data`` (hex)."""
    return hashlib.sha256(data).hexdigest()


def digest_files(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and contents of ``paths`` (sorted by name)."""
    combined = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        combined.update(path.name.encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                combined.update(block)
    return combined.hexdigest()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as the document that ``scenario_from_dict`` reads."""
    caps = scenario.capacities
    return {
        "name": scenario.name,
        "start": scenario.start.isoformat(),
        "horizon_h": scenario.horizon_h,
        "slot_min": scenario.slot_min,
        "k_routes": scenario.k_routes,
        "column": {
            "march_unit_max": scenario.march_unit_max,
            "march_unit_min": scenario.march_unit_min,
            "formation": scenario.formation,
        },
        "weights": asdict(scenario.weights),
        "capacities": {
            "structure_columns": caps.structure_columns,
            "checkpoint_columns": caps.checkpoint_columns,
            "border_columns": caps.border_columns,
            "port_exit_vehicles_per_hour": dict(caps.port_exit_vehicles_per_hour),
            "border_windows": {
                key: [[_clock(a), _clock(b)] for a, b in windows]
                for key, windows in caps.border_windows.items()
            },
            "support_centres": {k: dict(v) for k, v in caps.support_centres.items()},
        },
        "closures": [
            {
                "element": c.element,
                "from": c.start.isoformat(),
                "to": c.end.isoformat(),
                "reason": c.reason,
            }
            for c in scenario.closures
        ],
        "requests": [
            {
                "id": r.id,
                "unit": r.unit,
                "origin": r.origin,
                "destination": r.destination,
                "available_from": r.available_from.isoformat(),
                "required_by": r.required_by.isoformat(),
                "priority": r.priority,
                "vehicles": dict(r.vehicles),
                "mode": r.mode,
                "hazmat": r.hazmat,
            }
            for r in scenario.requests
        ],
    }


def _scenario_bytes(scenario: Scenario) -> bytes | None:
    """Return the scenario file's bytes if it still holds the scenario, else it written out."""
    source = Path(scenario.source) if scenario.source else None
    if source is not None and source.is_file():
        try:
            if replace(load_scenario(source), source=scenario.source) == scenario:
                return source.read_bytes()
        except ScenarioError:
            pass
    text = yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)
    try:
        again = scenario_from_dict(yaml.safe_load(text), scenario.source or "<scenario>")
    except ScenarioError:
        return None
    return text.encode("utf-8") if replace(again, source=scenario.source) == scenario else None


def _scenario_record(scenario: Scenario, files: dict[str, bytes]) -> dict[str, Any]:
    """Record the scenario (its file added to ``files``) with its digest and source."""
    text = _scenario_bytes(scenario)
    if text is None:
        return {"missing": "the scenario cannot be written out as a scenario file"}
    files[SCENARIO_FILE] = text
    source = Path(scenario.source) if scenario.source else None
    known = source is not None and source.is_file()
    return {
        "file": SCENARIO_FILE,
        "sha256": digest_bytes(text),
        "source": str(source.resolve()) if source and known else scenario.source,
        "source_sha256": digest_bytes(source.read_bytes()) if source and known else None,
    }


def _network_record(network: Network) -> dict[str, Any]:
    """Record how the network was loaded, with a digest over its input files."""
    args = network.load_args
    if args is None:
        return {"missing": "the network was built in code, not loaded from a file"}
    paths = network_input_files(args["source"], args["corridor_file"])
    return {
        **args,
        "label": args["source"] or "embedded atlas",
        # Remembered by (path, size, mtime), as the network cache does: a large
        # extract is hashed once.
        "sha256": content_digest(paths),
    }


def _vehicles_record(catalogue: VehicleCatalogue, files: dict[str, bytes]) -> dict[str, Any]:
    """Record the catalogue: the embedded one's digest, the extra files copied into ``files``."""
    embedded = str(default_vehicles_path())
    if not catalogue.sources or catalogue.sources[0] != embedded:
        return {"missing": "the vehicle catalogue was built in code"}
    extra = []
    for number, path in enumerate(catalogue.sources[1:], 1):
        name = f"vehicles-{number}.yaml"
        files[name] = Path(path).read_bytes()
        extra.append({"file": name, "source": path, "sha256": digest_bytes(files[name])})
    return {"embedded_sha256": digest_files([default_vehicles_path()]), "files": extra}


def _rules_record(
    scenario: Scenario,
    *,
    speeds: MarchSpeeds,
    halt_rules: HaltRules,
    clearance_margin_m: float,
    traffic_path: Path | None,
    rail_rules: RailRules | None,
) -> dict[str, Any]:
    """Record the march, column, traffic and rail rules the plan was made with."""
    return {
        "speeds": asdict(speeds),
        "halt_rules": asdict(halt_rules),
        "clearance_margin_m": clearance_margin_m,
        "formation": {
            "name": scenario.formation,
            "interval_m": dict(FORMATIONS[scenario.formation].interval_m),
        },
        "march_unit_min": scenario.march_unit_min,
        "march_unit_max": scenario.march_unit_max,
        "traffic": {
            "file": str(traffic_path.resolve()) if traffic_path else None,
            "sha256": content_digest([traffic_path]) if traffic_path else None,
            "profiles_sha256": digest_files([settings.data_dir / "traffic-profiles.yaml"]),
        },
        "rail": None
        if rail_rules is None
        else {
            "embedded": rail_rules == load_rail_rules(),
            "sha256": digest_files([default_rail_path()]),
            "rules": rail_rules.to_dict(),
        },
    }


def record_inputs(
    scenario: Scenario,
    network: Network,
    catalogue: VehicleCatalogue,
    *,
    speeds: MarchSpeeds,
    halt_rules: HaltRules,
    clearance_margin_m: float,
    traffic_path: Path | None = None,
    rail_rules: RailRules | None = None,
) -> dict[str, bytes]:
    """Return the input files of a plan folder (``inputs.json``, ``scenario.yaml``, ...).

    What cannot be recorded (a network or catalogue built in code) is marked
    as such; :func:`load_inputs` then refuses the folder, naming it.
    """
    files: dict[str, bytes] = {}
    record: dict[str, Any] = {
        "format": FORMAT,
        "mobility_version": __version__,
        "scenario": _scenario_record(scenario, files),
        "network": _network_record(network),
        "vehicles": _vehicles_record(catalogue, files),
        "rules": _rules_record(
            scenario,
            speeds=speeds,
            halt_rules=halt_rules,
            clearance_margin_m=clearance_margin_m,
            traffic_path=traffic_path,
            rail_rules=rail_rules,
        ),
    }
    files[INPUTS_FILE] = json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8")
    return files


@dataclass(frozen=True)
class Inputs:
    """The reloaded inputs of a plan.

    Attributes
    ----------
    scenario, network, catalogue
        As the planner had them.
    speeds, halt_rules, clearance_margin_m
        The march rules used.
    rail_rules
        The rail rules used (``None``: no request could go by rail).
    record
        ``inputs.json`` as read.
    """

    scenario: Scenario
    network: Network
    catalogue: VehicleCatalogue
    speeds: MarchSpeeds
    halt_rules: HaltRules
    clearance_margin_m: float
    rail_rules: RailRules | None
    record: Mapping[str, Any]


def _field(record: Mapping[str, Any], key: str, where: str) -> Any:
    value = record.get(key) if isinstance(record, Mapping) else None
    if value is None:
        raise DataError(f"{where}: missing field {key!r}")
    if isinstance(value, Mapping) and "missing" in value:
        raise DataError(
            f"{where} {key}: {value['missing']}; a plan can only be validated against inputs "
            "loaded from files"
        )
    return value


def _same(digest: str, expected: Any, what: str, where: str) -> None:
    if digest != expected:
        raise DataError(
            f"{where}: {what} changed since the plan was made (SHA-256 {digest[:12]}..., "
            f"recorded {str(expected)[:12]}...); validate with the inputs the plan was made from"
        )


def _read_record(folder: Path) -> dict[str, Any]:
    """Read ``inputs.json`` of a plan folder."""
    where = f"plan folder {str(folder)!r}: {INPUTS_FILE}"
    try:
        record = json.loads((folder / INPUTS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"plan folder {str(folder)!r} has no {INPUTS_FILE}: the plan does not record the "
            "inputs it was made from (scenario, network, vehicles, rules), so it cannot be "
            "validated; plan it again"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise DataError(f"{where} cannot be read as JSON: {error}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise DataError(f"{where}: expected a JSON object with format {FORMAT}")
    return record


def _scenario(
    folder: Path, record: Mapping[str, Any], where: str, scenario_file: str | Path | None
) -> Scenario:
    """Load the plan's scenario, or the reviewer's copy of it (which must be the same)."""
    scenario_record = _field(record, "scenario", where)
    scenario_path = folder / SCENARIO_FILE
    if not scenario_path.is_file():
        raise DataError(f"plan folder {str(folder)!r} has no {SCENARIO_FILE}")
    _same(
        digest_bytes(scenario_path.read_bytes()),
        scenario_record.get("sha256"),
        SCENARIO_FILE,
        where,
    )
    if scenario_file is not None:
        given = Path(scenario_file).read_bytes()
        if digest_bytes(given) not in (
            scenario_record.get("sha256"),
            scenario_record.get("source_sha256"),
        ):
            raise DataError(
                f"scenario {str(scenario_file)!r} is not the scenario of this plan "
                f"(its SHA-256 differs from the recorded {SCENARIO_FILE} and source)"
            )
        scenario_path = Path(scenario_file)
    return load_scenario(scenario_path)


def _catalogue(folder: Path, record: Mapping[str, Any], where: str) -> VehicleCatalogue:
    """Load the embedded catalogue and the plan's copies of the extra vehicle files."""
    vehicles = _field(record, "vehicles", where)
    _same(
        digest_files([default_vehicles_path()]),
        vehicles.get("embedded_sha256"),
        "the embedded vehicle catalogue",
        where,
    )
    extra = []
    for item in vehicles.get("files") or ():
        path = folder / str(item.get("file"))
        if not path.is_file():
            raise DataError(f"plan folder {str(folder)!r} has no {item.get('file')}")
        _same(digest_bytes(path.read_bytes()), item.get("sha256"), str(item["file"]), where)
        extra.append(path)
    return load_vehicles(*extra)


def _rail_rules(rules: Mapping[str, Any], where: str) -> RailRules | None:
    """Return the recorded rail rules: the embedded ones, unchanged (``None``: no rail)."""
    if not rules.get("rail"):
        return None
    if not rules["rail"].get("embedded"):
        raise DataError(f"{where}: the plan used rail rules other than the embedded rail.yaml")
    _same(
        digest_files([default_rail_path()]),
        rules["rail"].get("sha256"),
        "the embedded rail rules",
        where,
    )
    return load_rail_rules()


def load_inputs(
    plan_dir: str | Path, *, scenario_file: str | Path | None = None, network: Network | None = None
) -> Inputs:
    """Reload a plan's inputs, checking every digest.

    Parameters
    ----------
    plan_dir
        The plan folder.
    scenario_file
        The scenario as the reviewer has it; it must be the one recorded.
    network
        An already loaded network (it must have been loaded the recorded way
        from unchanged files); by default the network is loaded again.

    Raises
    ------
    DataError
        If an input is missing, was built in code, or changed since the plan.
    """
    folder = Path(plan_dir)
    where = f"plan folder {str(folder)!r}: {INPUTS_FILE}"
    record = _read_record(folder)
    scenario = _scenario(folder, record, where, scenario_file)
    catalogue = _catalogue(folder, record, where)
    network = _network(_field(record, "network", where), where, network)
    rules = _field(record, "rules", where)
    try:
        speeds = MarchSpeeds(**rules["speeds"])
        halt_rules = HaltRules(**rules["halt_rules"])
        margin = float(rules["clearance_margin_m"])
    except (KeyError, TypeError, ValueError) as error:
        raise DataError(f"{where} rules: {error}") from None
    traffic = rules.get("traffic") or {}
    if traffic.get("file") and Path(traffic["file"]).is_file():
        _same(
            content_digest([Path(traffic["file"])]),
            traffic.get("sha256"),
            f"traffic file {traffic['file']!r}",
            where,
        )
    rail_rules = _rail_rules(rules, where)
    return Inputs(scenario, network, catalogue, speeds, halt_rules, margin, rail_rules, record)


def _network(recorded: Mapping[str, Any], where: str, given: Network | None) -> Network:
    args = {k: recorded.get(k) for k in ("source", "corridors", "corridor_file", "options")}
    try:
        paths = network_input_files(args["source"], args["corridor_file"])
    except DataError as error:
        raise DataError(f"{where}: the plan's network {recorded.get('label')!r}: {error}") from None
    _same(
        content_digest(paths), recorded.get("sha256"), f"network {recorded.get('label')!r}", where
    )
    if given is not None:
        if given.load_args != args:
            raise DataError(f"{where}: the network given was not loaded as the plan's network")
        return given
    try:
        options = BuildOptions(**dict(args["options"] or {}))
    except (TypeError, ValueError) as error:
        raise DataError(f"{where} network options: {error}") from None
    return load_network(
        args["source"],
        corridors=args["corridors"],
        corridor_file=args["corridor_file"],
        options=options,
    )


__all__ = [
    "INPUTS_FILE",
    "SCENARIO_FILE",
    "Inputs",
    "digest_bytes",
    "digest_files",
    "load_inputs",
    "record_inputs",
    "scenario_to_dict",
]
