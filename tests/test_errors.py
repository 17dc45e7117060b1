"""Errors raised on purpose: one base class, and the built-in class each one also is."""

from __future__ import annotations

import pytest

from mobility.cli import main
from mobility.errors import (
    DataError,
    FetchError,
    InfeasibleError,
    MobilityError,
    OutputError,
    ScenarioError,
)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (DataError, ValueError),
        (ScenarioError, ValueError),
        (InfeasibleError, RuntimeError),
        (FetchError, ConnectionError),
        (OutputError, OSError),
    ],
)
def test_each_error_is_a_mobility_error_and_its_builtin(
    error: type[MobilityError], builtin: type[Exception]
) -> None:
    assert issubclass(error, MobilityError) and issubclass(error, builtin)
    with pytest.raises(MobilityError, match="the input"):
        raise error("the input")


def test_the_command_turns_an_error_into_its_message_and_status_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["network", "--osm", "/nonexistent/extract.osm"]) == 2
    err = capsys.readouterr().err
    assert "/nonexistent/extract.osm" in err and "Traceback" not in err
