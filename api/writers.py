"""Download writers: one pure function per format (GeoDataFrame → bytes), in one table.

Flat formats (CSV, GeoPackage attribute columns) cannot hold lists or objects, so those become
JSON strings, as the architecture note prescribes. GeoJSON keeps them as arrays/objects.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon

from geo.geojson import dumps, feature_collection, jsonable


@dataclass(frozen=True)
class Writer:
    """How to write one download format."""

    media_type: str
    extension: str
    write: Callable[[gpd.GeoDataFrame, str], bytes]


def flatten(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy of ``frame`` with list/dict values as JSON strings (Chinese text unescaped)."""
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if any(isinstance(v, (list, dict)) for v in out[col]):
            out[col] = [
                json.dumps(jsonable(v), ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in out[col]
            ]
    return out


def write_geojson(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    return dumps(feature_collection(frame))


def write_csv(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """CSV, UTF-8 with BOM (so spreadsheet programs read the Chinese), geometry as WKT in ``wkt``."""
    flat = flatten(frame)
    columns = [c for c in flat.columns if c != flat.geometry.name]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns + ["wkt"])
    for row, geom in zip(flat[columns].itertuples(index=False, name=None), flat.geometry):
        writer.writerow(["" if v is None else jsonable(v) for v in row] + [geom.wkt if geom is not None else ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _typed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Flattened copy whose object columns get a GDAL-writable dtype (bool, int, float, text)."""
    flat = flatten(frame)
    for col in flat.columns:
        if col != flat.geometry.name and flat[col].dtype == object:
            # keep mixed/None object columns writable: numbers stay numbers where the column is numeric
            values = [v for v in flat[col] if v is not None]
            if values and all(isinstance(v, bool) for v in values):
                flat[col] = flat[col].astype("boolean")
            elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                flat[col] = flat[col].astype("float64") if any(isinstance(v, float) for v in values) else flat[col].astype("Int64")
            elif col != flat.geometry.name:
                flat[col] = flat[col].astype("string")
    return flat


#: The geometry family of each simple type, and the multi type a family is promoted to.
_FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "LineString", "MultiLineString": "LineString",
           "Polygon": "Polygon", "MultiPolygon": "Polygon"}
_MULTI = {"Point": MultiPoint, "LineString": MultiLineString, "Polygon": MultiPolygon}


def declared_geometry(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, str]:
    """The geometry type a GIS file should declare for ``frame``, and the frame to write under it.

    One family (points, lines or polygons) is declared as such, so QGIS shows "MultiPolygon"
    rather than "Unknown": as its single type when every geometry is single, else as the multi
    type, with the single geometries promoted to one-part multis. Lines and points together (a
    project layer draws a line project with one named place as a point), or no geometry at all,
    are declared "Unknown" (GDAL's generic geometry type); rows without geometry stay empty.
    """
    types = set(frame.geom_type.dropna())
    families = {_FAMILY.get(t) for t in types}
    if len(families) != 1 or None in families:
        return frame, "Unknown"
    family = families.pop()
    if types == {family}:
        return frame, family
    out = frame.copy()
    geometry = out.geometry.name
    out[geometry] = gpd.GeoSeries(
        [_MULTI[family]([g]) if g is not None and g.geom_type == family else g for g in out.geometry],
        index=out.index, crs=out.crs,
    )
    return out, f"Multi{family}"


def _write_with_gdal(frame: gpd.GeoDataFrame, layer_name: str, driver: str, suffix: str, **options) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer_name}.{suffix}"
        _typed(frame).to_file(path, layer=layer_name, driver=driver, engine="pyogrio", **options)
        return path.read_bytes()


def write_gpkg(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """GeoPackage with one table named after the layer, EPSG:4326, its geometry type declared
    (:func:`declared_geometry`)."""
    frame, geometry_type = declared_geometry(frame)
    return _write_with_gdal(frame, layer_name, "GPKG", "gpkg", geometry_type=geometry_type, promote_to_multi=False)


def write_fgb(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """FlatGeobuf, EPSG:4326, its geometry type declared (:func:`declared_geometry`), with a
    spatial index unless some features have no geometry (FlatGeobuf's index cannot hold them)."""
    index = "YES" if frame.geometry.notna().all() else "NO"
    frame, geometry_type = declared_geometry(frame)
    return _write_with_gdal(frame, layer_name, "FlatGeobuf", "fgb", geometry_type=geometry_type, promote_to_multi=False,
                            layer_options={"SPATIAL_INDEX": index})


def write_kml(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """KML (WGS84 by definition); name from name_zh, the other properties as ExtendedData."""
    return _write_with_gdal(frame, layer_name, "KML", "kml", dataset_options={"NameField": "name_zh"})


#: Shapefile field names are at most 10 characters; these keep ours distinct and readable.
def _shp_names(columns) -> dict[str, str]:
    out, used = {}, set()
    for col in columns:
        base = col[:10]
        name, n = base, 1
        while name in used:
            suffix = str(n)
            name = base[: 10 - len(suffix)] + suffix
            n += 1
        used.add(name)
        out[col] = name
    return out


def write_shapefile_zip(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """A zip of Shapefiles with .prj and a UTF-8 .cpg; one shapefile per geometry kind present
    (a shapefile holds one), fields.csv mapping 10-character names to full field names, and
    attributes.csv with every attribute in full: dBase text fields stop at 254 bytes, which
    long JSON values (sources, mentions) exceed."""
    import zipfile

    flat = _typed(frame)
    names = _shp_names([c for c in flat.columns if c != flat.geometry.name])
    flat = flat.rename(columns=names)
    kinds = {
        "polygons": flat.geom_type.isin(["Polygon", "MultiPolygon"]),
        "lines": flat.geom_type.isin(["LineString", "MultiLineString"]),
        "points": flat.geom_type.isin(["Point", "MultiPoint"]),
        "unlocated": flat.geometry.isna(),
    }
    present = {k: m for k, m in kinds.items() if m.any()}
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for kind, mask in present.items():
            stem = layer_name if len(present) == 1 else f"{layer_name}_{kind}"
            part = flat[mask]
            path = Path(tmp) / f"{stem}.shp"
            if kind == "unlocated":  # attributes only: a dBase table, as GIS tools expect
                part.drop(columns=part.geometry.name).pipe(gpd.GeoDataFrame).to_file(
                    Path(tmp) / f"{stem}.dbf", driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8"
                )
            else:  # one shape type per file: points with multipoints are a multipoint shapefile
                part, geometry_type = declared_geometry(part)
                part.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8",
                             geometry_type=geometry_type, promote_to_multi=False)
        table = io.StringIO()
        csv.writer(table, lineterminator="\n").writerows([["field", "shapefile_field"], *names.items()])
        zf.writestr("fields.csv", table.getvalue())
        zf.writestr("attributes.csv", write_csv(frame.drop(columns=frame.geometry.name).pipe(gpd.GeoDataFrame, geometry=[None] * len(frame)), layer_name))
        for file in sorted(Path(tmp).iterdir()):
            zf.write(file, file.name)
    return buf.getvalue()


WRITERS: dict[str, Writer] = {
    "geojson": Writer("application/geo+json", "geojson", write_geojson),
    "gpkg": Writer("application/geopackage+sqlite3", "gpkg", write_gpkg),
    "shp": Writer("application/zip", "zip", write_shapefile_zip),
    "fgb": Writer("application/vnd.flatgeobuf", "fgb", write_fgb),
    "csv": Writer("text/csv; charset=utf-8", "csv", write_csv),
    "kml": Writer("application/vnd.google-earth.kml+xml", "kml", write_kml),
}
