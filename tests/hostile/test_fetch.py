"""``mobility fetch`` against a captive portal's HTML page, and a download cut short."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import Outcome, snapshot

PORTAL = b"<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head><body>Log in</body></html>"


class _Portal(http.server.BaseHTTPRequestHandler):
    body = PORTAL

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = _answer  # noqa: N815 - the handler's API
    do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def portal() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/file"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("what", "name"), [("geofabrik", "nl.osm.pbf"), ("overpass", "c.osm")])
def test_a_captive_portal_page_is_not_saved(
    cli: Callable[..., Outcome], tmp_path: Path, portal: str, what: str, name: str
) -> None:
    """Issue 19: fetch saved a captive portal's HTML page as a PBF."""
    before = snapshot(tmp_path)
    outcome = cli("fetch", what, "--out", str(tmp_path / name), "--url", portal)
    outcome.assert_clear_error("captive portal", "nothing was saved")
    assert snapshot(tmp_path) == before


def test_a_previous_download_survives_a_portal_page(
    cli: Callable[..., Outcome], tmp_path: Path, portal: str
) -> None:
    old = tmp_path / "nl.osm.pbf"
    old.write_bytes(b"\x00\x00\x00\x0d\x0a\x09OSMHeader" + b"\x00" * 100)
    before = snapshot(tmp_path)
    outcome = cli("fetch", "geofabrik", "--out", str(old), "--url", portal)
    outcome.assert_clear_error("captive portal")
    assert snapshot(tmp_path) == before


def test_a_download_into_a_new_folder_leaves_no_folder(
    cli: Callable[..., Outcome], tmp_path: Path, portal: str
) -> None:
    outcome = cli(
        "fetch", "geofabrik", "--out", str(tmp_path / "a" / "b" / "nl.osm.pbf"), "--url", portal
    )
    outcome.assert_clear_error("captive portal")
    assert list(tmp_path.iterdir()) == []


def _serve(body: bytes) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("_Server", (_Portal,), {"body": body})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/nl.osm.pbf"


@pytest.fixture(scope="module")
def pbf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from tests.hostile.test_pbf_inputs import _write

    return _write(tmp_path_factory.mktemp("fetch") / "tiny.osm.pbf")


@pytest.mark.parametrize("cut", [0, 40])
def test_a_download_cut_short_is_not_saved(
    cli: Callable[..., Outcome], tmp_path: Path, pbf: bytes, cut: int
) -> None:
    """A PBF whose transfer ended early was saved as if whole (it starts like a PBF)."""
    server, url = _serve(pbf[: len(pbf) - cut])
    try:
        outcome = cli("fetch", "geofabrik", "--out", str(tmp_path / "nl.osm.pbf"), "--url", url)
    finally:
        server.shutdown()
        server.server_close()
    if cut == 0:  # the whole file is saved as it came
        assert outcome.code == 0, outcome.err[-2000:]
        assert (tmp_path / "nl.osm.pbf").read_bytes() == pbf
    else:
        outcome.assert_clear_error("not a complete OSM PBF", "truncated", "nothing was saved")
        assert list(tmp_path.iterdir()) == []
