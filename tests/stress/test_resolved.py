from __future__ import annotations

import numpy as np

from mobility.stress._resolved import Resolved


def test_nothing_changes_nothing_and_close_takes_edges_out_for_good() -> None:
    resolved = Resolved.nothing({"road": 5, "rail": 2})
    assert [len(resolved.removed[m]) for m in ("road", "rail")] == [5, 2]
    assert not any(a.any() for a in (*resolved.removed.values(), *resolved.removed_always.values()))
    assert all((f == 1.0).all() for f in resolved.factor.values())
    resolved.close("road", np.array([1, 3], dtype=np.int64))
    assert np.flatnonzero(resolved.removed["road"]).tolist() == [1, 3]
    assert np.flatnonzero(resolved.removed_always["road"]).tolist() == [1, 3]
    assert not resolved.removed["rail"].any()
    # Each instance has its own arrays and lists.
    other = Resolved.nothing({"road": 5, "rail": 2})
    assert not other.removed["road"].any() and other.closed is not resolved.closed


def test_place_reason_names_the_origin_first() -> None:
    resolved = Resolved.nothing({"road": 1})
    resolved.lost_places.update({"spod-a": "port lost (A)", "bcp-d": "border crossing closed (D)"})
    assert resolved.place_reason("spod-a", "bcp-d") == "port lost (A)"
    assert resolved.place_reason("spod-b", "bcp-d") == "border crossing closed (D)"
    assert resolved.place_reason("spod-b", "bcp-e") == ""
