from __future__ import annotations

from pathlib import Path

import pytest

from mobility._atomic import atomic_open, write_text_atomic


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("crash in the middle")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_creates_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    write_text_atomic(target, "x")
    assert target.read_text() == "x"


def test_claim_checks_locks_and_release_leaves_nothing(tmp_path: Path) -> None:
    from mobility._atomic import claim_output, release_output

    target = tmp_path / "a" / "b" / "plan"
    claim_output(target, "folder")
    assert (tmp_path / "a" / "b" / ".plan.mobility-lock").exists()
    claim_output(target, "folder")  # the same process may claim again
    release_output(target)
    assert list(tmp_path.iterdir()) == []  # lock and the folders made for it are gone


def test_signed_file_is_replaced_unsigned_is_not(tmp_path: Path) -> None:
    from mobility._atomic import write_file_checked
    from mobility.errors import OutputError

    target = tmp_path / "map.html"
    write_file_checked(target, b"<html>1</html>\n<!-- sig -->\n", signature=b"<!-- sig -->")
    write_file_checked(target, b"<html>2</html>\n<!-- sig -->\n", signature=b"<!-- sig -->")
    assert b"2" in target.read_bytes()
    target.write_bytes(b"a user's page")
    with pytest.raises(OutputError, match="not written by mobility"):
        write_file_checked(target, b"<!-- sig -->", signature=b"<!-- sig -->")
    assert target.read_bytes() == b"a user's page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_unmarked_folder_of_only_our_file_names_may_be_replaced(tmp_path: Path) -> None:
    from mobility._atomic import MARKER, write_folder_atomic

    target = tmp_path / "plan"
    target.mkdir()
    (target / "summary.json").write_text("{}")  # an older plan folder, before markers
    write_folder_atomic(target, {"summary.json": b"{}", "x.csv": b""})
    assert (target / MARKER).is_file()


def test_a_folder_is_finished_in_staging_then_moved_into_place(tmp_path: Path) -> None:
    import json

    from mobility._atomic import MARKER, write_folder_atomic

    target = tmp_path / "plan"
    seen: list[dict[str, bytes]] = []

    def finish(staged: Path) -> dict[str, bytes]:
        assert staged.parent == tmp_path and staged != target and not target.exists()
        seen.append({p.name: p.read_bytes() for p in staged.iterdir() if p.name != MARKER})
        return {"a.txt": b"checked", "b.txt": b"added"}

    write_folder_atomic(target, {"a.txt": b"first"}, finish=finish, names={"b.txt"})
    assert seen == [{"a.txt": b"first"}]  # finish saw the staged files
    assert (target / "a.txt").read_bytes() == b"checked"
    assert (target / "b.txt").read_bytes() == b"added"
    marker = json.loads((target / MARKER).read_text())
    assert marker["files"] == ["a.txt", "b.txt"] and marker["complete"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_failing_finish_keeps_the_old_folder_and_leaves_no_staging(tmp_path: Path) -> None:
    from mobility._atomic import write_folder_atomic

    target = tmp_path / "plan"
    write_folder_atomic(target, {"a.txt": b"old"})

    def finish(staged: Path) -> dict[str, bytes]:
        raise RuntimeError("the check failed")

    with pytest.raises(RuntimeError, match="the check failed"):
        write_folder_atomic(target, {"a.txt": b"new"}, finish=finish)
    assert (target / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_an_unmarked_folder_is_checked_against_the_names_finish_wrote(tmp_path: Path) -> None:
    from mobility._atomic import write_folder_atomic
    from mobility.errors import OutputError

    target = tmp_path / "plan"
    target.mkdir()
    (target / "map.html").write_text("a user's map")  # unmarked: only names we may write

    with pytest.raises(OutputError, match="not written by mobility"):
        write_folder_atomic(target, {"a.txt": b"x"}, finish=lambda staged: {}, names={"map.html"})
    assert (target / "map.html").read_text() == "a user's map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    write_folder_atomic(
        target, {"a.txt": b"x"}, finish=lambda staged: {"map.html": b"ours"}, names={"map.html"}
    )
    assert (target / "map.html").read_bytes() == b"ours"
