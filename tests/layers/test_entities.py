"""The entity-level coverage check (layers/coverage.py): the extractor on hand-written sentences,
the stop-list, the matcher's honesty, and the issue-13 targets on the real seeds and catalog.

Expected values are written by hand from the sentences, not produced by the code under test.
"""

from __future__ import annotations

import inspect

import geopandas as gpd
import pytest

from layers import coverage
from layers.coverage import (
    ENTITY_KINDS,
    TARGETS,
    Entity,
    EntityRecord,
    StopList,
    check_entities,
    extract_entities,
    load_aliases,
    match_records,
    normalise,
)
from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.sources import SeedLibrary


def names(sentence: str) -> set[tuple[str, str]]:
    return {(e.kind, e.name) for e in extract_entities(sentence)}


# ---------------------------------------------------------------- the extractor

@pytest.mark.parametrize(
    "sentence, expected",
    [
        pytest.param("加快万开达、开万梁高速公路建设", {("highway", "万开达高速公路"), ("highway", "开万梁高速公路")}, id="shared-suffix"),
        pytest.param("推进成渝中线、渝西、成达万高铁建设",
                     {("rail", "成渝中线高铁"), ("rail", "渝西高铁"), ("rail", "成达万高铁")}, id="three-share"),
        pytest.param("研究万盛、城口等支线机场", {("airport", "支线机场"), ("airport", "万盛支线机场"), ("airport", "城口支线机场")},
                     id="items-before-deng-share-the-tail"),
        pytest.param("建设沱江、岷江、綦江、涪江生态带",
                     {("layout", "沱江生态带"), ("layout", "岷江生态带"), ("layout", "綦江生态带"), ("layout", "涪江生态带")},
                     id="descriptor-shared"),
        pytest.param("共建以万州港区新田作业区为母港", {("port", "万州港区新田作业区"), ("port", "母港")}, id="part-after-whole"),
        pytest.param("秦巴（达州）国际无水港和开州港区为辅港", {("port", "秦巴（达州）国际无水港"), ("port", "开州港区"), ("port", "辅港")},
                     id="parenthesis-inside-name"),
        pytest.param("加快成渝中线、渝湘高铁重庆至黔江段等高铁建设",
                     {("rail", "成渝中线高铁"), ("rail", "渝湘高铁重庆至黔江段"), ("rail", "高铁")}, id="section-after-line"),
        pytest.param("提速建设两江新区—长寿区快速通道", {("platform", "两江新区"), ("highway", "两江新区—长寿区快速通道")},
                     id="route-from-a-name"),
        pytest.param("推动成都经开区无水港建设", {("platform", "成都经开区"), ("port", "成都经开区无水港")}, id="name-after-name"),
        pytest.param("依托长江黄金水道、渝昆高铁", {("waterway", "长江黄金水道"), ("rail", "渝昆高铁")}, id="item-with-own-suffix-stops"),
        pytest.param("推动宜宾、泸州、自贡等地电子信息产业园区相互协作", {("platform", "电子信息产业园区")}, id="dengdi-lists-places"),
        pytest.param("支持遂宁、宜宾、合川创建国家级高新区", {("platform", "国家级高新区")}, id="actors-cut-no-share"),
        pytest.param("泸州建设中国跨境电子商务综合试验区", {("platform", "中国跨境电子商务综合试验区")}, id="verb-inside-cut"),
        pytest.param("支持创建生态文明建设示范区", {("platform", "生态文明建设示范区")}, id="jianshe-inside-name-kept"),
        pytest.param("区交通局4万开达直线高速2021—2025年新建万州至开州南雅高速公路50.8公里",
                     {("highway", "万开达直线高速"), ("highway", "万州至开州南雅高速公路")}, id="table-cell-figures-cut"),
        pytest.param("中心城区至永川、南川等市域铁路", {("rail", "市域铁路"), ("rail", "中心城区至永川市域铁路"), ("rail", "中心城区至南川市域铁路")},
                     id="origin-shared"),
        pytest.param("加快璧山至铜梁线、中心城区至合川线等市域（郊）铁路建设",
                     {("rail", "市域（郊）铁路"), ("rail", "璧山至铜梁线"), ("rail", "中心城区至合川线")}, id="items-named-lines"),
        pytest.param("构建四川“立体双环”500千伏主网架", {("energy", "四川“立体双环”500千伏主网架")}, id="quoted-word-inside-name"),
        pytest.param("协调加快向家坝、溪洛渡枢纽翻坝转运系统建设",
                     {("waterway", "向家坝枢纽翻坝转运系统"), ("waterway", "溪洛渡枢纽翻坝转运系统")}, id="long-suffix-first"),
        pytest.param("推进利泽、犍为等航电枢纽建设", {("waterway", "航电枢纽"), ("waterway", "利泽航电枢纽"), ("waterway", "犍为航电枢纽")},
                     id="place-name-with-a-function-character"),
        pytest.param("加强港口岸线资源集约利用，全面提升港口服务", set(), id="word-starting-with-suffix"),
        pytest.param("带动周边发展，高速发展", set(), id="verb-and-adverb-not-suffix"),
        pytest.param("责任单位：重庆高速集团", set(), id="expressway-company-not-a-road"),
    ],
)
def test_extractor(sentence, expected):
    assert names(sentence) == expected


def test_entities_remember_where_their_name_starts():
    (e,) = extract_entities("全面加快宜宾港建设", seed="x.txt", line=7)
    assert e.sentence[e.at : e.at + len(e.name)] == e.name == "宜宾港"
    assert (e.seed, e.line, e.suffix, e.stem) == ("x.txt", 7, "港", "宜宾")


def test_the_extractor_never_sees_rows():
    for fn in (coverage.extract_entities, coverage.seed_entities, coverage.clean_stem):
        assert not {"frames", "catalog", "rows"} & set(inspect.signature(fn).parameters)


# ---------------------------------------------------------------- the stop-list

@pytest.fixture(scope="module")
def stoplist() -> StopList:
    return StopList.load(DATA_DIR / coverage.STOPLIST_FILE)


@pytest.mark.parametrize(
    "kind, name, suffix, generic",
    [
        ("highway", "高速公路", "高速公路", True),  # the class alone
        ("airport", "国际机场", "机场", True),
        ("airport", "支线机场", "机场", True),
        ("platform", "国家级高新区", "高新区", True),  # level words only
        ("hub", "区域性综合交通枢纽", "交通枢纽", True),
        ("waterway", "三级航道", "航道", True),
        ("layout", "一廊两带三组团", "组团", True),  # a layout formula
        ("port", "南京港", "港", True),  # outside the planning area, said why
        ("airport", "双流国际机场", "机场", False),  # 双 and 流 are not class words
        ("port", "新田港", "港", False),
        ("platform", "两江新区", "新区", False),
        ("highway", "G93高速公路", "高速公路", False),  # a route number is a name
        ("energy", "永川500千伏输变电工程", "输变电工程", False),
        ("rail", "沿江高铁", "高铁", False),  # 沿江 is a class word of parks, not of lines
        ("platform", "沿江工业园区", "园区", True),
        ("rail", "中国铁路", "铁路", True),  # the railway company (中国铁路成都局集团公司)
    ],
)
def test_stoplist(stoplist, kind, name, suffix, generic):
    entity = Entity("s.txt", 1, kind, name, suffix, name)
    assert (stoplist.why_generic(entity) is not None) == generic


def test_every_stop_entry_says_why(stoplist):
    entries = [*stoplist.class_words, *stoplist.phrases, *stoplist.patterns]
    assert entries and all(len(e.reason) > 10 for e in entries)
    assert all(len(w) >= 2 for g in stoplist.class_words for w in g.words)  # one character would eat into names


# ---------------------------------------------------------------- the matcher

@pytest.mark.parametrize(
    "a, b",
    [
        ("成都至达州至万州高速铁路", "成都至达州至万州高铁"),
        ("重庆江北国际机场", "江北机场"),
        ("四川天府新区", "天府新区"),
        ("重庆果园港", "果园港"),
        ("疆电入渝工程", "疆电入渝"),
        ("岷江龙溪口航电枢纽", "龙溪口航电枢纽"),
        ("长江干线涪陵至丰都段航道", "涪陵至丰都段航道"),
        ("泸州—宜宾港", "泸州至宜宾港"),
    ],
)
def test_same_thing_written_differently_normalises_alike(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("西部（成都）科学城", "西部科学城"),  # a part is not the whole
        ("重庆新机场", "新机场"),
        ("重庆高新区", "高新区"),
        ("涪江重庆段航道", "渠江重庆段航道"),  # 重庆段 is on several rivers
        ("万州港区新田作业区二期工程", "万州港区新田作业区"),  # a later phase is its own facility
        ("成渝高铁", "成渝铁路"),
    ],
)
def test_different_things_stay_apart(a, b):
    assert normalise(a) != normalise(b)


def _frames(*rows: tuple[str, str, list[str]]) -> dict[str, gpd.GeoDataFrame]:
    by_layer: dict[str, list] = {}
    for fid, name, aliases in rows:
        by_layer.setdefault(fid.split(":")[0], []).append((fid, name, aliases))
    return {layer: gpd.GeoDataFrame({"id": [r[0] for r in rs], "name_zh": [r[1] for r in rs], "aliases": [r[2] for r in rs]})
            for layer, rs in by_layer.items()}


def _record(kind: str, name: str, suffix: str) -> EntityRecord:
    e = Entity("s.txt", 1, kind, name, suffix, name)
    return EntityRecord(kind, normalise(name), [name], [e], [])


@pytest.mark.parametrize(
    "kind, name, suffix, rows",
    [
        ("rail", "成渝中线高铁", "高铁", ["rail:a"]),
        ("rail", "渝湘高铁重庆至黔江段", "高铁重庆至黔江段", ["rail:b"]),  # a section of a line names the line
        ("rail", "广涪柳铁路", "铁路", ["rail:c"]),  # the bare stem is an alias of a rail row
        ("rail", "中线高铁", "高铁", []),  # a substring of a name is not the name
        ("rail", "高铁", "高铁", []),
        ("highway", "广涪柳高速公路", "高速公路", []),  # a stem of a rail row is not a road
        ("rail", "渝湘高铁二期", "高铁二期", []),  # a later phase does not fall back to the line
    ],
)
def test_matcher_is_honest(kind, name, suffix, rows):
    frames = _frames(("rail:a", "成渝中线高铁", ["成渝中线"]), ("rail:b", "渝湘高铁", []), ("rail:c", "广安至涪陵至柳州铁路", ["广涪柳"]))
    frames["highways"] = frames["rail"].iloc[:0]
    rec = _record(kind, name, suffix)
    assert match_records([rec], frames) == []
    assert rec.rows == rows


def test_alias_table_targets_must_be_rows():
    frames = _frames(("hub:a", "两路果园港综合保税区", []))
    rec = _record("port", "两路果园港", "港")
    alias = coverage.EntityAlias(entity="两路果园港", denotes="两路果园港综合保税区", reason="short name of the bonded zone")
    assert match_records([rec], frames, [alias]) == [] and rec.rows == ["hub:a"]
    bad = coverage.EntityAlias(entity="x港", denotes="不存在的港", reason="no such row")
    assert match_records([], frames, [bad]) == [f"{coverage.ALIASES_FILE}: x港 → 不存在的港: no row has this name"]


# ---------------------------------------------------------------- issue 13's targets on the real data

@pytest.fixture(scope="module")
def entity_check(seeds_dir, catalog):
    library = SeedLibrary(seeds_dir, CuratedData(DATA_DIR).documents)
    seeds = sorted(p.name for p in seeds_dir.glob("*.txt"))
    frames = {layer_id: layer.frame for layer_id, layer in catalog.layers.items()}
    return check_entities(library, seeds, frames, DATA_DIR)


def test_alias_table_is_sound(entity_check):
    assert entity_check.problems == []
    assert all(a.reason for a in load_aliases(DATA_DIR / coverage.ALIASES_FILE))


@pytest.mark.parametrize("kind", list(ENTITY_KINDS))
def test_coverage_meets_the_target(entity_check, kind):
    total, matched, missing = entity_check.coverage[kind]
    target = TARGETS[ENTITY_KINDS[kind]]
    assert total > 0
    assert matched / total >= target, f"{kind}: {matched}/{total} < {target:.0%}; unmatched: {[r.names[0] for r in missing]}"


def test_the_report_lists_every_entity_with_its_sentence(entity_check, seeds_dir):
    seeds = sorted(p.name for p in seeds_dir.glob("*.txt"))
    text = coverage.entity_report(entity_check, seeds)
    assert "| platform | core |" in text and all(f"### {s}" in text for s in seeds)
    rec = next(r for r in entity_check.records if r.names[0] == "成达万高铁")
    assert "成达万高铁" in text and rec.rows == ["rail:chengdu-dazhou-wanzhou-hsr"]
