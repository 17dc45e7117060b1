"""A rail route option of a train-load: terminal, consist, path and its timing."""

from __future__ import annotations

from dataclasses import dataclass

from mobility.model.corridor import Place
from mobility.rail.consist import Train
from mobility.rail.paths import TrainPath


@dataclass(frozen=True)
class RailLeg:
    """How a train-load goes by rail, as minute offsets from the option's start.

    Attributes
    ----------
    terminal, border
        Loading terminal (or military ramp) and the rail border crossing.
    path
        Line sections from the terminal to the crossing.
    train
        The consist (locomotive of the path's traction).
    band
        Hour band of the departure (``night``, ``day`` or ``peak``); the
        path's headways are those of this band. Empty, with no headways, in
        the timing that a path's options by band share before one is chosen.
    headways_min
        Minutes to the next military path on each section.
    loading_start_min, depart_min
        When loading starts (after the road leg and the transfer to the
        ramp) and when the train leaves (loading done).
    arrive_min, clear_min
        Head and tail of the train at the border crossing.
    border_min
        Minutes the crossing is taken by the train (``60 / trains per hour``).

    Raises
    ------
    ValueError
        On construction, naming the field: a band in which the path offers no
        military path, not one headway (of at least a minute) per section,
        times out of order (loading start, departure, arrival, clear) or
        before the option's start, or a crossing taken for less than a minute.
    """

    terminal: Place
    border: Place
    path: TrainPath
    train: Train
    band: str
    headways_min: tuple[int, ...]
    loading_start_min: int
    depart_min: int
    arrive_min: int
    clear_min: int
    border_min: int

    def __post_init__(self) -> None:
        if self.band or self.headways_min:  # "" and (): the timing its band options share
            if self.band not in self.path.bands():
                raise ValueError(
                    f"rail leg: band {self.band!r} is not one of the path's {self.path.bands()}"
                )
            if len(self.headways_min) != len(self.path.sections) or any(
                headway < 1 for headway in self.headways_min
            ):
                raise ValueError(
                    f"rail leg: headways_min {self.headways_min} must give each of the path's "
                    f"{len(self.path.sections)} sections at least a minute"
                )
        times = (self.loading_start_min, self.depart_min, self.arrive_min, self.clear_min)
        if not 0 <= times[0] <= times[1] <= times[2] <= times[3]:
            raise ValueError(
                "rail leg: expected 0 <= loading_start_min <= depart_min <= arrive_min <= "
                f"clear_min, got {times}"
            )
        if self.border_min < 1:
            raise ValueError(f"rail leg: border_min {self.border_min} must be at least 1")
