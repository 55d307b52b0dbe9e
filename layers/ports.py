"""Layer ``ports``: Ports, port areas, terminals and dry ports the plans name, from ``layers/data/ports.yaml``.

Geometry is schematic (see :mod:`layers.projects`).
"""

from __future__ import annotations

import geopandas as gpd

from layers.projects import build_projects, make_spec

KINDS = ('port', 'port_area', 'terminal', 'dry_port')

SPEC = make_spec(
    "ports",
    "港口、港区、作业区与无水港",
    "Ports, port areas, terminals and dry ports",
    "Ports and their works, as points at the county (or city) the documents place them in.",
    "Point",
)


def build() -> gpd.GeoDataFrame:
    """Ports, port areas, terminals and dry ports: one feature per project, all documents' mentions merged."""
    return build_projects(SPEC, "ports.yaml", KINDS)
