"""Layer ``waterways``: Waterways, navigation-power hubs and ship locks the plans name, from ``layers/data/waterways.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('waterway', 'navigation_hub', 'ship_lock')

SPEC = make_spec(
    "waterways",
    "航道与航电枢纽",
    "Waterways, navigation-power hubs and ship locks",
    "Channel improvement between named places (schematic), and navigation hubs and locks as points at their county.",
    "LineString",
)


def build() -> gpd.GeoDataFrame:
    """Waterways, navigation-power hubs and ship locks: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "waterways.yaml", KINDS)
