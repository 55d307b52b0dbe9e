"""Search across layers from an n-gram index built once per catalog.

A feature is found when every word of the query occurs in its search text (names, aliases,
their pinyin and initials, adcodes where the layer declares them: see
:func:`layers.catalog.search_text`), as :meth:`layers.catalog.Catalog.positions` finds it for
one layer. The index maps each character and each pair of adjacent characters to the features
whose text holds it, so a word's candidates are the intersection of its pairs' lists, checked
by substring; nothing scans every feature.

Ranking: an exact Chinese or English name or alias first, then names or aliases starting with
the query, then the rest; within each, by layer group (:data:`layers.spec.GROUPS` order), then shorter names.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from layers.spec import GROUPS


class SearchIndex:
    """Searchable features of every built layer, with their results made once."""

    def __init__(self, layers):
        ordered = sorted(layers, key=lambda layer: list(GROUPS).index(layer.spec.group))
        self.texts: list[str] = []
        self._results: list[dict] = []
        self._names: list[tuple[str, ...]] = []  # name_zh, name_en and aliases, lower-case
        self._order: list[int] = []
        grams: dict[str, list[int]] = defaultdict(list)
        for order, layer in enumerate(ordered):
            frame = layer.frame
            bounds = frame.geometry.bounds.to_numpy()
            located = frame.geometry.notna().to_numpy() & ~frame.geometry.is_empty.to_numpy()
            aliases = frame["aliases"] if "aliases" in frame.columns else [None] * len(frame)
            for pos, (fid, zh, en, kind, text, also) in enumerate(zip(frame["id"], frame["name_zh"], frame["name_en"],
                                                                         frame["kind"], layer.search_text, aliases)):
                n = len(self.texts)
                self.texts.append(text)
                zh = zh or ""
                names = [zh, en or "", *(str(a) for a in (also if isinstance(also, list) else []))]
                self._names.append(tuple(name.lower() for name in names if name))
                self._order.append(order)
                self._results.append({
                    "id": fid, "layer": layer.spec.id, "name_zh": zh, "name_en": en, "kind": kind,
                    "bbox": [round(float(v), 6) for v in bounds[pos]] if located[pos] else None,
                })
                for gram in _grams(text):
                    grams[gram].append(n)
        self._grams = {g: np.asarray(ids, dtype=np.int32) for g, ids in grams.items()}
        self._all = np.arange(len(self.texts), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.texts)

    def _candidates(self, word: str) -> np.ndarray:
        keys = [word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]
        hits = None
        for key in sorted(set(keys), key=lambda k: len(self._grams.get(k, ()))):
            ids = self._grams.get(key)
            if ids is None:
                return np.empty(0, dtype=np.int32)
            hits = ids if hits is None else np.intersect1d(hits, ids, assume_unique=True)
            if not len(hits):
                break
        return hits if hits is not None else self._all

    def matches(self, q: str) -> list[int]:
        """Entries whose text holds every word of ``q`` (case-insensitive)."""
        words = q.lower().split()
        if not words:
            return []
        hits = None
        for word in sorted(words, key=len, reverse=True):
            found = self._candidates(word)
            hits = found if hits is None else np.intersect1d(hits, found, assume_unique=True)
            if not len(hits):
                return []
        return [int(i) for i in hits if all(w in self.texts[i] for w in words)]

    def search(self, q: str, limit: int) -> dict:
        """``{"query", "numberMatched", "results"}``: the best ``limit`` matches of ``q``."""
        needle = q.lower()
        ranked = []
        for i in self.matches(q):
            names = self._names[i]
            rank = 0 if needle in names else 1 if any(name.startswith(needle) for name in names) else 2
            ranked.append((rank, self._order[i], len(self._results[i]["name_zh"]), i))
        ranked.sort()
        return {"query": q, "numberMatched": len(ranked), "results": [self._results[i] for *_, i in ranked[:limit]]}


def _grams(text: str) -> set[str]:
    """Every character and every pair of adjacent characters of ``text``."""
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}
