"""Folium elements of an offline map: the map itself and calls into ``mobility.js``.

:class:`OfflineMap` is a :class:`folium.Map` whose page loads nothing: folium's
default CDN links (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome)
are dropped and the assets of :mod:`mobility.maps._assets` are inlined in the
header instead. :class:`JsCall` embeds data for one call of ``mobility.js``;
the data is JSON in which ``<``, ``>`` and ``&`` are escaped, so that a name
such as ``</script><script>alert(1)</script>`` cannot end the script.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from mobility.maps._assets import header_html

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """Compact JSON of ``value`` that is safe inside an inline ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


class OfflineMap(folium.Map):
    """A :class:`folium.Map` with every script and style inlined, and no CDN link."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(tiles=None, **kwargs)
        # Folium's defaults are CDN links; the assets are inlined below instead.
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(Element(header_html()), name="mobility_assets", index=0)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render with the layer control last, so that it lists layers added after it."""
        controls = [k for k, v in self._children.items() if isinstance(v, folium.LayerControl)]
        for key in controls:
            self._children.move_to_end(key)
        super().render(**kwargs)  # type: ignore[no-untyped-call]


class JsCall(MacroElement):
    """``mobility.<function>(map, {name: layer, ...}, data)`` in the page script.

    Parameters
    ----------
    function
        Name of a function of ``mobility.js`` (``lines``, ``points``, ``plan``,
        ``title``, ``legend``).
    fmap
        The map.
    layers
        Folium layers the function draws into, by the name it expects.
    data
        JSON-serialisable data.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "mobility.{{ this.function }}({{ this.fmap.get_name() }}, "
        "{ {%- for key, layer in this.layers.items() -%}"
        "{{ key }}: {{ layer.get_name() }}{{ ', ' if not loop.last }}"
        "{%- endfor -%} }, {{ this.payload }});"
        "{% endmacro %}"
    )

    def __init__(
        self,
        function: str,
        fmap: folium.Map,
        layers: dict[str, Any] | None = None,
        data: Any = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MobilityCall"
        self.function = function
        self.fmap = fmap
        self.layers = layers or {}
        self.payload = script_json(data)
