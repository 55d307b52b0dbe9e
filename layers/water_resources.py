"""Layer ``water_resources``: reservoirs, water diversion, irrigation and flood-control works the
plans name, from ``layers/data/water_resources.yaml`` (the 001 key-task table's 水网 row, 000 §十五,
the Outline's water section, the Chongqing plans). Points at the county or city the row names
(approximate); works the documents place only by region or river are kept unlocated.
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ("reservoir", "water_diversion", "irrigation", "flood_control")

SPEC = make_spec(
    "water_resources",
    "水利工程",
    "Water resources works",
    "Reservoirs, water diversion and allocation works, irrigation districts and flood-control works; capacity as the tables state it is in content.",
    "Point",
)


def build() -> gpd.GeoDataFrame:
    """Water resources works: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "water_resources.yaml", KINDS)
