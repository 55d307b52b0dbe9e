"""Layer ``counties``: Counties and districts of Sichuan and Chongqing from Tianditu boundaries."""

from __future__ import annotations

import geopandas as gpd

from layers import boundaries
from layers.regions import REGION_FIELDS, REGION_SUMMARY, region_frame
from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="counties",
    title_zh="县级行政区",
    title_en="Counties and districts",
    description="County-level units (districts, counties, county-level cities, autonomous counties) of Sichuan and Chongqing.",
    geometry_type="Polygon",
    fields=REGION_FIELDS,
    summary_fields=REGION_SUMMARY,
    data_sources=(boundaries.TIANDITU,),
)


def build() -> gpd.GeoDataFrame:
    """Counties and districts with adcode, names, level, parent, measured area and economic-circle membership."""
    return region_frame("county", SPEC.id)
