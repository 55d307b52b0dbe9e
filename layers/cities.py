"""Layer ``cities``: Prefecture-level cities of Sichuan and Chongqing from Tianditu boundaries."""

from __future__ import annotations

import geopandas as gpd

from layers import boundaries
from layers.regions import REGION_FIELDS, REGION_SUMMARY, region_frame
from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="cities",
    title_zh="地级行政区（四川省）",
    title_en="Prefecture-level cities",
    description="The 21 prefecture-level units of Sichuan. Chongqing has no prefecture level: its districts and counties are in the counties layer with parent 500000.",
    geometry_type="Polygon",
    fields=REGION_FIELDS,
    summary_fields=REGION_SUMMARY,
    data_sources=(boundaries.TIANDITU,),
)


def build() -> gpd.GeoDataFrame:
    """Prefecture-level cities with adcode, names, level, parent, measured area and economic-circle membership."""
    return region_frame("city", SPEC.id)
