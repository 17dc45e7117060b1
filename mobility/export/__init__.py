"""Exchange formats for GIS and navigation tools: GeoPackage layers and GPX 1.1.

The network export, ``mobility route --out`` and the plan folder build their
features and hand them to :func:`~mobility.export.geopackage.geopackage_bytes`
(one layer per geometry type, typed fields) and
:func:`~mobility.export.gpx.gpx_bytes` (one file per route).
"""
