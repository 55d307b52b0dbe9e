"""English names and pinyin for Chinese place names.

Official English forms are used where they exist (provinces, and the suffix conventions of the
Ministry of Civil Affairs: 区 District, 县 County, 市 City, 自治县 Autonomous County); otherwise
Hanyu Pinyin from pypinyin, with an apostrophe before a syllable starting with a, o or e
(Xi'an, Guang'an) and corrections where pypinyin picks the wrong reading of a place name.
"""

from __future__ import annotations

from functools import cache


#: Place-name readings pypinyin gets wrong (checked against official romanisations).
PINYIN_OVERRIDES: dict[str, str] = {
    "丰都": "Fengdu",
    "新都": "Xindu",
    "郫都": "Pidu",
    "长宁": "Changning",
    "什邡": "Shifang",
    "筠连": "Junlian",
    "荥经": "Yingjing",
    "重庆": "Chongqing",
    "长寿": "Changshou",
    "乐山": "Leshan",
    "乐至": "Lezhi",
    "犍为": "Qianwei",
    "阆中": "Langzhong",
}

OFFICIAL_EN: dict[str, str] = {
    "四川省": "Sichuan Province",
    "重庆市": "Chongqing Municipality",
    "阿坝藏族羌族自治州": "Ngawa Tibetan and Qiang Autonomous Prefecture",
    "甘孜藏族自治州": "Garzê Tibetan Autonomous Prefecture",
    "凉山彝族自治州": "Liangshan Yi Autonomous Prefecture",
    "东区": "East District",
    "西区": "West District",
}

_ETHNIC_EN = {"土家族": "Tujia", "苗族": "Miao", "彝族": "Yi", "羌族": "Qiang", "藏族": "Tibetan", "回族": "Hui"}

_SUFFIX_EN = (
    ("自治县", "Autonomous County"),
    ("自治州", "Autonomous Prefecture"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
    ("省", "Province"),
)


def _syllables(text: str) -> list[str]:
    # Imported here: pypinyin's dictionaries take ~0.4 s to load, and a start from the built
    # artifact never needs them.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")


@cache
def pinyin(text: str) -> str:
    """Capitalised pinyin of ``text`` without tones, e.g. ``广安`` → ``Guang'an``."""
    if text in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[text]
    syllables = _syllables(text)
    out = ""
    for i, syl in enumerate(syllables):
        if i and syl[:1] in "aoe":
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


@cache
def pinyin_initials(text: str) -> str:
    """Lower-case pinyin initials, e.g. ``万达开`` → ``wdk`` (used for search)."""
    return "".join(s[:1] for s in _syllables(text))


def english_name(name_zh: str, short_name: str | None = None) -> str:
    """English name of an administrative unit from its Chinese name.

    Parameters
    ----------
    name_zh : str
        Full name, e.g. ``秀山土家族苗族自治县``.
    short_name : str, optional
        The stem, e.g. ``秀山``; derived by stripping the suffix when not given.
    """
    if name_zh in OFFICIAL_EN:
        return OFFICIAL_EN[name_zh]
    for suffix_zh, suffix_en in _SUFFIX_EN:
        if name_zh.endswith(suffix_zh) and len(name_zh) > len(suffix_zh):
            stem_full = name_zh[: -len(suffix_zh)]
            stem = short_name if short_name and stem_full.startswith(short_name) else None
            ethnic = ""
            if stem is None:
                stem = stem_full
                for zh in _ETHNIC_EN:
                    if zh in stem:
                        stem = stem[: stem.index(zh)]
                        break
            rest = stem_full[len(stem) :]
            groups = []
            while rest:
                for zh, en in _ETHNIC_EN.items():
                    if rest.startswith(zh):
                        groups.append(en)
                        rest = rest[len(zh) :]
                        break
                else:
                    break
            if groups:
                ethnic = " and ".join(groups) + " "
            return f"{pinyin(stem)} {ethnic}{suffix_en}"
    return pinyin(name_zh)
