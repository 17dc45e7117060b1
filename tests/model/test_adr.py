from __future__ import annotations

import pytest

from mobility.errors import DataError
from mobility.model.adr import barred_categories, code_for


@pytest.mark.parametrize(
    ("code", "mass_kg", "barred"),
    [
        ("B1000C", 4000, "BCDE"),
        ("B1000C", None, "BCDE"),
        ("B1000C", 800, "CDE"),
        ("C5000D", 6000, "CDE"),
        ("C5000D", 2000, "DE"),
        ("D/E", None, "DE"),
        ("C/D", None, "CDE"),
        ("E", None, "E"),
        ("C", None, "CDE"),
        ("-", None, ""),
    ],
)
def test_barred_categories(code: str, mass_kg: float | None, barred: str) -> None:
    assert barred_categories(code, mass_kg) == frozenset(barred)


def test_ammunition_1_1_is_barred_from_category_c_tunnels() -> None:
    # ADR 1.9.5: divisions 1.1 are kept out of C, D and E tunnels (Vlaketunnel is C).
    assert "C" in barred_categories(code_for("1.1"))
    assert "A" not in barred_categories(code_for("1.1"))


def test_unknown_values_are_refused() -> None:
    with pytest.raises(DataError, match="'F' is not one of"):
        barred_categories("F")
    with pytest.raises(DataError, match="neither an ADR class"):
        code_for("explosives")
    assert code_for("d/e") == "D/E"
