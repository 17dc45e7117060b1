"""Pure domain objects (no solver, no rendering, no file formats beyond YAML config)."""

from mobility.model.corridor import (
    PLACE_KINDS,
    Corridor,
    CorridorSet,
    Place,
    Terminal,
    load_corridors,
)

__all__ = ["PLACE_KINDS", "Corridor", "CorridorSet", "Place", "Terminal", "load_corridors"]
