"""Layer ``hubs``: Logistics hubs, bonded zones, ports of entry and cooperation parks the plans name, from ``layers/data/hubs.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('logistics_hub', 'transport_hub', 'bonded_zone', 'port_of_entry', 'industrial_park')

SPEC = make_spec(
    "hubs",
    "物流枢纽、综合保税区与合作园区",
    "Logistics hubs, bonded zones, ports of entry and cooperation parks",
    "Logistics and transport hubs, bonded zones, ports of entry and cross-border industrial parks, as points at their county.",
    "Point",
)


def build() -> gpd.GeoDataFrame:
    """Logistics hubs, bonded zones, ports of entry and cooperation parks: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "hubs.yaml", KINDS)
