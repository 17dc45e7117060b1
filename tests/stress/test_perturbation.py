from __future__ import annotations

from pathlib import Path

import pytest

from mobility.errors import DataError, ScenarioError
from mobility.stress.perturbation import (
    Perturbation,
    RandomFailures,
    Surge,
    combine,
    load_perturbation,
    perturbation_from_dict,
)
from tests.stress.conftest import EXAMPLES


@pytest.mark.parametrize(
    "path", sorted((EXAMPLES / "perturbations").glob("*.yaml")), ids=lambda p: p.name
)
def test_example_files_load(path: Path) -> None:
    perturbation = load_perturbation(path)
    assert not perturbation.is_empty
    assert perturbation.source == str(path)


def test_full_document() -> None:
    p = perturbation_from_dict(
        {
            "name": "all",
            "closures": [
                {
                    "element": "Moerdijkbrug",
                    "mode": "road",
                    "from": "2026-11-24T06:00+01:00",
                    "to": "2026-11-24T08:00+01:00",
                }
            ],
            "capacity": [{"element": "A58", "remaining": 0.5}],
            "ports": [{"port": "spod-vlissingen", "divert_to": "spod-rotterdam"}],
            "borders": [{"crossing": "bcp-venlo-a67"}],
            "curfews": [{"element": "A73", "windows": [["22:00", "06:00"]]}],
            "surge": {
                "scale": 1.5,
                "requests": [
                    {
                        "id": "X",
                        "unit": "u",
                        "origin": "a",
                        "destination": "b",
                        "available_from": "2026-11-24T06:00+01:00",
                        "required_by": "2026-11-24T20:00+01:00",
                        "vehicles": {"fennek": 3},
                    }
                ],
            },
            "random_failures": {
                "seed": 3,
                "probability": {"bridge": 0.1},
                "elements": {"A16": 0.5},
            },
        }
    )
    assert p.closures[0].timed and p.reductions[0].remaining == 0.5
    assert p.ports[0].remaining == 0.0 and p.ports[0].divert_to == "spod-rotterdam"
    assert p.curfews[0].closed_share == pytest.approx(8 / 24)
    assert p.surge.scale == 1.5 and p.surge.requests[0].id == "X"
    assert p.random_failures is not None and p.random_failures.of_kind("bridge") == 0.1
    assert p.random_failures.of_kind("road") == 0.0


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "expected a mapping with 'name'"),
        ({"closure": []}, "unknown field 'closure'"),
        ({"closures": {"element": "x"}}, "'closures' must be a list"),
        ({"closures": [{"mode": "road"}]}, r"closures\[0\]: missing field 'element'"),
        (
            {"closures": [{"element": "x", "mode": "air"}]},
            "mode 'air' is not one of road, rail, any",
        ),
        ({"closures": [{"element": "x", "from": "2026-11-24T06:00"}]}, "has no UTC offset"),
        ({"closures": [{"element": "x", "from": "tomorrow"}]}, "is not an ISO 8601 time"),
        (
            {
                "closures": [
                    {
                        "element": "x",
                        "from": "2026-11-24T08:00+01:00",
                        "to": "2026-11-24T06:00+01:00",
                    }
                ]
            },
            "'to' must be after 'from'",
        ),
        (
            {"capacity": [{"element": "x", "remaining": 1.5}]},
            r"capacity\[0\] remaining: expected a share",
        ),
        ({"capacity": [{"element": "x", "remaining": "half"}]}, "expected a number"),
        (
            {"curfews": [{"element": "x", "windows": [["25:00", "06:00"]]}]},
            "expected a clock time HH:MM",
        ),
        ({"curfews": [{"element": "x", "windows": "22-06"}]}, "windows: expected a list"),
        ({"surge": {"scale": 0}}, "surge scale: expected a factor > 0"),
        ({"surge": {"requests": [{"id": "X"}]}}, "surge requests"),
        ({"random_failures": {"probability": {"ferry": 0.1}}}, "kind 'ferry' is not one of"),
        ({"random_failures": {"seed": -1}}, "seed: expected a whole number"),
        (
            {"borders": [{"crossing": "x", "from": "2026-11-24T06:00+01:00", "divert_to": "y"}]},
            "divert_to applies",
        ),
    ],
)
def test_bad_documents_name_the_field(document: object, message: str) -> None:
    with pytest.raises(DataError, match=message) as error:
        perturbation_from_dict(document, "bad.yaml")
    assert str(error.value).startswith("bad.yaml")


def test_unsafe_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(DataError, match="is not valid YAML"):
        load_perturbation(path)
    with pytest.raises(DataError, match="cannot be read"):
        load_perturbation(tmp_path / "missing.yaml")


def test_combine_concatenates_and_multiplies() -> None:
    a = Perturbation("a", surge=Surge(2.0)).with_closures(["A16"], "road")
    b = Perturbation("b", surge=Surge(1.5), random_failures=RandomFailures(1)).with_closures(
        ["A58"]
    )
    both = combine(a, b)
    assert [c.element for c in both.closures] == ["A16", "A58"]
    assert both.surge.scale == 3.0 and both.name == "a + b"
    assert both.random_failures == RandomFailures(1)
    with pytest.raises(ScenarioError, match="only one of the combined"):
        combine(b, b)
    assert combine().is_empty
