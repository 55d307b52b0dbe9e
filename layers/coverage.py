"""Coverage of the seeds by the curated rows: counts, and passages no row covers, by kind.

A passage is a sentence of a seed (split at 。 and ；after removing whitespace). It belongs to a
kind when it contains one of that kind's terms (:data:`TERMS`). It is covered when a row of any
layer quotes it (a mention or citation lies inside the sentence, or the sentence inside it) or
names it (the row's name or an alias of three or more characters occurs in it). What remains is
printed for review, grouped by kind, so gaps are visible rather than silent.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import geopandas as gpd

from layers.sources import SeedLibrary, squash

#: Terms that make a passage one about something the map could place, by kind.
TERMS: dict[str, re.Pattern] = {
    "rail": re.compile(r"铁路|高铁|城际|轨道交通|市域（郊）|市域铁路"),
    "highway": re.compile(r"高速公路|高速|快速通道|快速路|国道|省道|大桥|隧道"),
    "waterway_port": re.compile(r"港区|港口|码头|作业区|航道|航电|船闸|枢纽港"),
    "airport": re.compile(r"机场|通用航空"),
    "hub_logistics": re.compile(r"物流枢纽|物流园|保税|口岸|无水港|陆港|集结中心"),
    "water": re.compile(r"水库|灌区|引水|调水|水资源配置"),
    "energy": re.compile(r"特高压|千伏|输电|电站|页岩气|天然气|储气库|管道|油库|煤炭储备|抽水蓄能"),
    "platform": re.compile(r"新区|科学城|自贸|高新区|经开区|开发区|示范区|合作园区|产业园|试验区|旅游度假区"),
    "layout": re.compile(r"主轴|发展轴|经济带|发展带|组团|走廊|廊道|屏障"),
}
#: The project terms of the first coverage command (kept for callers that want the union).
PROJECT_TERMS = re.compile("|".join(TERMS[k].pattern for k in ("rail", "highway", "waterway_port", "airport", "hub_logistics", "water")))


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


def _quotes_and_names(frames: dict[str, gpd.GeoDataFrame]) -> tuple[list[str], set[str]]:
    quotes: list[str] = []
    names: set[str] = set()
    for frame in frames.values():
        for column in ("mentions", "sources"):
            if column in frame.columns:
                for items in frame[column]:
                    quotes += [squash(m["quote"]) for m in items or [] if m.get("quote")]
        for name, aliases in zip(frame["name_zh"], frame["aliases"]):
            names |= {squash(n) for n in [name, *(aliases or [])] if n and len(n) >= 3}
    return quotes, names


def kinds_of(text: str) -> list[str]:
    """The kinds whose terms a passage contains."""
    return [kind for kind, pattern in TERMS.items() if pattern.search(text)]


def uncovered(library: SeedLibrary, seeds: list[str], frames: dict[str, gpd.GeoDataFrame],
              terms: re.Pattern = PROJECT_TERMS) -> list[Passage]:
    """Passages containing ``terms`` that no row of ``frames`` quotes or names."""
    quotes, names = _quotes_and_names(frames)
    result = []
    for seed in seeds:
        for p in sentences(library, seed):
            if not terms.search(p.text):
                continue
            if any(q in p.text or p.text in q for q in quotes):
                continue
            if any(n in p.text for n in names):
                continue
            result.append(p)
    return result


def coverage_by_kind(library: SeedLibrary, seeds: list[str], frames: dict[str, gpd.GeoDataFrame]) -> dict[str, tuple[int, list[Passage]]]:
    """Per kind: how many passages name it, and those no row covers."""
    quotes, names = _quotes_and_names(frames)
    out: dict[str, tuple[int, list[Passage]]] = {kind: (0, []) for kind in TERMS}
    for seed in seeds:
        for p in sentences(library, seed):
            kinds = kinds_of(p.text)
            if not kinds:
                continue
            covered = any(q in p.text or p.text in q for q in quotes) or any(n in p.text for n in names)
            for kind in kinds:
                total, gaps = out[kind]
                out[kind] = (total + 1, gaps if covered else gaps + [p])
    return out


def counts(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, Counter]:
    """Rows by layer, by layer/kind, by status, and mentions by seed."""
    by_layer, by_kind, by_status, by_seed = Counter(), Counter(), Counter(), Counter()
    for layer_id, frame in frames.items():
        by_layer[layer_id] += len(frame)
        by_kind.update(f"{layer_id}/{k}" for k in frame["kind"])
        if "status" in frame.columns:
            by_status.update(frame["status"])
        if "mentions" in frame.columns:
            for mentions in frame["mentions"]:
                by_seed.update(m["seed"] for m in mentions)
    return {"layer": by_layer, "kind": by_kind, "status": by_status, "seed (mentions)": by_seed}
