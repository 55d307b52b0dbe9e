"""The catalog: every registered layer built once in dependency order, validated and queryable.

The catalog owns its state: the data directory it reads, the built layers, the errors of the
ones that failed, the feature index and the zoom-level frames. Nothing is kept at module level.
A layer that fails to build, or whose dependency failed, is kept out of service with its error
and the others still serve: ``Catalog.errors`` says which and why.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.simplify import simplify_for_zoom
from layers import artifact as _artifact
from layers.context import BuildContext, CuratedData
from layers.datafiles import DATA_DIR
from layers.errors import LayerError, UnknownFeatureError, UnknownLayerError
from layers.names import pinyin, pinyin_initials
from layers.query import FeatureQuery, Page, period_mask, property_mask
from layers.spec import FULL_DETAIL_ZOOM, MAP_DETAIL_LEVELS, LayerSpec, validate_frame

log = logging.getLogger(__name__)

__all__ = ["Catalog", "Layer", "LayerUnavailableError", "FULL_DETAIL_ZOOM"]


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
    def bbox(self) -> list[float] | None:
        """[west, south, east, north] of all located features (None when none is located)."""
        located = self.frame.geometry.dropna()
        if located.empty:
            return None
        return [round(float(v), 6) for v in located.total_bounds]

    @cached_property
    def spatial_index(self) -> shapely.STRtree:
        """The frame's geometries in a shapely STRtree (its positions are frame rows), made on
        first use. Queried directly: GeoDataFrame.sindex goes through pandas and geopandas'
        argument checks on every call, which cost more than the query on a small layer."""
        return shapely.STRtree(np.asarray(self.frame.geometry.array))

    @cached_property
    def located(self) -> tuple[np.ndarray, tuple[float, float, float, float] | None]:
        """Positions of the rows with a geometry, and the box around them (None when none):
        a bbox around that box selects exactly these rows, with no index query."""
        geoms = np.asarray(self.frame.geometry.array)
        has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        positions = np.flatnonzero(has)
        positions.flags.writeable = False  # shared by every query that selects them all
        if not len(positions):
            return positions, None
        return positions, tuple(float(v) for v in shapely.total_bounds(geoms[has]))

    def intersecting(self, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Positions (ascending) of the rows whose geometry intersects ``bbox`` (west, south,
        east, north)."""
        located, bounds = self.located
        if bounds is not None and bbox[0] <= bounds[0] and bbox[1] <= bounds[1] and bbox[2] >= bounds[2] and bbox[3] >= bounds[3]:
            return located  # the box holds every geometry's extent, so each intersects it
        return np.sort(self.spatial_index.query(shapely.box(*bbox), predicate="intersects"))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def search_text(frame: gpd.GeoDataFrame, fields: Iterable[str]) -> pd.Series:
    """Lower-case text each feature is found by: its searchable fields, plus pinyin (with and
    without apostrophes) and pinyin initials of their Chinese words."""
    fields = list(fields)
    texts = []
    for values in zip(*(frame[f] for f in fields)):
        words: list[str] = []
        for v in values:
            words += [str(x) for x in v] if isinstance(v, list) else [str(v)] if v is not None else []
        for w in list(words):
            if _has_cjk(w):
                words += [pinyin(w), pinyin(w).replace("'", ""), pinyin_initials(w)]
        texts.append("\n".join(words).lower())
    return pd.Series(texts, index=frame.index)


def clip_lines(geoms: gpd.GeoSeries, frame: tuple[float, float, float, float]) -> gpd.GeoSeries:
    """Lines cut to ``frame`` (other geometries unchanged; a line wholly outside becomes null)."""
    from shapely.geometry import box

    window = box(*frame)

    def clip(g):
        if g is None or not g.geom_type.endswith("LineString") or window.contains(g):
            return g
        part = g.intersection(window)
        return None if part.is_empty else part

    return gpd.GeoSeries([clip(g) for g in geoms], index=geoms.index, crs=geoms.crs)


def _version(frame: gpd.GeoDataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(frame.drop(columns=frame.geometry.name).astype(str), index=False).values.tobytes())
    digest.update(b"".join(w or b"" for w in frame.geometry.to_wkb()))
    return digest.hexdigest()[:16]


def build_order(defs) -> list:
    """Layer definitions ordered so that each comes after the layers it depends on.

    Raises
    ------
    LayerError
        If a layer depends on an unregistered layer or the dependencies form a cycle.
    """
    by_id = {d.spec.id: d for d in defs}
    order, state = [], {}

    def visit(layer_id: str, path: tuple[str, ...]) -> None:
        if state.get(layer_id) == "done":
            return
        if state.get(layer_id) == "visiting":
            raise LayerError(f"dependency cycle: {' → '.join(path + (layer_id,))}")
        state[layer_id] = "visiting"
        for dep in by_id[layer_id].spec.depends_on:
            if dep not in by_id:
                raise LayerError(f"layer {layer_id} depends on unregistered layer {dep!r}")
            visit(dep, path + (layer_id,))
        state[layer_id] = "done"
        order.append(by_id[layer_id])

    for d in defs:
        visit(d.spec.id, ())
    return order


class Catalog:
    """Registered layers, built in dependency order and validated once.

    Parameters
    ----------
    defs : sequence of LayerDef, optional
        ``(spec, build)`` pairs; defaults to :data:`layers.registry.REGISTRY`. Tests pass small
        fixtures or a registry with one more layer.
    data_dir : path, optional
        Directory of the curated data files; defaults to the package's ``layers/data``.
    """

    def __init__(self, defs=None, data_dir: Path | str | None = None):
        if defs is None:
            from layers.registry import REGISTRY

            defs = REGISTRY
        self._defs = {d.spec.id: d for d in defs}
        self.data = CuratedData(data_dir or DATA_DIR)
        self.layers: dict[str, Layer] = {}
        self.errors: dict[str, str] = {}
        self._feature_index: dict[str, tuple[str, int]] = {}
        self._zoom_frames: dict[tuple[str, int], gpd.GeoDataFrame] = {}
        self._search_index = None
        self._version: tuple | None = None

    @property
    def data_dir(self) -> Path:
        return self.data.data_dir

    def load(self, artifact_dir: Path | str | None = None) -> Catalog:
        """Build every layer after its dependencies; record failures instead of raising.

        A layer whose dependency failed is not built: its error names the dependency.
        With ``artifact_dir``, the default registry's build is read from the artifact there
        when its fingerprint matches (:mod:`layers.artifact`), and written there after a
        complete build. Returns self.
        """
        artifact = self._artifact_path(artifact_dir)
        stored = _artifact.load(artifact) if artifact is not None else None
        if stored is not None and set(stored["layers"]) | set(stored["errors"]) == set(self._defs):
            for layer_id, (frame, version, text) in stored["layers"].items():
                self._add(Layer(self._defs[layer_id].spec, frame, version, text))
            self.errors.update(stored["errors"])
            self._zoom_frames.update(stored.get("map_frames", {}))
            log.info("layers read from %s", artifact)
        else:
            self._build()
            if artifact is not None and not self.errors:
                # The map's frames go with the build, so the first map after a start simplifies nothing.
                self.warm_map_frames()
                _artifact.save(artifact, {i: (x.frame, x.version, x.search_text) for i, x in self.layers.items()},
                               self.errors, map_frames=dict(self._zoom_frames))
        # Keep registry order for every listing.
        self.layers = {i: self.layers[i] for i in self._defs if i in self.layers}
        return self

    def _artifact_path(self, artifact_dir) -> Path | None:
        """Where the artifact of this build lives; None when there is none to use (no directory,
        or layers other than the default registry's, whose code the fingerprint does not cover)."""
        from layers.registry import REGISTRY

        if artifact_dir is None or [d.spec.id for d in REGISTRY] != list(self._defs) or any(
                self._defs[d.spec.id] is not d for d in REGISTRY):
            return None
        return _artifact.path_for(Path(artifact_dir), self.data_dir)

    def _add(self, layer: Layer) -> None:
        self.layers[layer.spec.id] = layer
        for pos, fid in enumerate(layer.frame["id"]):
            self._feature_index[fid] = (layer.spec.id, pos)

    def _build(self) -> None:
        for d in build_order(self._defs.values()):
            spec = d.spec
            broken = [dep for dep in spec.depends_on if dep not in self.layers]
            if broken:
                self.errors[spec.id] = f"DependencyError: needs {', '.join(broken)}, which failed to build"
                log.error("layer %s not built: %s", spec.id, self.errors[spec.id])
                continue
            ctx = BuildContext(spec, self.data, {dep: self.layers[dep].frame for dep in spec.depends_on})
            try:
                frame = validate_frame(d.build(ctx), spec)
            except Exception as exc:  # a broken layer must not take the others down; it is reported
                log.error("layer %s failed to build: %s", spec.id, exc, exc_info=True)
                self.errors[spec.id] = f"{type(exc).__name__}: {exc}"
                continue
            frame = frame.reset_index(drop=True)
            self._add(Layer(spec, frame, _version(frame), search_text(frame, spec.searchable_fields)))

    @property
    def version(self) -> str:
        """Changes when any built layer's data does (or a layer starts or stops building)."""
        key = tuple((layer_id, layer.version) for layer_id, layer in self.layers.items())
        if self._version is None or self._version[0] != key:
            self._version = (key, hashlib.sha256(repr(key).encode()).hexdigest()[:16])
        return self._version[1]

    @property
    def search_index(self):
        """The :class:`layers.search.SearchIndex` of every built layer, made on first use."""
        if self._search_index is None:
            from layers.search import SearchIndex

            self._search_index = SearchIndex(self.layers.values())
        return self._search_index

    @property
    def ids(self) -> list[str]:
        """All registered layer ids, built or not, in registry order."""
        return list(self._defs)

    @property
    def specs(self) -> list[LayerSpec]:
        """Specs of all registered layers, in registry order."""
        return [d.spec for d in self._defs.values()]

    def spec(self, layer_id: str) -> LayerSpec:
        """Spec of any registered layer, even a broken one."""
        if layer_id not in self._defs:
            raise UnknownLayerError(f"unknown layer {layer_id!r}; known layers: {', '.join(self._defs)}")
        return self._defs[layer_id].spec

    def in_group(self, group: str) -> list[Layer]:
        """Built layers of a group (``projects``, ``base``…), in registry order."""
        return [layer for layer in self.layers.values() if layer.spec.group == group]

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
        raise UnknownLayerError(f"unknown layer {layer_id!r}; known layers: {', '.join(self._defs)}")

    def feature(self, feature_id: str) -> tuple[Layer, gpd.GeoDataFrame]:
        """The layer and one-row frame of a feature id."""
        if feature_id not in self._feature_index:
            raise UnknownFeatureError(f"unknown feature {feature_id!r}")
        layer_id, pos = self._feature_index[feature_id]
        layer = self.layers[layer_id]
        return layer, layer.frame.iloc[[pos]]

    def warm_map_frames(self) -> None:
        """Make the frames the map asks for: zoomed layers at each of
        :data:`layers.spec.MAP_DETAIL_LEVELS`, the others at full detail."""
        for layer_id, layer in self.layers.items():
            zoomed = layer.spec.presentation is not None and layer.spec.presentation.zoomed
            for zoom in MAP_DETAIL_LEVELS if zoomed else (None,):
                self.map_frame(layer_id, zoom)

    def map_frame(self, layer_id: str, zoom: int | None = None) -> gpd.GeoDataFrame:
        """The layer as the map shows it (computed once per zoom level).

        Lines are clipped to the spec's ``display_frame`` (a line to 上海 ends at the frame; its
        ``exits`` say where and toward what). With a ``zoom``, only the spec's display properties
        for that zoom are kept (below :data:`FULL_DETAIL_ZOOM`, an array field with
        ``summary_keys`` cut to them), and the geometry of a layer the map fetches again at each
        level (``spec.simplified_at_zoom``) is simplified to about two pixels; polygon layers that tile
        (regions) are simplified as a coverage so neighbours keep sharing edges (see
        :mod:`geo.simplify`). A layer fetched once keeps its geometry: simplified for the start
        zoom, a road would miss the towns it runs through once the map zooms in.
        """
        layer = self.get(layer_id)
        key = (layer_id, zoom)
        if key not in self._zoom_frames:
            frame = layer.frame
            if layer.spec.display_frame is not None:
                frame = frame.copy()
                frame.geometry = clip_lines(frame.geometry, layer.spec.display_frame)
            if zoom is not None:
                frame = frame[layer.spec.display_fields(zoom) + [frame.geometry.name]]
                summarised = [f for f in layer.spec.fields if f.summary_keys and f.name in frame.columns]
                if summarised and zoom < FULL_DETAIL_ZOOM:
                    frame = frame.copy()
                    for f in summarised:
                        frame[f.name] = [f.summary(v) for v in frame[f.name]]
                if zoom < FULL_DETAIL_ZOOM and layer.spec.simplified_at_zoom:
                    frame = simplify_for_zoom(frame, zoom)
            self._zoom_frames[key] = frame
        return self._zoom_frames[key]

    def positions(self, layer_id: str, query: FeatureQuery) -> np.ndarray:
        """Row positions (ascending, frame order) of the layer's features ``query`` selects,
        paging aside.

        The bbox goes through the layer's spatial index; the other filters are applied only
        to the rows it leaves, so a small window over a large layer costs what it selects.

        Raises
        ------
        QueryError
            If a filter or the period does not apply to this layer or has the wrong type.
        """
        layer = self.get(layer_id)
        frame = layer.frame
        if query.bbox is not None:
            hits = layer.intersecting(query.bbox.as_tuple())
        else:
            hits = np.arange(len(frame))
        if not (query.filters or query.period is not None or query.q):
            return hits
        keep = np.ones(len(hits), dtype=bool)
        # Property and period filters read the whole column, so that a value of the wrong type
        # is refused whatever the window selects.
        for name, value in query.filters:
            keep &= property_mask(frame, name, value).to_numpy(dtype=bool)[hits]
        if query.period is not None:
            keep &= period_mask(frame, layer.spec.temporal_fields, query.period,
                                layer.spec.temporal_fallback_start).to_numpy(dtype=bool)[hits]
        if query.q:
            text = layer.search_text.iloc[hits]
            for word in query.q.lower().split():
                keep &= text.str.contains(word, regex=False).to_numpy(dtype=bool)
        return hits[keep]

    def mask(self, layer_id: str, query: FeatureQuery) -> pd.Series:
        """Boolean mask of the layer's rows that ``query`` selects (paging aside); see
        :meth:`positions`."""
        frame = self.get(layer_id).frame
        out = np.zeros(len(frame), dtype=bool)
        out[self.positions(layer_id, query)] = True
        return pd.Series(out, index=frame.index)

    def select(self, layer_id: str, query: FeatureQuery, for_map: bool = False, zoom: int | None = None) -> Page:
        """The page of features ``query`` selects: full features, or as the map shows them
        (``for_map``, at ``zoom``: see :meth:`map_frame`). Selection always uses full geometry."""
        hits = self.positions(layer_id, query)
        frame = self.map_frame(layer_id, zoom) if for_map else self.get(layer_id).frame
        end = None if query.limit is None else query.offset + query.limit
        return Page(query, int(len(hits)), hits[query.offset:end], frame)
