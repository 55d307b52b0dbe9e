"""Coverage of the seeds by the curated rows: counts, and passages no row covers, by kind.

A passage is a sentence of a seed (split at 。 and ；after removing whitespace). It belongs to a
kind when it contains one of that kind's terms (:data:`TERMS`). It is covered when a row of any
layer quotes it (a mention or citation lies inside the sentence, or the sentence inside it) or
names it (the row's name or an alias of three or more characters occurs in it). What remains is
printed for review, grouped by kind, so gaps are visible rather than silent.

The entity check (``python -m layers coverage --entities``, issue 13) is finer: it extracts the
named things of each sentence from the seed text alone (:func:`extract_entities`, never reading a
row), drops generic phrases (``layers/data/coverage_stoplist.yaml``), and counts per kind how many
of the distinct names a row of any layer denotes (:func:`match_records`: the same name once spelling
differences are normalised, a row's bare stem of the same kind of thing, or an entry of
``layers/data/coverage_aliases.yaml``; never a substring). The targets are :data:`TARGETS`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import yaml
from pydantic import BaseModel, ConfigDict, Field as PField, ValidationError

from layers.errors import LayerDataError
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


# ---------------------------------------------------------------------------------------------
# Entities: the named things the seeds mention, read from the text alone (never from our rows),
# and how many of them a row of the catalogue denotes.
# ---------------------------------------------------------------------------------------------

#: Entity kinds in report order, each with its target group: ``core`` (zones and platforms,
#: layout, rail, highway, port, waterway, airport) and ``secondary`` (hubs, sites — the water
#: works: reservoirs, diversion, irrigation — and energy).
ENTITY_KINDS: dict[str, str] = {
    "platform": "core", "layout": "core", "rail": "core", "highway": "core", "port": "core",
    "waterway": "core", "airport": "core", "hub": "secondary", "water": "secondary", "energy": "secondary",
}
#: Share of a group's entities that rows must denote (issue 13).
TARGETS: dict[str, float] = {"core": 0.95, "secondary": 0.80}

_HAN = r"\u4e00-\u9fff"

#: The suffixes that end a named thing, with its kind, in matching order: where two start at the
#: same character the first listed wins, so longer forms come first (高速铁路 before 高速), and a
#: kind whose suffix would otherwise be read as another's comes before it (航道 before 港, 保税港区
#: before 港区). A look-ahead rules out words a suffix only begins (港口, 带动, 机场群, 高速发展).
ENTITY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("rail", r"高铁联络线|市域（郊）铁路|市域\(郊\)铁路|市域铁路|市郊铁路|城际铁路|高速铁路|铁路专用线|铁路支线|联络线(?!路)"
             r"|铁路(?![网运港口枢货客物集专班局场联])|(?<!提)高铁(?![站网新])"
             rf"|城际(?![快交公客通出轨间联列铁])|轨道交通(?:[0-9]+号|[{_HAN}]{{1,3}})线"),
    ("highway", r"高速公路复线|高速复线|高速公路(?![网])|(?<![铁])高速(?![发增度运率网铁路公化的互集])"
                r"|快速路(?![网])|快速通道|大桥|隧道|复线(?!桥)"),
    ("waterway", r"枢纽翻坝转运系统|枢纽船闸|航电枢纽|航运枢纽|电厂船闸|船闸|航道(?![网等])|黄金水道"),
    ("water", r"水利枢纽|水资源配置(?:工程)?|引水工程|调水工程|提水工程|引水(?![灌])|调水(?!工程)|水库(?![群电])|灌区"),
    ("hub", r"综合保税区|保税物流中心（B型）|保税物流中心|保税港区|保税区|物流园区|物流园|物流枢纽|物流基地|集结中心"
            r"|交通枢纽|客运枢纽|货运枢纽|铁路枢纽|门户枢纽|班列枢纽(?!节点)|物流配送枢纽|铁路口岸|水运口岸|航空口岸"
            r"|口岸(?![物经开功体线电])"),
    ("airport", r"航空门户枢纽|航空枢纽|机场(?![群集公双运])"),
    ("port", r"作业区|港区|码头|无水港|陆港(?!型)|母港|(?<![香临空海出入抵离进数])港(?![口航澳务城产群区湾型投])"),
    ("waterway", rf"(?<=[{_HAN}])枢纽(?![港经城节平集功])"),
    ("energy", r"抽水蓄能电站|水电站|电站|电厂|变电站|换流站|气田|储气库|管道(?![运])|油库|储煤基地|煤炭储备基地"
               r"|特高压(?:交流|直流)(?:输电)?(?:骨干网络|主网架|目标网架|工程)?|输变电工程|输电工程|输电通道|目标网架|主网架"),
    ("platform", r"高新技术产业开发区|高新技术开发区|经济技术开发区|经济开发区|开发区|高新区|经开区|自由贸易试验区"
                 r"|自贸试验区|自贸区|示范区|合作区|先行区|试验区|实验区|先导区|产业园区|工业园区|产业园|工业园|园区"
                 r"|片区|新区|科学城|科技城|新城|度假区|都市圈|经济圈(?!产业)"),
    ("layout", r"走廊|廊道|发展主轴(?!节点)|主轴(?!节点|驱动)|发展轴(?!带)|组团(?!式|化|互动)|屏障|北翼|南翼"
               r"|(?<![一两三四五六七八九十多地宽纽亚渡户通镇贸流丘])带(?![动来领头给有农货着薪病状队入村物经产坝生])"),
)
_SUFFIX_RE = re.compile("|".join(f"(?P<k{i}>{pattern})" for i, (_, pattern) in enumerate(ENTITY_SUFFIXES)))

#: Suffixes of a part of the name right before them (万州港区 + 新田作业区, 自贸试验区 + 川南临港片区):
#: written with no separator, the two are one name.
PART_SUFFIXES = ("港区", "作业区", "码头", "片区")
#: Kinds of point facilities: a name written X—Y机场 or X至Y港 is a route to Y, whose name is Y.
POINT_KINDS = ("airport", "port", "hub", "platform")

#: Characters a name is made of (plus short parentheses: 西部（成都）科学城, 达州（迁建）机场).
_NAME_CHAR = re.compile(rf"[{_HAN}0-9A-Za-z—－\-·]")
#: A quoted word inside a name, followed by more of the name: “疆电入渝”工程, 重庆“双环两射”500千伏主网架.
_QUOTED = re.compile(rf"“[{_HAN}0-9A-Za-z—\-·]{{1,10}}”$")
_SHORT_PAREN = re.compile(rf"(?:（[{_HAN}0-9A-Za-z]{{1,4}}）|\([{_HAN}0-9A-Za-z]{{1,4}}\))$")

#: Where a name can start, inside what runs back from its suffix: after a function word, a figure,
#: a date, a heading or a list marker (the remainder of a flattened table cell is another name).
_CUT_RE = re.compile(
    r"的|在|和|与|及|或|以|(?<!犍)为|将|把|对(?!外|接)|等地|等(?!级)|并|即|是|由|从|向(?!家坝)|被|使|让|按|于|了|之"
    r"|(?<=[\u4e00-\u9fff])[局委厅署](?=[\u4e00-\u9fff]{2})|第[一二三四五六七八九十0-9]+[章节条批]|专栏[0-9]*|附件[0-9]*|图[0-9]+|(?<=[江河])(?:四川|重庆)(?!段)"
    r"|[0-9]{4}(?:年|—[0-9]{4}年)(?:[0-9]{1,2}月)?(?:[0-9]{1,2}日)?"
    r"|(?<![A-Za-z0-9])[0-9.]+(?![0-9.]|千伏|号|型|万千瓦)余?(?:%|万?吨级?|公里|千米|米|亿元|万元|个|条|座|项|家)?"
    r"|[一两三四五六七八九十百千几]+(?:个|条|座|项|家|大|类|种|所|张)"
)
#: Verbs that are never part of a name: what runs back from the suffix past one is its actor
#: (泸州创建长江上游绿色发展示范区 → 长江上游绿色发展示范区). Words that do occur inside names
#: (发展, 合作, 统筹, 融合, 创新, 改革, 开放, 示范, 协同, 保护, 利用, 服务, 承接…) are not here.
CUT_VERBS = tuple(sorted(set("""
创建 争创 申创 申建 共建 打造 设立 推动 推进 加快 支持 作为 列入 纳入 融入 获批 授牌 启动 完成 规划 研究 论证 谋划
制定 举办 成立 搭建 促进 发布 编制 出台 维护 畅游 构建 构筑 提升 优化 健全 推出 申请 指导 贯彻 落实 作出 事关 宣传
带动 开工 新建 续建 扩建 迁建 改建 依托 发挥 用好 实施 加大 安排 解决 做好 负责 肩负 巩固 强化 完善 布局 培育
建成 投用 竣工 开通 运营 联动 拓展 延伸 畅通 贯通 加密 加强 增强 扩大 升级 提质 实现 保障 整治 疏浚 同步 参与
积极 大力 重点 全面 持续 稳步 有序 尽快 着力 深化 探索 鼓励 争取 力争 适时 联合 合力 携手 引导 组织 整合 衔接
对接 连接 串联 包括 其中 形成 拥有 紧邻 围绕 面向 结合 建立 打通 引入 接入 新增 恢复 明确 取得 配合 加速 提速
确保 推行 开展 复制 壮大 选定 各选 认真 主动 奋力 努力 不断 定期 今后 未来 一个时期 共同建设 共同推动 共同打造
共同 统一 协调 规范 落地 推广 提高 改善 科学 合理 程序 允许 下简称 简称 称 含 属 距 应用 常态化运行 运行 满足 兼顾
占用 拓宽改造 改造 综合发挥 首次 一体规划 规划布局 筑牢 共筑 夯实 做强 突出 立足 展示 共塑 前言 投入 组建 抓好 印发 借助 紧扣 抢抓 助推 支撑 充分利用 乘着 随着
设置 新设 公布 设计 淘汰 共设 开行 贯穿 协同建设 协同开发 支撑引领 动态监测评估 建好 助力 严格执行 执行 三带引领 引领 配套服务 共享 申报 深入学习
学习 对标 瞄准 聚焦 依靠 用足 用活 办好 管好 搞好 推介 宣介 策划 召开 联通 辐射 覆盖 辐射带动 打响 擦亮 叫响
""".split()), key=len, reverse=True))
_VERB_RE = re.compile("|".join(map(re.escape, CUT_VERBS)).replace("持续", "(?<!可)持续").replace("含", "(?<!高)含"))
#: Verbs that end a name only when a name follows them: 建设 is inside 生态文明建设示范区 but is the
#: verb of 泸州建设中国跨境电子商务综合试验区.
_MID_VERB_RE = re.compile("建设")
#: Words stripped from the front of a name, repeatedly: 建设, list markers, quantifiers, adverbs.
LEADING_WORDS = tuple(sorted(set("""
建设 新建 扩建 改扩建 一批 首批 一是 二是 三是 四是 五是 六是 七是 八是 全市 全省 各类 相关 重大 重要 主要 有关
部分 若干 其他 上述 区域内 境内 省内 沿线 周边 进一步 到 至 过 通过 以及 同时 同 也 还 又 再 且 就 好
利用 优先利用 发展 统筹 优化 共推 丰富 会同 合计 加宽 高标准 高水平 高质量 高起点 安全高效便捷 合作 推动 支持 深化
人文化现代 现代化 国际化 绿色化 智能化 任务 模式 意见 时期 现状 环境现状 服务 现有 左右 划分 全面 一体
战略 基础条件 规划范围 发展定位 空间布局 总体要求 主要任务 保障措施 发展目标 重点任务 功能布局 产业布局
""".split()), key=len, reverse=True))
_LEADING_RE = re.compile(rf"^(?:{'|'.join(map(re.escape, LEADING_WORDS))}|沿(?!江|长江|线|海|河|途|岸)|经(?!济|开|营|贸)|建(?!全)|[0-9]+[．.、]|（[一二三四五六七八九十0-9]+）|[①-⑳]|[—\-·]+)")

#: A section or phase written right after a line's or facility's name belongs to it:
#: 渝湘高铁重庆至黔江段, 渝昆高铁川渝段, 新田港二期.
_SECTION_RE = re.compile(rf"(?:(?:[{_HAN}]{{2,8}}(?:至|—|到)[{_HAN}]{{2,8}}|[{_HAN}]{{2,4}})段(?!落)|[一二三四五]期(?:工程)?)")
_SECTION_BAD = re.compile(r"阶段|建设|工程|项目|推进|加快|实施|手段|路段|地段|时段|及|和|与|或|等|的")
#: A stem made only of works words (…航电枢纽工程建设船闸) is no name: the suffix is the works' object.
_WORKS_ONLY = re.compile(r"(?:工程|建设|项目|改扩建|扩建|新建|续建|改建|迁建)+")


@dataclass(frozen=True)
class Entity:
    """A named thing a seed mentions: kind (from its suffix), name as written (a shared suffix
    added), the suffix, and the sentence it is in."""

    seed: str
    line: int
    kind: str
    name: str
    suffix: str
    sentence: str
    #: Where in the sentence the name (or the listed item that took a shared suffix) starts.
    at: int = 0

    @property
    def stem(self) -> str:
        return self.name[: len(self.name) - len(self.suffix)] if self.suffix and self.name.endswith(self.suffix) else self.name


def _kind_of(match: re.Match) -> str:
    return ENTITY_SUFFIXES[int(match.lastgroup[1:])][0]


def _run_back(text: str, end: int, floor: int) -> int:
    """Start of the run of name characters (and short parentheses) ending at ``end``."""
    i = end
    while i > floor:
        if _NAME_CHAR.match(text[i - 1]):
            i -= 1
            continue
        paren = _SHORT_PAREN.search(text, max(floor, i - 6), i)
        if paren:
            i = paren.start()
            continue
        quoted = _QUOTED.search(text, max(floor, i - 12), i)
        if quoted and i < len(text) and _NAME_CHAR.match(text[i]):  # 四川“立体双环”500千伏主网架
            i = quoted.start()
            continue
        break
    return i


def _strip_leading(stem: str) -> str:
    while True:
        shorter = _LEADING_RE.sub("", stem, count=1)
        if shorter == stem:
            return stem
        stem = shorter


def clean_stem(raw: str) -> tuple[str, bool]:
    """The name part of what runs back from a suffix, and whether anything was cut from inside it.

    Cut after the last function word, figure, date or heading (:data:`_CUT_RE`) and after the last
    verb of :data:`CUT_VERBS` that leaves at least two characters; then strip leading words.
    """
    cut = 0
    for m in _CUT_RE.finditer(raw):
        cut = max(cut, m.end())
    for m in _VERB_RE.finditer(raw, cut):
        cut = max(cut, m.end())
    for m in _MID_VERB_RE.finditer(raw, cut):
        if len(raw) - m.end() >= 2:
            cut = max(cut, m.end())
    stem = _strip_leading(raw[cut:])
    if _WORKS_ONLY.fullmatch(stem):
        return "", True
    return stem, cut > 0


def _items_before(text: str, pos: int, floor: int) -> list[tuple[int, str]]:
    """The 、-separated items right before ``pos`` (nearest first), each as (start, raw text); an item
    that begins where an earlier name ends continues that name and ends the list."""
    out = []
    while pos - 1 > floor and text[pos - 1] == "、":
        start = _run_back(text, pos - 1, floor)
        if start == floor and floor > 0 and _NAME_CHAR.match(text[floor - 1]):
            break
        out.append((start, text[start : pos - 1]))
        pos = start
    return out


#: Stems that name a class, not a thing: the items before them are not names of the same kind
#: (重大物流设施、重大物流通道、区域物流枢纽).
_CLASS_STEMS = {"区域", "港口", "重大", "重要", "重点", "综合", "国际", "国家", "区域性", "全国性", "城市", "干线", "景区", "绿色"}
#: Descriptors at the end of a listed name that the items before it share with the suffix.
_SHARED_DESCRIPTOR = re.compile(r"(?<=.{2})(?:山体生态|生态|互通|中欧班列|国际|国家|支线|通用|综合|区域性|全国性|绿色|文化|水系景观)*$")


def _shareable(item: str) -> bool:
    """An enumerated item that can take the suffix after it: a short name with no suffix of its own."""
    limit = 10 if re.search("至|—", item) else 6
    return (2 <= len(item) <= limit and not _SUFFIX_RE.search(item) and not _VERB_RE.search(item)
            and not re.search("[区县市省局委厅署办部团城]$", item))


def extract_entities(text: str, seed: str = "", line: int = 0) -> list[Entity]:
    """Named things of one sentence (whitespace removed), found by their suffix, in text order.

    - a name runs back from its suffix over name characters and is cut as :func:`clean_stem` says;
    - a part written right after its whole (万州港区新田作业区) is one name; a name written right
      after another (成都经开区无水港, 长寿港沿江现代物流园) is one name of the later kind, the
      earlier one staying a name of its own;
    - a section or phase right after a name belongs to it (渝湘高铁重庆至黔江段, 新田港二期);
    - a point facility after a route (长寿—重庆江北国际机场) is named from the last place on;
    - items listed before a name with 、 that have no suffix of their own share its suffix
      (万开达、开万梁高速公路 → 万开达高速公路, 开万梁高速公路), and items before 等 share what
      follows it (宜宾、泸州等支线机场 → 宜宾支线机场, 泸州支线机场), unless the list is of
      places (等地) or the name's actor was cut away (遂宁、宜宾创建国家级高新区).
    """
    found: list[list] = []  # [start, end, kind, name, suffix(, the name before a route was cut from it)]
    floor = 0
    for m in _SUFFIX_RE.finditer(text):
        if m.start() < floor:
            continue
        kind = _kind_of(m)
        suffix = m.group()
        if kind == "rail" and suffix == "联络线" and "千伏" in text[max(0, m.start() - 12) : m.start()]:
            kind = "energy"
        start = _run_back(text, m.start(), floor)
        raw = text[start : m.start()]
        stem, was_cut = clean_stem(raw)
        whole = stem
        route = "至|到|经(?!济|开)" + ("|—" if kind == "airport" else "")
        if kind in POINT_KINDS and re.search(route, stem):
            stem = re.split(route, stem)[-1]
            was_cut = True
        end = m.end()
        section = _SECTION_RE.match(text, end) if kind in ("rail", "highway", "waterway", "port", "energy") else None
        if section and not _SECTION_BAD.search(section.group()):
            suffix_full = suffix + section.group()
            end = section.end()
        else:
            suffix_full = suffix
        previous = found[-1] if found else None
        if (previous is not None and previous[1] == start and kind in ("rail", "highway", "energy")
                and re.match("至|—|－|到|经", raw) and not re.search("至|—|－|到|经", stem[:1])):
            # 两江新区—长寿区快速通道, 长寿—重庆江北国际机场航油管道: a route from the name before it.
            route = re.match("(?:至|—|－|到|经)(.*)", raw).group(1)
            if _strip_leading(route) == route and not _CUT_RE.search(route) and not _VERB_RE.search(route):
                name = previous[5] + raw + suffix_full if len(previous) > 5 else previous[3] + raw + suffix_full
                found.append([previous[0], end, kind, name, suffix_full])
                floor = end
                continue
        adjoining = previous is not None and previous[1] == start and not was_cut and stem == raw
        if adjoining and kind == previous[2] and suffix in PART_SUFFIXES:
            previous[1], previous[3], previous[4] = end, previous[3] + raw + suffix_full, suffix_full
            floor = end
            continue
        if adjoining and previous[2] == "layout" and kind == "platform" and len(stem) >= 2:
            # 长江经济带三峡库区绿色发展协同示范区: a platform named after the belt it lies in.
            found.append([previous[0], end, kind, previous[3] + stem + suffix_full, suffix_full])
            floor = end
            continue
        if adjoining and (len(stem) >= 2 or not stem) and previous[2] in POINT_KINDS and kind in (*POINT_KINDS, "energy"):
            name = (previous[5] if len(previous) > 5 and kind == "energy" else previous[3]) + stem + suffix_full
            found.append([previous[0], end, kind, name, suffix_full])
            floor = end
            continue
        name = stem + suffix_full
        found.append([end - len(name), end, kind, name, suffix_full, whole + suffix_full])
        floor = end
        # Shared suffixes.
        at = max((m.start() for m in re.finditer("等(?!级)", raw)), default=-1)
        if at >= 0:  # 宜宾、泸州等支线机场: the items before 等 share what follows it
            after, first = raw[at + 1 :], raw[:at]
            if after.startswith("地") or _CUT_RE.search(after) or _VERB_RE.search(after) or _MID_VERB_RE.search(after) or _CUT_RE.search(first):
                continue
            with_deng = True
            if len(found) > 1 and start == found[-2][1] and start > 0 and _NAME_CHAR.match(text[start - 1]):
                continue  # 成渝高速扩能等高速公路: 扩能 continues the name before it
            tail, _ = clean_stem(after)
            shared = tail + suffix_full
            items = [(start, first)] + _items_before(text, start, 0)
        elif (not was_cut and stem == raw and len(stem) >= 2 and text[end : end + 1] != "、"
              and stem not in _CLASS_STEMS):  # 万开达、开万梁高速公路
            with_deng = False
            # 沱江、岷江、綦江、涪江生态带: the descriptor before the suffix is shared with it.
            shared = _SHARED_DESCRIPTOR.search(stem).group() + suffix
            items = _items_before(text, start, found[-2][1] if len(found) > 1 else 0)
        else:
            continue
        names = []
        for item_start, item_raw in items:
            item, item_cut = clean_stem(item_raw)
            if with_deng and _SUFFIX_RE.search(item) and item_raw == item:
                continue  # 广涪柳、渝广城际、长垫梁等铁路: a named item of the list, the others share 铁路
            if not _shareable(item) or (kind in POINT_KINDS and re.search("至|到", item)):
                break
            names.append([item_start, item])
            if item_cut:  # the list starts inside this item (…和包茂、沪蓉、沪渝等高速公路)
                break
        # 中心城区至永川、南川等市域铁路: the first item's origin is every item's origin.
        origin = re.match(r"([^至]+)至[^至]+$", names[-1][1]) if names else None
        others = [n for _, n in names[:-1]] + ([] if with_deng else [stem])
        if origin and not any(re.search("至|到|经", n) or len(n) > 5 for n in others):
            head = origin.group(1) + "至"
            names = [[s0, n if "至" in n else head + n] for s0, n in names]
            if found[-1][3] == name and not with_deng:  # the last item, when the list has no 等
                found[-1][3] = head + name
        for item_start, item in names:
            if item.endswith("线") and "至" in item:  # 璧山至铜梁线、…等市域（郊）铁路: the item is a line's name already
                found.append([item_start, item_start + len(item), kind, item, "线"])
            else:
                found.append([item_start, end, kind, item + shared, shared])
    return [Entity(seed, line, f[2], f[3], f[4], text, max(f[0], 0)) for f in found]


# ------------------------------------------------------------------ the stop-list

class ClassWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = PField(min_length=3)
    words: list[str] = PField(min_length=1)
    kinds: list[str] = []


class StopPhrases(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = PField(min_length=3)
    names: list[str] = PField(min_length=1)


class StopPattern(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = PField(min_length=3)
    pattern: str


class StopList(BaseModel):
    """``coverage_stoplist.yaml``: what the extractor finds that is not a named thing, with why; and
    names made of class words that are nonetheless one particular thing here (``keep``)."""

    model_config = ConfigDict(extra="forbid")
    class_words: list[ClassWords] = []
    phrases: list[StopPhrases] = []
    patterns: list[StopPattern] = []
    keep: list[StopPhrases] = []

    @classmethod
    def load(cls, path: Path) -> StopList:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LayerDataError("coverage", "data file is missing", file=Path(path).name) from None
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise LayerDataError("coverage", str(exc.errors()[0]["msg"]), file=Path(path).name) from None

    def why_generic(self, entity: Entity) -> str | None:
        """Why ``entity`` names no particular thing (None when it does)."""
        if any(entity.name in group.names for group in self.keep):
            return None
        for group in self.phrases:
            if entity.name in group.names:
                return group.reason
        for p in self.patterns:
            if re.search(p.pattern, entity.name):
                return p.reason
        stem = entity.stem
        used: list[str] = []
        words = [(w, g.reason) for g in self.class_words if not g.kinds or entity.kind in g.kinds for w in g.words]
        for word, reason in sorted(words, key=lambda wr: len(wr[0]), reverse=True):
            if word in stem:
                stem = stem.replace(word, "")
                used.append(reason)
        if re.match(r"[GS][0-9]+|(?!LNG)[A-Za-z]{2}", entity.stem):
            return None  # a route number or a Latin name is a name (G93高速公路, RCEP先行示范区)
        if re.match(rf"轨道交通(?:[0-9]+号|[{_HAN}]{{2,3}})线", entity.suffix) and "跨线" not in entity.suffix:
            return None  # the line's number or name is inside the suffix (轨道交通4号线)
        if len(re.findall(f"[{_HAN}]", stem)) < 2:
            if used:
                return used[0]
            return "no name before the suffix" if not re.findall(f"[{_HAN}]", entity.stem) else "a one-character stem names nothing"
        return None


STOPLIST_FILE = "coverage_stoplist.yaml"


# ------------------------------------------------------------------ names, normalised for matching

#: Ways of writing the same kind of name, made one before comparing an entity with a row's names.
#: Each is applied to both sides, so it can never make a name match a different thing: it only
#: removes spelling differences (高速铁路/高铁, 国际机场/机场, 四川天府新区/天府新区, —/至).
NORMALISE_RULES: tuple[tuple[str, str, str], ...] = (
    (r"[“”‘’\"'《》\s]", "", "quotes and spaces"),
    (r"（(?:迁建|扩建|改扩建|新建|续建|拟创建)）", "", "a works word in parentheses (达州（迁建）机场)"),
    (r"[（）()]", "", "parentheses (their contents stay: 西部（成都）科学城 ≠ 西部科学城)"),
    (r"—|－|-|~|～|到", "至", "dashes and 到 between places are 至"),
    (r"市域至?郊铁路|市郊铁路", "市域铁路", "市域（郊）铁路 = 市域铁路"),
    (r"高速铁路", "高铁", "高速铁路 = 高铁"),
    (r"城际铁路", "城际", "城际铁路 = 城际"),
    (r"国家重点高速公路|国家高速公路|高速公路", "高速", "(国家)高速公路 = 高速"),
    (r"国际机场|支线机场", "机场", "国际机场/支线机场 = 机场 (a class word, not part of the name)"),
    (r"(?:双边|国际)(?=合作园区)", "", "双边合作园区 = 国际合作园区 (the documents use both for the same parks)"),
    (r"经济技术开发区", "经开区", "经济技术开发区 = 经开区"),
    (r"高新技术产业开发区|高新技术开发区", "高新区", "高新技术产业开发区 = 高新区"),
    (r"自由贸易试验区|自贸区", "自贸试验区", "自由贸易试验区 = 自贸试验区"),
    (r"航电枢纽工程", "航电枢纽", "航电枢纽工程 = 航电枢纽"),
    (r"地下储气库", "储气库", "地下储气库 = 储气库"),
    (r"大中型|一批|首批", "", "a size or quantity word (长寿湖大中型水库 = 长寿湖水库)"),
    (r"扩能改造|改扩建|扩容|扩能|改造|提档升级|升级", "", "the works on a facility name the facility (成渝扩容高速公路 → 成渝高速)"),
    (r"支点城市(?=快速通道)", "", "支点城市 is the class of the places a fast road reaches (中心城区至合川支点城市快速通道)"),
    (r"高等级|重点", "", "a grade or priority word (渠江高等级航道 = 渠江航道)"),
    (r"(?:项目|工程|建设|一期|整治利用|整治)+$", "", "trailing 项目/工程/建设/一期/整治 (疆电入渝工程 = 疆电入渝; the works on a channel name the channel)"),
)
_NORMALISE = tuple((re.compile(p), r) for p, r, _ in NORMALISE_RULES)
#: A leading province or country is dropped (重庆果园港 = 果园港, 四川天府新区 = 天府新区) unless
#: what remains is short or starts with a word that needs it (重庆新机场, 重庆高新区, 重庆港永川港区).
_QUALIFIER = re.compile(r"^(?:中国|四川省|四川|重庆市|重庆)")
_NEEDS_QUALIFIER = re.compile(r"^(?:新|高新|经开|自贸|铁路|国际|航空|水运|空港|港|陆港|商贸|生产|都市|市|省|东|西|南|北|两江新区$)")
_SECTION_TAIL = re.compile(rf"(?:(?<=高铁|高速|铁路|城际|航道|公路)|(?<=线|港)|(?<=港区)|(?<=作业区))(?:[{_HAN}]{{2,8}}至[{_HAN}]{{2,8}}段|[{_HAN}]{{2,4}}段)$")


#: A leading river is dropped from the name of a hub, lock or from–to section on it (岷江龙溪口航电
#: 枢纽 = 龙溪口航电枢纽, 长江干线涪陵至丰都段航道 = 涪陵至丰都段航道), not from a river's whole
#: channel (长江航道, 涪江重庆段航道 stay as they are: 重庆段 is on several rivers).
_RIVER = re.compile(r"^(?:长江干线|长江|嘉陵江|岷江|乌江|渠江|涪江|金沙江|沱江)(?=[\u4e00-\u9fff]{2,}(?:航电枢纽|航运枢纽|枢纽|船闸|枢纽翻坝转运系统)$|[\u4e00-\u9fff]{2,}至[\u4e00-\u9fff]{2,}段航道$)")


def normalise(name: str) -> str:
    """A name written the way rows and entities are compared (see :data:`NORMALISE_RULES`)."""
    out = name
    for pattern, repl in _NORMALISE:
        out = pattern.sub(repl, out)
    while True:
        rest = _QUALIFIER.sub("", out, count=1)
        if rest == out or len(rest) < 3 or _NEEDS_QUALIFIER.match(rest):
            break
        out = rest
    return _RIVER.sub("", out)


#: A list's class word standing for the particular kind of line its items are (重庆至万州、成渝中线
#: 等铁路项目: each is a 高铁): the same stem with a more particular suffix of the same family.
_FAMILY = {"铁路": ("高铁", "城际", "市域铁路"), "高速": ("快速通道",)}


def match_keys(name: str) -> list[str]:
    """The keys a name may match, in order: the name; the name without a section written after it
    (渝湘高铁重庆至黔江段 → 渝湘高铁); the same stem with a particular suffix of its family
    (重庆至万州铁路 → 重庆至万州高铁)."""
    key = normalise(name)
    keys = [key]
    base = _SECTION_TAIL.sub("", key)
    if base != key and len(base) >= 3:
        keys.append(base)
    for generic, particular in _FAMILY.items():
        for k in list(keys):
            if k.endswith(generic) and len(k) > len(generic) + 1:
                keys += [k[: -len(generic)] + p for p in particular]
    return keys


#: The layers whose rows can be the thing an entity of a kind is, for matching by the bare stem.
KIND_LAYERS: dict[str, tuple[str, ...]] = {
    "platform": ("platforms", "zones", "economic_circle"), "layout": ("layout",), "rail": ("rail", "network"),
    "highway": ("highways", "network"), "port": ("ports",), "waterway": ("waterways", "rivers"),
    "airport": ("airports",), "hub": ("hubs",), "water": ("water_resources",), "energy": ("energy",),
}


def row_names(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, list[str]]:
    """Normalised name → ids of the rows it names (name_zh and every alias)."""
    out: dict[str, list[str]] = {}
    for frame in frames.values():
        if "name_zh" not in frame.columns:
            continue
        aliases = frame["aliases"] if "aliases" in frame.columns else [[]] * len(frame)
        for fid, name, more in zip(frame["id"], frame["name_zh"], aliases):
            for n in [name, *(more or [])]:
                if n:
                    ids = out.setdefault(normalise(n), [])
                    if fid not in ids:
                        ids.append(fid)
    return out


# ------------------------------------------------------------------ extraction over the seeds, and the match

@dataclass
class EntityRecord:
    """One distinct entity of a kind: its normalised key, the names it was written with, every
    place it occurs, and the rows that denote it."""

    kind: str
    key: str
    names: list[str]
    occurrences: list[Entity]
    rows: list[str]


def seed_entities(library: SeedLibrary, seeds: list[str]) -> list[Entity]:
    """Every entity of every sentence of ``seeds`` (generic ones included)."""
    out = []
    for seed in seeds:
        for p in sentences(library, seed):
            out += extract_entities(p.text, seed, p.line)
    return out


def entity_records(entities: list[Entity], stoplist: StopList) -> tuple[list[EntityRecord], Counter]:
    """Distinct named entities per kind (by normalised name), and the generic ones counted by reason."""
    records: dict[tuple[str, str], EntityRecord] = {}
    stopped: Counter = Counter()
    for e in entities:
        reason = stoplist.why_generic(e)
        if reason:
            stopped[reason] += 1
            continue
        key = normalise(e.name)
        rec = records.setdefault((e.kind, key), EntityRecord(e.kind, key, [], [], []))
        if e.name not in rec.names:
            rec.names.append(e.name)
        rec.occurrences.append(e)
    return list(records.values()), stopped


def match_records(records: list[EntityRecord], frames: dict[str, gpd.GeoDataFrame],
                  aliases: list[EntityAlias] = ()) -> list[str]:
    """Fill each record's ``rows``: the rows one of whose names (normalised) is one of the entity's
    keys (:func:`match_keys`), or is the name the alias table says the entity denotes. Returns the
    problems of the alias table (a target that names no row)."""
    names = row_names(frames)
    by_layer = {layer: row_names({layer: frames[layer]}) for layer in frames}
    table = {normalise(a.entity): normalise(a.denotes) for a in aliases}
    problems = [f"{ALIASES_FILE}: {a.entity} → {a.denotes}: no row has this name" for a in aliases if normalise(a.denotes) not in names]
    for rec in records:
        keys = [k for n in rec.names for k in match_keys(n)]
        keys += [table[k] for k in list(keys) if k in table]
        hit = next((names[k] for k in keys if k in names), None)
        if hit is None:
            # The bare stem is a name a row of the same kind of thing carries (广涪柳铁路 → the row
            # whose alias is 广涪柳; 引大济岷灌区, listed before 向家坝灌区二期 → the row 引大济岷).
            stems = [normalise(e.stem) for e in rec.occurrences]
            same_kind = [by_layer[layer] for layer in KIND_LAYERS[rec.kind] if layer in by_layer]
            hit = next((t[k] for k in stems for t in same_kind if len(k) >= 2 and k in t), None)
        rec.rows = hit or []
    return problems


def entity_coverage(records: list[EntityRecord]) -> dict[str, tuple[int, int, list[EntityRecord]]]:
    """Per kind: entities, matched, and the unmatched records."""
    out = {}
    for kind in ENTITY_KINDS:
        mine = [r for r in records if r.kind == kind]
        missing = [r for r in mine if not r.rows]
        out[kind] = (len(mine), len(mine) - len(missing), missing)
    return out


def group_coverage(coverage: dict[str, tuple[int, int, list]]) -> dict[str, tuple[int, int]]:
    """Per target group (core, secondary): entities and matched."""
    out = {g: (0, 0) for g in TARGETS}
    for kind, (total, matched, _) in coverage.items():
        g = ENTITY_KINDS[kind]
        out[g] = (out[g][0] + total, out[g][1] + matched)
    return out


# ------------------------------------------------------------------ the alias table

class EntityAlias(BaseModel):
    """A name the extractor builds that no row carries, and the row name that denotes the same thing."""

    model_config = ConfigDict(extra="forbid")
    entity: str
    denotes: str
    reason: str = PField(min_length=3)


ALIASES_FILE = "coverage_aliases.yaml"


def load_aliases(path: Path) -> list[EntityAlias]:
    """``coverage_aliases.yaml`` rows (an empty list when the file is absent)."""
    from layers.datafiles import load_rows

    return load_rows(path, EntityAlias, layer="coverage") if Path(path).exists() else []


# ------------------------------------------------------------------ the whole check, and its report

@dataclass
class EntityCheck:
    """The entity-level coverage of the seeds: distinct entities per kind, matched or not."""

    records: list[EntityRecord]
    stopped: Counter
    coverage: dict[str, tuple[int, int, list[EntityRecord]]]
    problems: list[str]
    #: The generic names dropped, by the stop-list's reason (distinct names).
    stopped_names: dict[str, set[str]] | None = None

    def share(self, kind: str) -> float:
        total, matched, _ = self.coverage[kind]
        return matched / total if total else 1.0

    def below_target(self) -> list[str]:
        """Kinds whose share of matched entities is under their group's target."""
        return [k for k in ENTITY_KINDS if self.share(k) < TARGETS[ENTITY_KINDS[k]]]


def check_entities(library: SeedLibrary, seeds: list[str], frames: dict[str, gpd.GeoDataFrame], data_dir: Path) -> EntityCheck:
    """Extract the entities of ``seeds`` (text only), drop the stop-listed ones, match the rest
    against the rows of ``frames``."""
    stoplist = StopList.load(Path(data_dir) / STOPLIST_FILE)
    entities = seed_entities(library, seeds)
    records, stopped = entity_records(entities, stoplist)
    problems = match_records(records, frames, load_aliases(Path(data_dir) / ALIASES_FILE))
    names: dict[str, set[str]] = {}
    for e in entities:
        reason = stoplist.why_generic(e)
        if reason:
            names.setdefault(reason, set()).add(e.name)
    return EntityCheck(records, stopped, entity_coverage(records), problems, names)


def _excerpt(sentence: str, name: str, width: int = 45) -> str:
    """The sentence around ``name`` (verbatim; … where cut), at most ``2 * width`` characters."""
    i = sentence.find(name)
    if i < 0:
        i = max(sentence.find(name[-2:]), 0)
    a, b = max(0, i - width), min(len(sentence), i + len(name) + width)
    return ("…" if a else "") + sentence[a:b] + ("…" if b < len(sentence) else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def coverage_table(check: EntityCheck) -> list[str]:
    """Markdown table: per kind, entities, matched, share and target."""
    lines = ["| kind | group | entities | matched | % | target |", "|---|---|---:|---:|---:|---:|"]
    for kind, (total, matched, _) in check.coverage.items():
        group = ENTITY_KINDS[kind]
        lines.append(f"| {kind} | {group} | {total} | {matched} | {check.share(kind):.1%} | {TARGETS[group]:.0%} |")
    for group, (total, matched) in group_coverage(check.coverage).items():
        lines.append(f"| **{group}** | | {total} | {matched} | {matched / max(total, 1):.1%} | {TARGETS[group]:.0%} |")
    return lines


def entity_report(check: EntityCheck, seeds: list[str]) -> str:  # noqa: C901 (one linear document)
    """The Markdown report: per-kind coverage, the unmatched entities, and per seed every entity with
    the sentence it comes from and the rows that denote it."""
    lines = [
        "# Named entities of the seeds, and the rows that denote them",
        "",
        "Generated by `python -m layers coverage --entities --out docs/coverage-entities.md`; do not edit.",
        "",
        "The extractor (`layers/coverage.py`) reads the seed texts only, never our rows: it finds named",
        "things by the suffix that ends them (高铁, 高速公路, 港区, 航道, 机场, 物流园, 新区, 走廊, 电站,",
        "水库…), runs back over the name, cuts it after function words, figures, headings and verbs, splits",
        "enumerations that share a suffix (万开达、开万梁高速公路 → 万开达高速公路, 开万梁高速公路) and drops",
        "generic phrases listed with their reason in `layers/data/coverage_stoplist.yaml`. An entity is",
        "matched when, written the same way (`NORMALISE_RULES`: 高速铁路 = 高铁, 国际机场 = 机场, a leading",
        "四川/重庆 dropped…), it is the name or an alias of a row of any layer, or the table",
        "`layers/data/coverage_aliases.yaml` says which row's name denotes it (each with its reason).",
        "",
        "## Coverage per kind",
        "",
        *coverage_table(check),
        "",
        f"Generic phrases dropped: {sum(check.stopped.values())} occurrences "
        f"({', '.join(f'{n} × {r}' for r, n in check.stopped.most_common(6))}…).",
        "",
        "## Unmatched entities",
        "",
    ]
    for kind, (_, _, missing) in check.coverage.items():
        if missing:
            lines.append(f"- **{kind}** ({len(missing)}): " + "、".join(sorted(r.names[0] for r in missing)))
    if not any(m for _, _, m in check.coverage.values()):
        lines.append("None.")
    if check.stopped_names:
        lines += ["", "## Generic phrases dropped, by reason", "",
                  "Each reason is an entry of `layers/data/coverage_stoplist.yaml`; the names are as extracted.", ""]
        for reason, found in sorted(check.stopped_names.items(), key=lambda rn: -len(rn[1])):
            lines.append(f"- *{_cell(reason)}* ({len(found)}): " + "、".join(sorted(found)))
    lines += ["", "## Entities by seed", ""]
    by_seed: dict[str, list[tuple[Entity, EntityRecord]]] = {}
    for rec in check.records:
        seen: set[tuple[str, str]] = set()
        for e in rec.occurrences:
            if (e.seed, e.name) not in seen:
                seen.add((e.seed, e.name))
                by_seed.setdefault(e.seed, []).append((e, rec))
    for seed in seeds:
        rows = sorted(by_seed.get(seed, []), key=lambda er: (er[0].line, er[0].name))
        lines += [f"### {seed} ({len(rows)} entities)", "", "| line | kind | entity | rows | sentence |", "|---:|---|---|---|---|"]
        for e, rec in rows:
            denoted = ", ".join(f"`{r}`" for r in rec.rows[:3]) if rec.rows else "**unmatched**"
            lines.append(f"| {e.line} | {e.kind} | {_cell(e.name)} | {denoted} | {_cell(_excerpt(e.sentence, e.name))} |")
        lines.append("")
    return "\n".join(lines)
