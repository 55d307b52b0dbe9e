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


def write_gpkg(frame: gpd.GeoDataFrame, layer_name: str) -> bytes:
    """GeoPackage with one table named after the layer, EPSG:4326."""
    flat = flatten(frame)
    for col in flat.columns:
        if col != flat.geometry.name and flat[col].dtype == object:
            # keep mixed/None object columns writable: numbers stay numbers where the column is numeric
            values = [v for v in flat[col] if v is not None]
            if values and all(isinstance(v, bool) for v in values):
                flat[col] = flat[col].astype("boolean")
            elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                flat[col] = flat[col].astype("float64") if any(isinstance(v, float) for v in values) else flat[col].astype("Int64")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer_name}.gpkg"
        flat.to_file(path, layer=layer_name, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


WRITERS: dict[str, Writer] = {
    "geojson": Writer("application/geo+json", "geojson", write_geojson),
    "gpkg": Writer("application/geopackage+sqlite3", "gpkg", write_gpkg),
    "csv": Writer("text/csv; charset=utf-8", "csv", write_csv),
}
