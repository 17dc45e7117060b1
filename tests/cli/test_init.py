"""``mobility.cli.main``: every command runs its own function; errors become exit statuses."""

from __future__ import annotations

import argparse

import pytest

from mobility.cli import _network, build_parser, main
from mobility.errors import DataError


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in _subcommands(sub).items()})
    return found


def test_every_command_has_a_function_and_the_progress_options() -> None:
    commands = _subcommands(build_parser())
    assert list(commands) == [
        "network",
        "network export",
        "vehicles",
        "route",
        "plan",
        "validate",
        "map",
        "stress",
        "criticality",
        "fetch",
    ]
    for name, parser in commands.items():
        assert callable(parser.get_default("func")), name
        options = [a.option_strings for a in parser._actions if a.option_strings]
        assert options[-2:] == [["--progress"], ["-q", "--quiet"]], name  # last, as on the top


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (DataError("vehicle file 'x.yaml': field 'mlc' is -1"), 2, "error: vehicle file"),
        (PermissionError(13, "Permission denied"), 2, "error: [Errno 13] Permission denied"),
        (MemoryError(), 2, "error: out of memory; reduce the input"),
        (KeyboardInterrupt(), 130, "interrupted: nothing half-written was left"),
    ],
)
def test_errors_become_a_status_and_one_line(
    error: BaseException,
    status: int,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(_network, "run_vehicles", fails)
    assert main(["vehicles"]) == status
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_the_status_is_the_command_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_network, "run_vehicles", lambda args: 3)
    assert main(["vehicles"]) == 3
    assert main(["--version"]) == 0 and main(["vehicles", "--bogus"]) == 2
