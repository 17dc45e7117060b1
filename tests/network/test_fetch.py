from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from mobility import FetchError
from mobility.model.corridor import load_corridors
from mobility.network import fetch

DATA = Path(__file__).parent.parent / "data"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_fails_fast_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "nl.osm.pbf"
    started = time.perf_counter()
    with pytest.raises(FetchError, match="offline"):
        fetch.fetch_geofabrik(out, url=f"http://127.0.0.1:{closed_port()}/nl.osm.pbf")
    assert time.perf_counter() - started < 5
    assert list(tmp_path.iterdir()) == []


def test_unresolvable_host_fails_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(FetchError, match="cannot reach"):
        fetch.fetch_overpass(
            load_corridors(DATA / "corridors-tiny.yaml"),
            tmp_path / "x.osm",
            url="https://overpass.invalid/api/interpreter",
        )
    assert time.perf_counter() - started < 10


def test_overpass_query_covers_each_corridor() -> None:
    query = fetch.overpass_query(load_corridors(DATA / "corridors-tiny.yaml"))
    assert query.count('way["highway"') == 3 and query.count('way["railway"') == 3
    assert "motorway" in query and "(._;>;);" in query
