from __future__ import annotations

from pathlib import Path

import pytest

import mobility
from mobility.routing.router import Router

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def router(atlas: mobility.Network) -> Router:
    return Router(atlas)


@pytest.fixture
def tiny_scenario() -> Path:
    return DATA / "scenario-tiny.yaml"
