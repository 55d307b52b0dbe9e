"""Layer ``provinces``: Provinces of Sichuan and Chongqing from Tianditu boundaries."""

from __future__ import annotations

import geopandas as gpd

from layers import boundaries
from layers.regions import REGION_FIELDS, REGION_SUMMARY, region_frame
from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="provinces",
    title_zh="省级行政区（四川省、重庆市）",
    title_en="Provinces",
    description="Sichuan Province and Chongqing Municipality.",
    geometry_type="Polygon",
    fields=REGION_FIELDS,
    summary_fields=REGION_SUMMARY,
    data_sources=(boundaries.TIANDITU,),
)


def build() -> gpd.GeoDataFrame:
    """Provinces with adcode, names, level, parent, measured area and economic-circle membership."""
    return region_frame("province", SPEC.id)
