"""What a builder is given: the curated data of one data directory and the frames it depends on.

The catalog owns one :class:`CuratedData` per load (no module-level state): every data file is
read and validated once per catalog, whichever layers read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import geopandas as gpd
from pydantic import BaseModel

from layers.datafiles import load_rows
from layers.errors import LayerError

if TYPE_CHECKING:
    from layers.sources import Document
    from layers.spec import LayerSpec

M = TypeVar("M", bound=BaseModel)


class CuratedData:
    """The curated files of a data directory, each loaded and validated once.

    Parameters
    ----------
    data_dir : Path
        Directory holding ``documents.yaml``, ``zones.yaml``, the project files…
    """

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self._rows: dict[tuple[str, type], list] = {}
        self._documents: dict[str, Document] | None = None
        self._gazetteer = None
        self._routes = None

    def path(self, name: str) -> Path:
        """Path of a data file in this directory."""
        return self.data_dir / name

    def rows(self, name: str, model: type[M], layer: str) -> list[M]:
        """Rows of ``name`` validated against ``model`` (read once; see :func:`load_rows`)."""
        key = (name, model)
        if key not in self._rows:
            self._rows[key] = load_rows(self.path(name), model, layer=layer)
        return self._rows[key]

    @property
    def documents(self) -> dict[str, Document]:
        """The planning documents by key (``documents.yaml``)."""
        if self._documents is None:
            from layers.sources import Document

            self._documents = {d.key: d for d in self.rows("documents.yaml", Document, layer="documents")}
        return self._documents

    @property
    def gazetteer(self):
        """The gazetteer of this directory (``gazetteer.csv`` + ``sites.yaml``), built once."""
        if self._gazetteer is None:
            from layers.gazetteer import Gazetteer

            self._gazetteer = Gazetteer.from_data(self)
        return self._gazetteer

    @property
    def routes(self) -> dict:
        """Line routes and channel-work rivers by row id (``waypoints.yaml``)."""
        if self._routes is None:
            from layers.placement import RouteRow

            rows = self.rows("waypoints.yaml", RouteRow, layer="routes") if self.path("waypoints.yaml").exists() else []
            self._routes = {r.id: r for r in rows}
        return self._routes

    def citation_dicts(self, citations) -> list[dict]:
        """Citations as JSON-ready dicts, with the cited document's title and date added."""
        docs = self.documents
        out = []
        for c in citations:
            d = docs.get(c.doc)
            out.append({"seed": c.seed, "doc": c.doc, "doc_title_zh": d.title_zh if d else None,
                        "doc_date": d.date if d else None, "quote": c.quote})
        return out


@dataclass(frozen=True)
class BuildContext:
    """Arguments of a layer builder: its spec, the curated data and its dependencies' frames."""

    spec: LayerSpec
    data: CuratedData
    frames: Mapping[str, gpd.GeoDataFrame]

    def dep(self, layer_id: str) -> gpd.GeoDataFrame:
        """The built frame of a declared dependency (callers must not modify it)."""
        if layer_id not in self.spec.depends_on:
            raise LayerError(f"layer {self.spec.id} reads {layer_id!r} but does not declare it in depends_on")
        return self.frames[layer_id]
