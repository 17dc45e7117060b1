"""Measured civilian road traffic: NDW loop-detector exports, simple count files, profiles."""

from mobility.traffic.counts import DAY_TYPES, DIRECTIONS, HourlyCounts, TrafficCounts, read_counts
from mobility.traffic.ndw import SiteDay, read_ndw
from mobility.traffic.read import read_traffic

__all__ = [
    "DAY_TYPES",
    "DIRECTIONS",
    "HourlyCounts",
    "SiteDay",
    "TrafficCounts",
    "read_counts",
    "read_ndw",
    "read_traffic",
]
