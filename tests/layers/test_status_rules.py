"""The status rules word by word, and how a row's status is decided, against a table written by hand.

The expected class of every word comes from what the word says (docs/status-verbs.md and the
STATUS_RULES comment: plans speak of intentions; only 已… says works are finished; study and
preparatory words win over construction words; verbs that use, lean on or optimise a facility
name no works), not from running the code. A word added to STATUS_RULES must be added here.
"""

from __future__ import annotations

import pytest

from layers.projects import STATUS_RULES, FacilityEvidence, Mention, ProjectRow, classify_verb, decide_status, normalise_status
from layers.sources import Document

#: Every word of the rules, alone, and the class it names.
WORDS = {
    "completed": ["已建成", "已完成", "已竣工", "已投运", "已开通", "首次运营", "恢复"],
    "preparatory": ["前期", "工可", "争取开工", "力争开工", "力争启动", "争取启动", "争取设立", "争取纳入", "申报", "推进…开工",
                    "推进…启动"],
    "study": ["研究", "论证", "谋划"],
    "planned": ["^建设$", "规划", "适时", "打造", "构建", "培育"],
    "under_construction": ["推进….*建设运营", "开工", "建设", "建成", "竣工", "投用", "投运", "通车", "续建", "新建", "新（改、扩）建", "扩建", "改建",
                           "迁建", "改造", "扩能", "扩容", "实施", "加快", "加速", "提速", "推进", "完成", "整治", "疏浚", "共建",
                           "开发", "增储上产", "提高航道等级", "航道标准", "升级"],
    "none": ["依托", "用好", "拥有", "紧邻", "发挥", "提升", "优化", "巩固", "支持", "合作", "共享", "利用", "拓展", "运营",
             "用足", "发展", "穿境", "过境", "纵横交错", "为骨干", "为辅港", "释放", "畅通", "增强", "完善", "互联互通", "联动",
             "为引领", "开放"],
}
#: Text that a rule word which is not plain text (an anchor, a wildcard) or that is shadowed when
#: alone (bare 建设 is a plan item) stands for.
SAMPLES = {"^建设$": "建设", "推进….*建设运营": "携手推进…规划建设运营", "建设": "建设Ⅳ级单线铁路2.8公里"}
TABLE = [pytest.param(word, cls, id=f"{cls}-{word}") for cls, words in WORDS.items() for word in words]

#: Phrases as the documents write them, where two rules meet: the order of the rules decides.
PHRASES = [
    ("已建成投运", "completed"),  # 已… before the construction words it contains
    ("已开通运营", "completed"),  # … and before the none words
    ("争取开工建设", "preparatory"),  # a preparatory word before the construction words
    ("推进…开工建设", "preparatory"),
    ("力争开工", "preparatory"),
    ("开展前期研究", "preparatory"),  # preparatory before study
    ("规划研究", "study"),  # study before planned
    ("研究建设", "study"),  # study before construction
    ("规划建设", "planned"),  # planned before construction
    ("适时推动…实施", "planned"),
    ("建成投用", "under_construction"),  # a plan's completion target, not a fact
    ("加快…建设", "under_construction"),
    ("扩能提升", "under_construction"),  # construction before the none words
    ("提升改造", "under_construction"),
    ("优化提升", "none"),
    ("提升…运营能力", "none"),
    ("支持…合作", "none"),
]


@pytest.mark.parametrize("word, cls", TABLE)
def test_every_rule_word_names_its_class(word, cls):
    got, pattern = classify_verb(SAMPLES.get(word, word))
    assert got == cls
    assert pattern is not None and word in pattern.split("|"), pattern  # decided by the rule that lists the word


@pytest.mark.parametrize("phrase, cls", PHRASES)
def test_where_rules_meet_the_order_decides(phrase, cls):
    assert classify_verb(phrase)[0] == cls


def test_the_table_lists_every_word_of_the_rules():
    in_rules = {(word, cls) for pattern, cls in STATUS_RULES for word in pattern.split("|")}
    in_table = {(word, cls) for cls, words in WORDS.items() for word in words}
    assert in_rules == in_table, f"missing here: {sorted(in_rules - in_table)}; not in the rules: {sorted(in_table - in_rules)}"


@pytest.mark.parametrize("verb", [None, "", "落实", "开展"])
def test_verbs_no_rule_knows_are_unmatched(verb):
    assert classify_verb(verb) == ("none", None)


@pytest.mark.parametrize("verb, status", [("依托", "planned"), ("发挥", "planned"), ("已建成", "completed"), ("研究", "study"),
                                          ("开工建设", "under_construction"), (None, "planned"), ("打造", "planned")])
def test_normalised_status_reads_no_works_as_planned(verb, status):
    assert normalise_status(verb) == status


# --- decide_status -------------------------------------------------------------------------------

DOCS = {
    "new": Document(key="new", title_zh="新", title_en="New", date="2023-03-29", copies=[]),
    "new_too": Document(key="new_too", title_zh="新二", title_en="New 2", date="2023-03-29", copies=[]),
    "old": Document(key="old", title_zh="旧", title_en="Old", date="2020-12-29", copies=[]),
    "undated": Document(key="undated", title_zh="无日期", title_en="Undated", date=None, copies=[]),
}


def mention(doc: str, verb: str | None, quote: str) -> Mention:
    return Mention(doc=doc, seed="000_x.txt", quote=quote, status_zh=verb)


def row(*, facility=None, upgrade=False, evidence=None, opened=None) -> ProjectRow:
    return ProjectRow(id="rail:x", name_zh="测试线", name_en="Test", kind="high_speed", upgrade=upgrade,
                      facility_status=facility, facility_evidence=evidence, opened_year=opened,
                      mentions=[mention("old", "规划", "规划测试线")])


def test_the_newest_document_decides_the_works():
    mentions = [mention("new", "开工建设", "开工建设测试线"), mention("old", "规划", "规划测试线")]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert got == {
        "status": "under_construction", "facility_status": "new", "facility_evidence": None, "opened_year": None,
        "works_status": "under_construction", "status_zh": "开工建设", "status_as_of": "2023-03-29",
        "status_quote": "开工建设测试线", "status_rule": "works verb /" + _pattern("开工") + "/", "status_confidence": "high",
    }


def test_a_newer_document_that_names_no_works_is_not_overruled_by_an_older_plan():
    mentions = [mention("new", "依托", "依托测试线"), mention("old", "开工建设", "开工建设测试线")]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert (got["status"], got["works_status"], got["status_zh"], got["status_quote"]) == ("planned", None, None, None)
    assert got["status_confidence"] == "low" and got["status_rule"] == "new facility, no works verb: planned"
    assert got["status_as_of"] == "2023-03-29"  # the newest mention's document, though it decided nothing


def test_among_the_newest_documents_the_first_verb_that_names_works_decides():
    mentions = [mention("new", "依托", "依托测试线"), mention("new_too", "研究论证", "研究论证测试线"), mention("old", "开工", "开工测试线")]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert (got["status"], got["works_status"], got["status_zh"], got["status_quote"]) == ("study", "study", "研究论证", "研究论证测试线")


def test_mentions_without_a_verb_are_passed_over():
    mentions = [mention("new", None, "测试线"), mention("old", "规划建设", "规划建设测试线")]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert (got["status"], got["status_as_of"], got["status_zh"]) == ("planned", "2020-12-29", "规划建设")
    assert got["status_confidence"] == "high"


def test_an_undated_document_counts_as_oldest_and_still_decides_alone():
    mentions = [mention("undated", "已建成", "已建成测试线")]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert (got["status"], got["works_status"], got["status_as_of"]) == ("completed", "completed", None)


def test_an_existing_facility_operates_and_keeps_its_works():
    evidence = FacilityEvidence(note="general knowledge (unverified): open since 2009")
    mentions = [mention("new", "扩能改造", "扩能改造测试线")]
    got = decide_status(row(facility="existing", evidence=evidence, opened=2009), mentions, DOCS)
    assert (got["status"], got["facility_status"], got["works_status"]) == ("operating", "existing", "under_construction")
    assert got["facility_evidence"] == {"note": "general knowledge (unverified): open since 2009"} and got["opened_year"] == 2009
    assert got["status_rule"] == "existing facility (facility_status); works verb /" + _pattern("扩能") + "/"
    assert got["status_confidence"] == "high"


def test_an_existing_facility_with_no_works_says_only_that():
    got = decide_status(row(facility="existing"), [mention("new", "依托", "依托测试线")], DOCS)
    assert (got["status"], got["works_status"], got["status_rule"], got["status_confidence"]) == (
        "operating", None, "existing facility (facility_status)", "high")


@pytest.mark.parametrize("upgrade, facility", [(True, "existing"), (False, "new")])
def test_an_uncurated_facility_is_guessed_from_upgrade_with_low_confidence(upgrade, facility):
    got = decide_status(row(upgrade=upgrade), [mention("new", "开工建设", "开工建设测试线")], DOCS)
    assert got["facility_status"] == facility and got["status_confidence"] == "low"
    assert got["status"] == ("operating" if facility == "existing" else "under_construction")


def _pattern(word: str) -> str:
    """The rule pattern listing ``word`` (the rule text is what status_rule quotes)."""
    return next(pattern for pattern, _ in STATUS_RULES if word in pattern.split("|"))


def test_a_key_task_tables_progress_column_decides_over_the_same_documents_prose():
    # 达万快速通道 in the 2023 tasks: prose 规划论证 (study), table progress 争取纳入…规划 (preparatory).
    progress = Mention(doc="new", seed="000_x.txt", quote="测试线 争取纳入规划", status_zh="争取纳入国省交通路网规划",
                       content="新建测试线70公里。", progress_column=True)
    mentions = [mention("new", "规划论证", "规划论证测试线"), progress]
    got = decide_status(row(facility="new"), mentions, DOCS)
    assert (got["works_status"], got["status_quote"]) == ("preparatory", "测试线 争取纳入规划")
    # Without the progress flag the least advanced stage of the document decides.
    plain = progress.model_copy(update={"progress_column": False})
    assert decide_status(row(facility="new"), [mentions[0], plain], DOCS)["works_status"] == "study"


@pytest.mark.parametrize("verb, expected", [
    ("建设", "planned"),  # a plan's bare 建设 asks for the facility; it says no work has begun
    ("加快建设", "under_construction"), ("推进…建设", "under_construction"), ("深化…建设", "under_construction"),
    ("携手推进…规划建设运营", "under_construction"), ("规划建设", "planned"), ("建设Ⅳ级单线铁路", "under_construction"),
])
def test_bare_construction_is_a_plan_item_but_qualified_construction_is_works(verb, expected):
    assert classify_verb(verb)[0] == expected
