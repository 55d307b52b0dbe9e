"""The registry: every layer of the atlas as (spec, builder), in catalogue order.

This is the one list of layers. Search, the map, the zone pages, coverage and the OGC
collections all derive theirs from it through the specs (group, presentation, fields…).
Families of layers (regions, projects) contribute one entry per row of their table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd

from layers import economic_circle, layout, places, platforms, projects, regions, rivers, zones
from layers.context import BuildContext
from layers.spec import LayerSpec

Builder = Callable[[BuildContext], gpd.GeoDataFrame]


@dataclass(frozen=True)
class LayerDef:
    """A registered layer: what it is, and how it is built from its dependencies."""

    spec: LayerSpec
    build: Builder


REGISTRY: tuple[LayerDef, ...] = (
    *(LayerDef(regions.region_spec(r), regions.region_builder(r)) for r in regions.REGION_LEVELS),
    LayerDef(economic_circle.SPEC, economic_circle.build),
    LayerDef(zones.SPEC, zones.build),
    LayerDef(platforms.SPEC, platforms.build),
    LayerDef(rivers.SPEC, rivers.build),
    LayerDef(projects.project_spec(projects.NETWORK_LAYER), projects.project_builder(projects.NETWORK_LAYER)),
    *(LayerDef(projects.project_spec(p), projects.project_builder(p)) for p in projects.PROJECT_LAYERS),
    LayerDef(places.SPEC, places.build),
    LayerDef(layout.SPEC, layout.build),
)


def registered_ids() -> list[str]:
    """Layer ids in catalogue order."""
    return [d.spec.id for d in REGISTRY]
