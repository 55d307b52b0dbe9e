"""The status vocabulary of project rows: keys, labels and map colours, in order of progress.

Everything that lists statuses (the field description, the API's filter documentation, the zone
page's chart, the map's legend and filter) reads them from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    key: str
    label_zh: str
    label_en: str
    #: Colour-blind-safe (Paul Tol's muted) colour for charts and legends.
    colour: str
    #: An early stage: the map draws such works dashed / hollow.
    early: bool


STATUS_VOCABULARY: tuple[Status, ...] = (
    Status("planned", "规划", "planned", "#BBBBBB", True),
    Status("study", "研究", "study", "#88CCEE", True),
    Status("preparatory", "前期", "preparatory", "#DDCC77", True),
    Status("under_construction", "建设", "under construction", "#CC6677", False),
    Status("completed", "建成", "completed", "#117733", False),
    Status("operating", "运营", "operating", "#332288", False),
)

STATUSES: tuple[str, ...] = tuple(s.key for s in STATUS_VOCABULARY)


def status_config() -> list[dict]:
    """The vocabulary as JSON-ready dicts (map config, catalogue)."""
    return [{"key": s.key, "label_zh": s.label_zh, "label_en": s.label_en, "colour": s.colour, "early": s.early}
            for s in STATUS_VOCABULARY]
