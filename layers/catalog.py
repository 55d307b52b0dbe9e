"""The catalog: every registered layer built once, validated, cached and queryable.

A layer that fails to build is kept out of service with its error, and the others still serve:
``Catalog.errors`` says which and why. Query functions (bbox, text search) live here so that the
API only parses parameters and formats responses.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.bbox import BBox
from geo.simplify import simplify_for_zoom
from layers import REGISTRY, layer_module
from layers.errors import LayerError, QueryError, UnknownFeatureError, UnknownLayerError
from layers.names import pinyin, pinyin_initials
from layers.spec import LayerSpec, validate_frame

log = logging.getLogger(__name__)

#: From this zoom on, layers are served at full resolution.
FULL_DETAIL_ZOOM = 12


class LayerUnavailableError(LayerError):
    """The layer is registered but failed to build; the message carries its error."""


@dataclass
class Layer:
    """A built layer: its spec, its frame, and a version that changes when its data does."""

    spec: LayerSpec
    frame: gpd.GeoDataFrame
    version: str
    search_text: pd.Series = field(repr=False)

    @property
    def bbox(self) -> list[float]:
        """[west, south, east, north] of all features."""
        return [round(float(v), 6) for v in self.frame.total_bounds]


def _search_text(frame: gpd.GeoDataFrame) -> pd.Series:
    """Lower-case text each feature is found by: names, aliases, pinyin and pinyin initials."""
    texts = []
    for name_zh, name_en, aliases in zip(frame["name_zh"], frame["name_en"], frame["aliases"]):
        words = [name_zh or "", name_en or ""] + list(aliases or [])
        for w in [name_zh or ""] + list(aliases or []):
            if any("\u4e00" <= ch <= "\u9fff" for ch in w):
                words += [pinyin(w), pinyin(w).replace("'", ""), pinyin_initials(w)]
        texts.append("\n".join(words).lower())
    return pd.Series(texts, index=frame.index)


def _version(frame: gpd.GeoDataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame.drop(columns=frame.geometry.name).astype(str), index=False).values.tobytes())
    digest.update(b"".join(w or b"" for w in frame.geometry.to_wkb()))
    return digest.hexdigest()[:16]


def _default_builders(ids: Iterable[str]) -> dict[str, tuple[LayerSpec, Callable[[], gpd.GeoDataFrame]]]:
    from functools import partial

    from layers import built

    return {layer_id: (layer_module(layer_id).SPEC, partial(built, layer_id)) for layer_id in ids}


class Catalog:
    """Registered layers, built and validated once.

    Parameters
    ----------
    builders : dict, optional
        ``layer id → (spec, build function)``; defaults to every layer in :data:`layers.REGISTRY`.
        Tests pass small fixtures here.
    """

    def __init__(self, builders: dict[str, tuple[LayerSpec, Callable[[], gpd.GeoDataFrame]]] | None = None):
        self._builders = builders if builders is not None else _default_builders(REGISTRY)
        self.layers: dict[str, Layer] = {}
        self.errors: dict[str, str] = {}
        self._feature_index: dict[str, tuple[str, int]] = {}
        self._zoom_frames: dict[tuple[str, int], gpd.GeoDataFrame] = {}

    def load(self) -> Catalog:
        """Build every layer; record failures instead of raising. Returns self."""
        for layer_id, (spec, build) in self._builders.items():
            try:
                frame = validate_frame(build(), spec)
            except Exception as exc:  # a broken layer must not take the others down
                log.error("layer %s failed to build: %s", layer_id, exc, exc_info=True)
                self.errors[layer_id] = f"{type(exc).__name__}: {exc}"
                continue
            frame = frame.reset_index(drop=True)
            self.layers[layer_id] = Layer(spec, frame, _version(frame), _search_text(frame))
            for pos, fid in enumerate(frame["id"]):
                self._feature_index[fid] = (layer_id, pos)
        return self

    @property
    def ids(self) -> list[str]:
        """All registered layer ids, built or not, in registry order."""
        return list(self._builders)

    def spec(self, layer_id: str) -> LayerSpec:
        """Spec of any registered layer, even a broken one."""
        if layer_id not in self._builders:
            raise UnknownLayerError(f"unknown layer {layer_id!r}; known layers: {', '.join(self._builders)}")
        return self._builders[layer_id][0]

    def get(self, layer_id: str) -> Layer:
        """A built layer.

        Raises
        ------
        UnknownLayerError
            If no layer has that id.
        LayerUnavailableError
            If the layer is registered but failed to build.
        """
        if layer_id in self.layers:
            return self.layers[layer_id]
        if layer_id in self.errors:
            raise LayerUnavailableError(f"layer {layer_id!r} is unavailable: {self.errors[layer_id]}")
        raise UnknownLayerError(f"unknown layer {layer_id!r}; known layers: {', '.join(self._builders)}")

    def feature(self, feature_id: str) -> tuple[Layer, gpd.GeoDataFrame]:
        """The layer and one-row frame of a feature id."""
        if feature_id not in self._feature_index:
            raise UnknownFeatureError(f"unknown feature {feature_id!r}")
        layer_id, pos = self._feature_index[feature_id]
        layer = self.layers[layer_id]
        return layer, layer.frame.iloc[[pos]]

    def frame_at_zoom(self, layer_id: str, zoom: int | None) -> gpd.GeoDataFrame:
        """The layer for display at ``zoom`` (computed once per level), or the full frame.

        A zoom-level frame has the spec's display properties only and geometry simplified to
        about two pixels; polygon layers that tile (regions) are simplified as a coverage so
        neighbours keep sharing edges (see :mod:`geo.simplify`). ``None`` gives the full frame.
        """
        layer = self.get(layer_id)
        if zoom is None:
            return layer.frame
        key = (layer_id, zoom)
        if key not in self._zoom_frames:
            display = layer.frame[layer.spec.display_fields + [layer.frame.geometry.name]]
            self._zoom_frames[key] = display if zoom >= FULL_DETAIL_ZOOM else simplify_for_zoom(display, zoom)
        return self._zoom_frames[key]

    def query(
        self,
        layer_id: str,
        bbox: BBox | None = None,
        q: str | None = None,
        where: dict[str, str] | None = None,
        year: int | None = None,
    ) -> gpd.GeoDataFrame:
        """Features of a layer intersecting ``bbox``, matching the text ``q``, the property
        filters ``where`` and the ``year``.

        ``q`` is matched case-insensitively as a substring of the Chinese and English names,
        the aliases, and their pinyin (with and without apostrophes) and pinyin initials;
        several words must all match. ``where`` maps a filter name to a value: see
        :func:`property_mask`. ``year`` keeps features whose documented period overlaps it.

        Raises
        ------
        QueryError
            If a filter does not apply to this layer or its value has the wrong type.
        """
        layer = self.get(layer_id)
        mask = pd.Series(True, index=layer.frame.index)
        for name, value in (where or {}).items():
            mask &= property_mask(layer.frame, name, value)
        if year is not None:
            mask &= year_mask(layer.frame, year)
        if bbox is not None:
            hits = layer.frame.sindex.query(_box(bbox), predicate="intersects")
            mask &= layer.frame.index.isin(hits)
        if q:
            for word in q.lower().split():
                mask &= layer.search_text.str.contains(word, regex=False)
        return layer.frame[mask]


def _box(bbox: BBox):
    from shapely.geometry import box

    return box(*bbox.as_tuple())


#: Filter names that address a differently named column (a zone filter matches the zones list).
FILTER_COLUMNS = {"zone": "zones", "province": ("province", "provinces")}


def _filter_column(frame: gpd.GeoDataFrame, name: str) -> str:
    candidates = FILTER_COLUMNS.get(name, name)
    for col in (candidates,) if isinstance(candidates, str) else candidates:
        if col in frame.columns and col != frame.geometry.name:
            return col
    raise QueryError(f"this layer has no property {name!r} to filter on")


def property_mask(frame: gpd.GeoDataFrame, name: str, value: str) -> pd.Series:
    """Rows whose property equals ``value`` (case-insensitive), or whose list property contains it.

    Booleans accept true/false/1/0/yes/no. Several values may be given comma-separated (any matches).
    """
    col = _filter_column(frame, name)
    values = frame[col]
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        text = value.strip().lower()
        if text not in {"true", "false", "1", "0", "yes", "no"}:
            raise QueryError(f"{name} must be true or false, got {value[:40]!r}")
        wanted = text in {"true", "1", "yes"}
        return values.map(lambda v: v is wanted or v == wanted)
    wanted_set = {w.strip().lower() for w in value.split(",") if w.strip()}
    if not wanted_set:
        raise QueryError(f"{name} needs a value")
    if isinstance(sample, list):
        return values.map(lambda v: bool(v) and any(str(x).lower() in wanted_set for x in v))
    return values.map(lambda v: v is not None and str(v).lower() in wanted_set)


def year_mask(frame: gpd.GeoDataFrame, year: int) -> pd.Series:
    """Rows whose documented period (period_start–period_end) includes ``year``.

    A period open at one end (only a start or only an end year stated) is open that way; rows
    with no period at all do not match.
    """
    if "period_start" not in frame.columns:
        raise QueryError("this layer has no period to filter by year")
    def value(v):
        return None if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else v

    start = [value(v) for v in frame["period_start"]]
    end = [value(v) for v in frame["period_end"]]
    return pd.Series(
        [
            (s is not None or e is not None) and (s is None or s <= year) and (e is None or year <= e)
            for s, e in zip(start, end)
        ],
        index=frame.index,
    )
