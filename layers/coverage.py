"""Coverage of the seeds by the project rows: counts, and passages no row covers.

A passage is a sentence of a seed (split at 。 and ；after removing whitespace) that contains a
project-like term. It is covered when a project row quotes it (the quote lies inside the
sentence or the sentence inside the quote) or names it (the row's name or an alias occurs in it).
What remains is printed for review, so gaps are visible rather than silent.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import geopandas as gpd

from layers.sources import SeedLibrary, squash

PROJECT_TERMS = re.compile(r"铁路|高铁|城际|轨道交通|高速|快速通道|快速路|大桥|隧道|港区|港口|码头|作业区|无水港|航道|航电|船闸|枢纽|机场|物流园|保税|口岸|水库|灌区|引水|调水")


@dataclass(frozen=True)
class Passage:
    seed: str
    line: int
    text: str


def sentences(library: SeedLibrary, seed: str) -> list[Passage]:
    """Sentences of a seed with the line each starts on."""
    chars: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(library.lines(seed), start=1):
        for ch in squash(line):
            chars.append(ch)
            lines.append(number)
    text = "".join(chars)
    out, start = [], 0
    for m in re.finditer(r"[。；]", text):
        if m.end() - start > 1:
            out.append(Passage(seed, lines[start], text[start : m.end()]))
        start = m.end()
    if start < len(text):
        out.append(Passage(seed, lines[start], text[start:]))
    return out


def uncovered(library: SeedLibrary, seeds: list[str], frames: dict[str, gpd.GeoDataFrame]) -> list[Passage]:
    """Passages with a project-like term that no project row quotes or names."""
    quotes: list[str] = []
    names: set[str] = set()
    for frame in frames.values():
        for mentions, name, aliases in zip(frame["mentions"], frame["name_zh"], frame["aliases"]):
            quotes += [squash(m["quote"]) for m in mentions]
            names |= {squash(n) for n in [name, *(aliases or [])] if len(n) >= 3}
    result = []
    for seed in seeds:
        for p in sentences(library, seed):
            if not PROJECT_TERMS.search(p.text):
                continue
            if any(q in p.text or p.text in q for q in quotes):
                continue
            if any(n in p.text for n in names):
                continue
            result.append(p)
    return result


def counts(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, Counter]:
    """Rows by layer, by layer/kind, by status, and mentions by seed."""
    by_layer, by_kind, by_status, by_seed = Counter(), Counter(), Counter(), Counter()
    for layer_id, frame in frames.items():
        by_layer[layer_id] += len(frame)
        by_kind.update(f"{layer_id}/{k}" for k in frame["kind"])
        by_status.update(frame["status"])
        for mentions in frame["mentions"]:
            by_seed.update(m["seed"] for m in mentions)
    return {"layer": by_layer, "kind": by_kind, "status": by_status, "seed (mentions)": by_seed}
