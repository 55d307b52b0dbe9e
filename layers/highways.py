"""Layer ``highways``: Expressways, fast roads, trunk roads, bridges and tunnels the plans name, from ``layers/data/highways.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('expressway', 'fast_road', 'trunk_road', 'bridge', 'tunnel')

SPEC = make_spec(
    "highways",
    "公路、快速通道与桥隧",
    "Expressways, fast roads, trunk roads, bridges and tunnels",
    "Road projects, new or upgraded. Lines are schematic through the named places; one-place works (a bridge, a tunnel) are points.",
    "LineString",
)


def build() -> gpd.GeoDataFrame:
    """Expressways, fast roads, trunk roads, bridges and tunnels: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "highways.yaml", KINDS)
