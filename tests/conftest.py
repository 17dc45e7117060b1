from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mobility import settings
from mobility.model.vehicle import VehicleCatalogue, load_vehicles

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own empty cache folder, also in the processes it starts."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setattr(settings, "cache_dir", folder)
    monkeypatch.setenv("MOBILITY_CACHE_DIR", str(folder))
    yield folder


@pytest.fixture
def tiny_corridors() -> Path:
    return DATA / "corridors-tiny.yaml"


@pytest.fixture
def shared_osm() -> Path:
    folder = settings.shared_osm_dir
    if not folder.is_dir():
        pytest.skip(f"real OSM extracts not found at {folder} (set MOBILITY_SHARED_OSM)")
    return folder


@pytest.fixture(scope="session")
def shared_traffic() -> Path:
    folder = settings.shared_traffic_dir
    if not (folder / "ndw-loops").is_dir():
        pytest.skip(f"measured traffic not found at {folder} (set MOBILITY_SHARED_TRAFFIC)")
    return folder


@pytest.fixture(scope="session")
def catalogue() -> VehicleCatalogue:
    """The embedded vehicle catalogue."""
    return load_vehicles()
