"""Every ```python block of the README runs as written, from the repository root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mobility import settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHARED_OSM = "../shared/osm"


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(1))
        for match in re.finditer(r"^```python\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)
    ]


BLOCKS = _blocks()


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line-{line}" for line, _ in BLOCKS])
def test_readme_block_runs(
    line: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if SHARED_OSM in code:
        # The real extracts sit beside the repository (../shared/osm), or where
        # MOBILITY_SHARED_OSM says.
        if not settings.shared_osm_dir.is_dir():
            pytest.skip(f"real OSM extracts not found at {settings.shared_osm_dir}")
        code = code.replace(SHARED_OSM, settings.shared_osm_dir.as_posix())
    # Run from a scratch copy of the root's layout, so that outputs stay out of the checkout.
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__readme__"})
