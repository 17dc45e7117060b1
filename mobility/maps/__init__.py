"""Interactive maps that work on a closed network, and static plan charts.

``render_plan_map`` and ``render_network_map`` return a :class:`folium.Map`
whose page inlines Leaflet (from the installed ``django-js-lib-leaflet``
package) and this package's own script, draws an offline background read
from installed data packages (:mod:`mobility.maps._basemap`) with a user's
province or municipality outlines if given (:mod:`mobility.maps.outlines`),
and makes no network request; ``save_map`` writes it atomically. ``add_closures_layer`` and
``add_criticality_layer`` mark stress-test results on any of these maps.
"""

from __future__ import annotations

from mobility.maps._layers import (
    add_closures_layer,
    add_critical_points,
    add_criticality_layer,
)
from mobility.maps._network_layer import add_network_layers
from mobility.maps._payload import plan_payload
from mobility.maps.plan_view import PlanView, plan_view, read_plan_view
from mobility.maps.render import (
    base_map,
    map_html,
    render_network_map,
    render_plan_map,
    save_map,
)

__all__ = [
    "PlanView",
    "add_closures_layer",
    "add_critical_points",
    "add_criticality_layer",
    "add_network_layers",
    "base_map",
    "map_html",
    "plan_payload",
    "plan_view",
    "read_plan_view",
    "render_network_map",
    "render_plan_map",
    "save_map",
]
