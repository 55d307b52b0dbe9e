"""The one query model: what selects features of a layer, and the page it returns.

``/api/layers/{id}``, ``/ogc/collections/{id}/items``, downloads and the map's filters all build
a :class:`FeatureQuery` and ask :meth:`layers.catalog.Catalog.select` for a :class:`Page`, so a
bbox, a filter or a year means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.bbox import BBox
from layers.errors import QueryError


@dataclass(frozen=True)
class Period:
    """A closed interval of years; ``None`` leaves an end open. A year Y is ``Period(Y, Y)``.

    A feature matches when its own period (its spec's ``temporal_fields``, open where a bound is
    not documented) overlaps this one. A feature with no documented period at all is taken to run
    from its spec's ``temporal_fallback_start`` (for projects: the year of the first document
    that names it) with an open end; without one it never matches.
    """

    start: int | None
    end: int | None

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise QueryError("a period needs a start or an end year")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise QueryError(f"period {self.start}–{self.end} ends before it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(year, year)


@dataclass(frozen=True)
class FeatureQuery:
    """Everything that selects and pages features of a layer.

    Attributes
    ----------
    bbox : BBox, optional
        Lon/lat box (CRS84); other CRSs are converted by :func:`geo.bbox.parse_bbox_in_crs`.
    q : str, optional
        Words that must all occur in the layer's searchable text (names, aliases, pinyin).
    filters : tuple of (name, value)
        Property filters; see :func:`property_mask`.
    period : Period, optional
        The one time filter.
    limit, offset : int
        Page size (None: everything) and index of the first feature.
    """

    bbox: BBox | None = None
    q: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    period: Period | None = None
    limit: int | None = None
    offset: int = 0

    def key(self) -> tuple:
        """Hashable identity for response caches."""
        return (self.bbox, self.q, self.filters, self.period, self.limit, self.offset)

    def unpaged(self) -> FeatureQuery:
        """The same selection without paging."""
        return FeatureQuery(self.bbox, self.q, self.filters, self.period)


@dataclass(frozen=True)
class Page:
    """What a query selects: how many features match, and the requested slice of them.

    ``positions`` are the row positions of the slice in the layer's frame (frame order), so a
    server can assemble the response from bytes encoded once per feature; ``items`` is the
    slice as a frame, made on demand from ``source``.
    """

    query: FeatureQuery
    matched: int
    positions: np.ndarray
    source: gpd.GeoDataFrame = field(repr=False)

    @property
    def items(self) -> gpd.GeoDataFrame:
        return self.source.iloc[self.positions]

    @property
    def returned(self) -> int:
        return len(self.positions)

    @property
    def next_offset(self) -> int | None:
        """Offset of the next page, or None when this is the last (never an empty next page)."""
        if self.query.limit is None:
            return None
        nxt = self.query.offset + self.query.limit
        return nxt if nxt < self.matched else None

    @property
    def prev_offset(self) -> int | None:
        """Offset of the previous page, or None on the first."""
        if self.query.offset <= 0 or self.query.limit is None:
            return None
        return max(0, self.query.offset - self.query.limit)


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


def _year(v) -> int | None:
    return None if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else int(v)


def period_mask(frame: gpd.GeoDataFrame, fields: tuple[str, str] | None, period: Period,
                fallback_start: str | None = None) -> pd.Series:
    """Rows whose period overlaps ``period`` (see :class:`Period` for the rule)."""
    if fields is None:
        raise QueryError("this layer has no period to filter by year or datetime")
    starts = [_year(v) for v in frame[fields[0]]]
    ends = [_year(v) for v in frame[fields[1]]]
    fallbacks = [_year(v) for v in frame[fallback_start]] if fallback_start else [None] * len(frame)
    out = []
    for s, e, f in zip(starts, ends, fallbacks):
        if s is None and e is None:
            s = f
        if s is None and e is None:
            out.append(False)
            continue
        starts_before_end = period.end is None or s is None or s <= period.end
        ends_after_start = period.start is None or e is None or period.start <= e
        out.append(starts_before_end and ends_after_start)
    return pd.Series(out, index=frame.index, dtype=bool)
