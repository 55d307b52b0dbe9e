"""Layer ``rail``: Railways and rail transit the plans name, from ``layers/data/rail.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('high_speed', 'conventional', 'intercity', 'suburban', 'metro', 'freight_branch')

SPEC = make_spec(
    "rail",
    "铁路与轨道交通",
    "Railways and rail transit",
    "High-speed, conventional, intercity, suburban (市域郊) and metro lines and freight branches, new or upgraded. Lines are schematic: straight segments through the places the documents name.",
    "LineString",
)


def build() -> gpd.GeoDataFrame:
    """Railways and rail transit: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "rail.yaml", KINDS)
