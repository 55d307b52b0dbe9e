"""Layer ``airports``: Airports the plans name, from ``layers/data/airports.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('hub_airport', 'regional_airport', 'general_aviation')

SPEC = make_spec(
    "airports",
    "机场",
    "Airports",
    "Civil and general-aviation airports, new, relocated or expanded, as points at their county.",
    "Point",
)


def build() -> gpd.GeoDataFrame:
    """Airports: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "airports.yaml", KINDS)
