"""A deterministic, streaming generator of realistic raw reports, with the true values.

``generate(n, seed)`` yields one ``SynthDoc`` per report: its path relative to the
raw dir, its exact bytes (as the scraper would have saved them), the picture files
of a nested article, and a gold record with what extraction should find. Each
document depends only on ``(seed, i)``, so any slice of a corpus can be rebuilt
alone and memory stays constant however many are written. ``write_corpus`` puts
them on disk with ``gold.jsonl`` beside them.

What varies, following shared/DOMAIN.md: all 31 province-level units with their own
titles (省委书记/省长/省政协主席, 市委书记/市长/市政协主席, 自治区党委书记 or 区党委书记/
自治区主席/自治区政协主席), Han, minority and dotted names, the 2019 and 2023 campaigns,
dates with and without time of day, venues written in full, short or abbreviated
(在宁 in Jiangsu), Arabic and Chinese group numbers in every central-group phrasing of
the samples, the provincial leading-group and circuit-group traps, meeting formats,
picture blocks (after the title or glued mid-body), nested ``NNN<title>/`` folders with
``图片/``, GB18030 and UTF-8-BOM files, CRLF line ends, non-provincial articles, and a
small share of broken files (empty, binary, truncated).

Pure: no framework imports, no clock, no global random state.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tasks.regions import UNITS, Unit

CAMPAIGN_2019 = "不忘初心、牢记使命"
CAMPAIGN_2023 = "学习贯彻习近平新时代中国特色社会主义思想主题教育"
SHARD_SIZE = 1000  # files per sub-folder: a million files in one folder hurts every tool

SPAN = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> \u3000\u3000"
END = "</span></div><div>&nbsp;</div>"
EMPTY_PARA = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> " + END
PICTURE = ("-" * 40 + " \n" + "-" * 19 + "这里有图片" + "-" * 12 + " \n" + "-" * 40 + " \n")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"

# Shares (per document) of the kinds of files a real dump holds.
P_BROKEN = 0.01  # empty, binary or truncated
P_OTHER = 0.04  # ministries, universities, firms, study sessions: not a provincial meeting
P_2023 = 0.2
P_GB18030 = 0.02
P_BOM = 0.01
P_CRLF = 0.02
P_PICTURE = 0.08
P_NESTED = 0.5  # of the articles with pictures

_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1..99 as a Chinese numeral: 七, 十二, 二十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


# --- names -------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
             "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱严")
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙")
# Given-name characters; none of them is a speech verb, a title part or a stop word of extraction.
_GIVEN = ("建国 庆伟 勤俭 惠宁 国生 润儿 政隆 莉新 俊海 泽林 文涛 建盛 海波 金辉 延忠 福启 阳生 佳 武 平 "
          "杰 军 伟 明 华 强 磊 洋 勇 艳 敏 静 丽 涛 斌 超 鹏 辉 刚 峰 波 宁 飞 浩 宇 鑫 亮 凯 健 "
          "永康 宏伟 志刚 晓东 春生 学军 玉林 德胜 振华 卫东 红旗 立新 树林 海燕 秀英 桂兰 国栋 家宝 "
          "世杰 成龙 维民 新民 瑞林 兆明 嘉禾 正清 启明 承德 思源 继红 晓光 铁军 向阳 一鸣 景文 少华").split()
_MINORITY = ("巴音朝鲁", "布小林", "巴特尔", "乌兰", "其其格", "洛桑江村", "白玛赤林", "齐扎拉", "扎西",
             "格桑", "多吉次仁", "阿旺", "吉炳轩", "马飚", "蓝天立", "咸辉", "王正伟", "陈武", "莫德旺")
_DOTTED = ("雪克来提·扎克尔", "努尔·白克力", "肖开提·依明", "艾尔肯·吐尼亚孜", "买买提江·吾买尔",
           "努尔兰·阿不都满金", "阿不都热合曼·吐尔逊", "热合曼·依沙木", "帕尔哈提·吐尔逊")


def _han_name(rng: random.Random) -> str:
    surname = rng.choice(_DOUBLE_SURNAMES) if rng.random() < 0.03 else rng.choice(_SURNAMES)
    given = rng.choice(_GIVEN)
    if len(surname) + len(given) > 4:
        given = given[0]
    return surname + given


def person_name(rng: random.Random, unit: Unit | None = None) -> str:
    """A name as the reports print it; minority and dotted names mostly in the regions."""
    r = rng.random()
    if unit is not None and unit.code == "65" and r < 0.4:
        return rng.choice(_DOTTED)
    if unit is not None and unit.kind == "region" and r < 0.35:
        return rng.choice(_MINORITY)
    if r < 0.03:
        return rng.choice(_MINORITY)
    if r < 0.045:
        return rng.choice(_DOTTED)
    return _han_name(rng)


# --- per-unit vocabulary ------------------------------------------------------------
@dataclass(frozen=True)
class _Vocab:
    committee: str  # 省委 / 市委 / 自治区党委
    secretary: tuple[str, ...]  # the party secretary's title as written
    governor: tuple[str, ...]
    cppcc: tuple[str, ...]
    congress: str  # 省人大常委会主任
    deputy_secretary: str
    whole: str  # 全省 / 全市 / 全区
    our: str  # 我省 / 我市 / 我区


def _vocab(unit: Unit) -> _Vocab:
    if unit.kind == "province":
        return _Vocab("省委", ("省委书记",), ("省委副书记、省长", "省长", "省委副书记、代省长"), ("省政协主席",),
                      "省人大常委会主任", "省委副书记", "全省", "我省")
    if unit.kind == "municipality":
        return _Vocab("市委", ("市委书记",), ("市委副书记、市长", "市长"), ("市政协主席",),
                      "市人大常委会主任", "市委副书记", "全市", "我市")
    return _Vocab("自治区党委", ("自治区党委书记", "区党委书记"),
                  ("自治区党委副书记、自治区主席", "自治区党委副书记、主席", "自治区主席", "自治区人民政府主席"),
                  ("自治区政协主席",), "自治区人大常委会主任", "自治区党委副书记", "全区", "我区")


# --- speech text ----------------------------------------------------------------------
_SENTENCES = (
    "习近平总书记的重要讲话深刻阐述了开展主题教育的重大意义、目标要求和重点措施，为开展主题教育提供了根本遵循。",
    "讲话通篇贯穿着马克思主义立场观点方法，彰显了我们党勇于自我革命、全面从严治党的坚定决心。",
    "要深刻把握“守初心、担使命，找差距、抓落实”的总要求，切实把思想和行动统一到党中央决策部署上来。",
    "要坚持思想建党、理论强党，推动学习往深里走、往心里走、往实里走，不断增进政治认同、思想认同、理论认同、情感认同。",
    "要教育引导广大党员干部切实增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
    "要把学习教育、调查研究、检视问题、整改落实贯穿主题教育全过程，确保取得预期效果。",
    "要突出读原著学原文悟原理，发扬理论联系实际的学风，突出典型引领。",
    "要以解决突出问题为导向，坚持立查立改、即知即改，扎实抓好专项整治。",
    "各级党委（党组）要把抓好主题教育作为一项重要政治任务，扛起主体责任，加强组织领导，精心组织实施。",
    "要坚持以上率下，防止照人不照己，各级领导班子和领导干部要真正把自己摆进去。",
    "要坚持真抓实做，防止形式主义，标准要高，要求要严，措施要实。",
    "要坚持标本兼治，把制定“当下改”的举措同制定长效机制结合起来。",
    "要坚持两手抓两促进，防止“两张皮”，把主题教育激发出来的热情转化为推动发展的实际成效。",
    "要把握“十二字”总要求，紧扣“五句话”目标，坚持“四个贯穿始终”，力戒形式主义。",
    "要通过“四到四访”提高调研质量，通过“四个一批”增强调研实效，提高发现问题、解决问题的能力。",
    "要对照习近平新时代中国特色社会主义思想和党中央决策部署，对照党章党规，对照初心使命，敢于触及灵魂、触及痛处。",
    "要深入开展批评和自我批评，在专题民主生活会上认真进行检视反思、党性剖析。",
    "要采取蹲点调研、座谈研讨、信息数据分析等方式，掌握第一手材料，带头克服形式主义、官僚主义。",
    "主要负责同志要带头讲好专题党课，党委（党组）成员要履行好“一岗双责”。",
    "要营造浓厚舆论氛围，大力选树宣传秉持理想信念、坚守初心使命、敢于担当作为的先进典型。",
    "要大力开展革命传统教育、形势政策教育、先进典型教育和警示教育，切实增强学习教育的针对性和感染力。",
    "要着力解决老百姓的操心事、烦心事、揪心事，不断增强人民群众的获得感、幸福感、安全感。",
    "要把牢坚定信仰这个出发点，在强化理论武装上取得新进展。",
    "要把牢对党忠诚这个着力点，在以政治建设为统领推动党的建设高质量上取得新进展。",
    "要把牢扎根群众这个支撑点，在为民服务上取得新进展。",
    "要开展“深调研、强作风、促落实”行动，拿出破解难题、改进工作的实招硬招。",
    "要做到问题不解决不松劲、解决不彻底不放手、群众不认可不罢休。",
    "要把主题教育同“两学一做”学习教育常态化制度化结合起来，同树立正确用人导向结合起来。",
    "要保持只争朝夕、奋发有为的奋斗姿态和越是艰险越向前的斗争精神，以钉钉子精神抓工作落实。",
    "要自觉同特权思想和特权现象作斗争，清清白白为官、干干净净做事、老老实实做人。",
    "要强化目标导向、效果导向，聚焦重点任务，多到现场看、多见具体事、多听群众说。",
    "要抓好宣传引导、营造良好氛围，推动广大党员干部见贤思齐、奋发进取。",
    "要坚持高标准严要求，认真开展学习研讨，深入开展调研，广泛听取意见，深刻检视反思。",
    "要集中安排一周时间，列出专题进行学习研讨，把理论学习推向新高度。",
    "要坚持“学思用贯通、知信行统一”，以学铸魂、以学增智、以学正风、以学促干。",
    "要牢牢把握“学思想、强党性、重实践、建新功”的总要求，推动主题教育走深走实。",
    "要在以学促干上取得实实在在的成效，推动高质量发展不断迈上新台阶。",
    "要把调查研究作为谋事之基、成事之道，真正把情况摸清、把问题找准、把对策提实。",
    "要把检视整改贯穿始终，做到边学习、边对照、边检视、边整改。",
    "要紧扣实现理论学习有收获、思想政治受洗礼、干事创业敢担当、为民服务解难题、清正廉洁作表率的目标。",
)
_GROUP_SPEECH = (
    "开展主题教育是全党的大事，中央指导组将认真学习贯彻习近平总书记重要讲话精神，按照党中央部署要求，"
    "聚焦主题教育根本任务，认真履行督促指导职责，确保主题教育取得实实在在的成效。",
    "指导组要认真学习贯彻习近平总书记重要讲话和重要指示批示精神，紧紧依靠{prov}{committee}开展工作，"
    "把指导工作寓于帮助服务之中，深入了解情况，提出工作建议，推动主题教育有力有序深入开展。",
)
_VERBS = ("指出", "强调", "要求", "在讲话中指出", "在讲话中强调")
_OTHER_ORGS = ("教育部党组", "国家发展改革委党组", "中国科学院党组", "清华大学党委", "国家电网有限公司党组",
               "中国石油天然气集团有限公司党组", "人民日报社党委", "中国人民银行党委", "北京大学党委")


# --- the truth of one document ----------------------------------------------------------
@dataclass
class SynthDoc:
    rel_path: str  # path under the raw dir, POSIX separators
    data: bytes
    gold: dict
    images: list[str] = field(default_factory=list)  # picture files (relative paths) to write beside it


_GROUP_MAP: dict[tuple[int, int], dict[str, int]] = {}


def _group_of(seed: int, year: int, unit: Unit) -> int:
    """The central guidance group that covered ``unit`` in ``year``; some groups cover two units."""
    key = (seed, year)
    if key not in _GROUP_MAP:
        rng = random.Random(f"{seed}/groups/{year}")
        numbers = rng.sample(range(1, 41), len(UNITS))
        mapping = {}
        for idx, u in enumerate(UNITS):
            mapping[u.name] = numbers[idx - 1] if idx % 6 == 5 else numbers[idx]  # neighbours share
        _GROUP_MAP[key] = mapping
    return _GROUP_MAP[key][unit.name]


_ROSTERS: dict[tuple[int, int], dict] = {}


def _roster(seed: int, year: int) -> dict:
    """Who held which office in one campaign batch: a unit's secretary, governor, CPPCC chair
    and deputy secretary, and each group's leader and deputy, all distinct people.

    Fixed per (seed, year), as in reality: every report of a batch names the same office
    holders, so the warehouse's cross-report checks hold on a synthetic corpus too.
    """
    key = (seed, year)
    if key not in _ROSTERS:
        rng = random.Random(f"{seed}/roster/{year}")
        used: set[str] = set()

        def fresh(unit: Unit | None = None) -> str:
            while True:
                name = person_name(rng, unit)
                if name not in used:
                    used.add(name)
                    return name

        units = {u.name: (fresh(u), fresh(u), fresh(u), fresh()) for u in UNITS}
        groups = {n: (fresh(), fresh()) for n in range(1, 41)}
        _ROSTERS[key] = {"units": units, "groups": groups}
    return _ROSTERS[key]


def _group_people(seed: int, year: int, number: int) -> tuple[str, str]:
    """(leader, deputy) of a group: the same in every report of that campaign batch."""
    return _roster(seed, year)["groups"][number]


def _org_committee(unit: Unit) -> str:
    """河南省委, 北京市委, 广西壮族自治区党委."""
    return unit.name + "党委" if unit.kind == "region" else unit.short + _vocab(unit).committee


def _para(text: str) -> str:
    return SPAN + text + END


def _date_text(rng: random.Random, year: int) -> tuple[str, str, str | None, str]:
    """(as written, ISO date, time of day, form)."""
    if year == 2019:
        month, day = 6, rng.choice((1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 10, 11, 12))
    else:
        month, day = 4, rng.choice((4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 17, 18))
    tod = rng.choice((None, None, None, "上午", "下午"))
    r = rng.random()
    if r < 0.1:
        text, form = f"{year}年{month}月{day}日", "ymd"
    elif r < 0.14:
        text, form = f"{cn_numeral(month)}月{cn_numeral(day)}日", "cn"
    else:
        text, form = f"{month}月{day}日", "md"
    return text + (tod or ""), f"{year}-{month:02d}-{day:02d}", tod, form


def _venue(rng: random.Random, unit: Unit) -> tuple[str | None, str | None, str]:
    """(place as written after 在, gold city, form)."""
    r = rng.random()
    if unit.kind == "municipality":
        if r < 0.5:
            return None, None, "none"
        return rng.choice(unit.capital_abbrevs), unit.name, "abbrev"
    capital_short = unit.capital.removesuffix("市")
    if r < 0.15:
        return None, None, "none"
    if r < 0.3 and unit.capital_abbrevs:
        return rng.choice(unit.capital_abbrevs), unit.capital, "abbrev"
    if r < 0.4:
        return unit.capital, unit.capital, "full"
    if r < 0.5:
        cities = [c for c in unit.cities if c != unit.short]
        if cities:
            city = rng.choice(cities)
            return city, city + "市", "city"
    return capital_short, unit.capital, "short"


def _group_mention(rng: random.Random, year: int, number: int, leader: str | None, deputy: str,
                   campaign_q: str) -> tuple[str, str, str]:
    """(mention for the attendance paragraph, a later deputy mention or '', phrasing id)."""
    num = cn_numeral(number) if rng.random() < 0.4 else str(number)
    kind = "cn" if not num.isdigit() else "ar"
    if leader is None:
        return f"中央第{num}指导组副组长{deputy}出席会议并讲话", "", f"G1-deputy-only-{kind}"
    forms = (
        (f"中央第{num}指导组组长{leader}出席会议并讲话，副组长{deputy}出席", "", "G2-plain"),
        (f"中央{campaign_q}第{num}指导组组长{leader}出席会议并讲话", f"中央第{num}指导组副组长{deputy}",
         "G3-campaign-then-deputy"),
        (f"中央{campaign_q}领导小组第{num}指导组组长{leader}讲话，副组长{deputy}出席", "", "G4-leading-group"),
        (f"{campaign_q}中央第{num}指导组组长{leader}讲话，副组长{deputy}出席", "", "G5-campaign-first"),
    )
    mention, later, pid = rng.choice(forms)
    return mention, later, f"{pid}-{kind}"


def _speech(rng: random.Random, speaker: str, n_sentences: int, vocab: _Vocab) -> str:
    verb = rng.choice(_VERBS)
    body = "".join(rng.sample(_SENTENCES, n_sentences))
    return f"{speaker}{verb}，{body}".replace("全省", vocab.whole).replace("我省", vocab.our)


def _provincial(rng: random.Random, seed: int, i: int, unit: Unit) -> tuple[str, list[str], dict]:
    """Title, paragraphs and gold of one provincial meeting report."""
    year = 2023 if rng.random() < P_2023 else 2019
    campaign = CAMPAIGN_2023 if year == 2023 else CAMPAIGN_2019
    campaign_q = campaign if year == 2023 else f"“{campaign}”主题教育"
    v = _vocab(unit)
    number = _group_of(seed, year, unit)
    leader, deputy = _group_people(seed, year, number)
    if rng.random() < 0.25:
        leader = None  # only the deputy came (as in the Jiangsu and Henan samples)
    sec, gov, cppcc, deputy_sec = _roster(seed, year)["units"][unit.name]
    host_is_gov = rng.random() < 0.75
    host = gov if host_is_gov else deputy_sec
    date_text, iso, tod, date_form = _date_text(rng, year)
    place, city, venue_form = _venue(rng, unit)
    meeting = rng.choice(("工作会议", "工作会议", "动员会议", "动员部署会议"))
    unit_written = unit.name if rng.random() < 0.85 else unit.short + ("自治区" if unit.kind == "region" else "")
    if unit.kind == "municipality":
        unit_written = unit.name
    sec_title = rng.choice(v.secretary)
    sec_chain = rng.choice((
        sec_title,
        f"{sec_title}、{v.congress}",
        f"{sec_title}、{v.committee}{campaign_q}领导小组组长",
        f"{sec_title}、{v.committee}主题教育领导小组组长",
    ))
    gov_title = rng.choice(v.governor)
    mention, later, group_form = _group_mention(rng, year, number, leader, deputy, campaign_q)
    host_title = gov_title if host_is_gov else v.deputy_secretary
    trap = rng.random() < 0.2  # the central meeting's own date in the lead: not this meeting's date
    central = ("深入学习贯彻习近平总书记在5月31日召开的“不忘初心、牢记使命”主题教育工作会议上的重要讲话精神"
               if year == 2019 and trap else "深入学习贯彻习近平总书记重要讲话精神")
    paras: list[str] = []
    lead_form = rng.choice(("L1", "L1", "L2", "L3")) if year == 2019 else rng.choice(("L1-2023", "L2"))
    if place is None and lead_form != "L1-2023":
        lead_form = "L2"
    org_committee = _org_committee(unit)
    cppcc_title = v.cppcc[0]
    if host_is_gov:
        standard = f"{mention}；{gov_title}{gov}主持会议，{cppcc_title}{cppcc}出席会议。"
    else:
        standard = f"{mention}；{gov_title}{gov}，{cppcc_title}{cppcc}出席会议，{host_title}{host}主持会议。"
    if later:
        standard += f"{later}出席会议。"
    if lead_form == "L2":  # as in the Henan sample: the committee convenes, no venue
        place, city, venue_form = None, None, "none"
        lead = (f"{date_text}，{org_committee}召开{campaign_q}{meeting}，{central}，按照党中央部署要求，"
                f"对{v.whole}开展主题教育工作进行动员和部署。")
        if group_form.startswith("G1"):
            lead += f"{sec_title}{sec}、{mention.removesuffix('出席会议并讲话')}分别讲话，"
            lead += (f"{gov_title}{gov}主持，{cppcc_title}{cppcc}出席。" if host_is_gov else
                     f"{host_title}{host}主持，{gov_title}{gov}、{cppcc_title}{cppcc}出席。")
            attendance = ""
        else:
            lead += f"{sec_chain}{sec}出席会议并讲话。"
            attendance = standard
        title = f"{org_committee}召开{campaign_q}{meeting}"
    else:
        verb = "举行" if lead_form == "L3" else "召开"
        venue_part = f"在{place}{verb}" if place else verb
        name_part = f"{unit_written}{campaign_q}{meeting}"
        if lead_form == "L3":
            lead = (f"{date_text}，{name_part}{venue_part}，{sec_chain}{sec}作动员讲话，强调要{central}，"
                    f"深刻领会开展主题教育的重大意义，准确把握目标任务，切实做到“五深入五确保”。")
        else:
            lead = (f"{date_text}，{name_part}{venue_part}。会议{central.removeprefix('深入')}，"
                    f"对{v.whole}开展主题教育进行动员部署。{sec_chain}{sec}出席会议并讲话。")
        attendance = standard
        title = f"{name_part}召开"
    paras.append(lead)
    if attendance:
        paras.append(attendance)
    n_sec = rng.randint(5, 7)
    for _ in range(n_sec):
        paras.append(_speech(rng, sec, rng.randint(5, 9), v))
    speaker = leader or deputy
    paras.append(f"{speaker}{rng.choice(('指出', '在讲话中强调'))}，" +
                 rng.choice(_GROUP_SPEECH).format(prov=unit.name, committee=v.committee))
    if rng.random() < 0.5:
        paras.append(_speech(rng, gov, rng.randint(3, 6), v))
    fmt_choice = rng.random()
    if fmt_choice < 0.35:
        fmt_text, fmt = "会议以视频会议形式召开", "视频会议"
    elif fmt_choice < 0.6:
        fmt_text, fmt = "会议以电视电话会议形式召开", "电视电话会议"
    elif fmt_choice < 0.75:
        fmt_text, fmt = "会议以视频的形式召开", "视频会议"
    else:
        fmt_text, fmt = "", None
    who = (f"{v.committee}常委，{v.congress.removesuffix('主任')}、政府、政协负责同志，中央指导组有关负责同志，"
           f"{v.committee}主题教育领导小组成员及办公室负责同志，{v.committee}巡回指导组组长、副组长等参加会议")
    closing = f"{fmt_text}，{v.whole}各地设分会场。{who}。" if fmt_text else f"{who}。"
    paras.append(closing)
    if rng.random() < 0.3:
        paras.append(rng.choice(("（记者 ", "（责编：")) + _han_name(rng) + "）")
    people = {"group_leader": [leader] if leader else [], "group_deputy": [deputy],
              "party_secretary": [sec], "governor": [gov], "cppcc_chair": [cppcc], "host": [host]}
    gold = {"kind": "provincial_meeting", "province": unit.name, "province_code": unit.code,
            "campaign": campaign, "meeting_date": iso, "time_of_day": tod, "venue_city": city,
            "meeting_format": fmt, "guidance_group_no": number, "people": people,
            "form": {"lead": lead_form, "group": group_form, "date": date_form, "venue": venue_form,
                     "unit_written": "short" if unit_written != unit.name else "full", "trap_date": trap,
                     "unit_kind": unit.kind}}
    return title, paras, gold


def _other(rng: random.Random, seed: int, i: int) -> tuple[str, list[str], dict]:
    """A campaign article that is not a provincial meeting."""
    date_text, _iso, _tod, _ = _date_text(rng, 2019)
    if rng.random() < 0.6:
        org = rng.choice(_OTHER_ORGS)
        number = rng.randint(1, 40)
        leader, deputy = _group_people(seed, 2019, number)
        title = f"{org.removesuffix('党组').removesuffix('党委')}召开“不忘初心、牢记使命”主题教育工作会议"
        paras = [f"{date_text}，{org}召开“不忘初心、牢记使命”主题教育工作会议，对开展主题教育进行动员部署。"
                 f"中央第{number}指导组组长{leader}出席会议并讲话。"]
        form = "org"
    else:
        unit = rng.choice(UNITS)
        title = f"{_org_committee(unit)}理论学习中心组举行主题教育专题学习会"
        paras = [f"{date_text}，{_org_committee(unit)}理论学习中心组举行专题学习会，"
                 f"围绕“不忘初心、牢记使命”主题教育进行交流研讨。"]
        form = "study"
    for _ in range(rng.randint(6, 8)):
        paras.append(_speech(rng, _han_name(rng), rng.randint(5, 9), _vocab(UNITS[2])))
    gold = {"kind": "other", "province": None, "people": None, "form": {"lead": form}}
    return title, paras, gold


def _assemble(rng: random.Random, listing: int, title: str, paras: list[str]) -> tuple[str, bool]:
    """The file text: line 1, then the one-line body, with an optional picture block."""
    line1 = f"{listing}{title}.txt"
    body = "".join(_para(p) for p in paras)
    if rng.random() >= P_PICTURE:
        return f"{line1}\n{body}", False
    if rng.random() < 0.5:  # right after the title, as in the Jilin sample
        return f"{line1}\n{PICTURE}{EMPTY_PARA}{body}", True
    k = rng.randint(1, len(paras) - 1)
    head = "".join(_para(p) for p in paras[:k])
    tail = "".join(_para(p) for p in paras[k:])
    return f"{line1}\n{head}{PICTURE}{tail}", True


def make_doc(seed: int, i: int, allow_broken: bool = True) -> SynthDoc:
    """Document ``i`` of the corpus of ``seed``."""
    rng = random.Random(seed * 1_000_003 + i)
    shard, listing = divmod(i, SHARD_SIZE)
    folder = f"{shard:04d}"
    r = rng.random()
    if not allow_broken:
        r = P_BROKEN + rng.random() * (1 - P_BROKEN)
    if r < P_BROKEN:
        return _broken(rng, folder, listing, seed, i)
    if r < P_BROKEN + P_OTHER:
        title, paras, gold = _other(rng, seed, i)
    else:
        title, paras, gold = _provincial(rng, seed, i, rng.choice(UNITS))
    text, has_pictures = _assemble(rng, listing, title, paras)
    name = f"{listing}{title}"
    images: list[str] = []
    if has_pictures and rng.random() < P_NESTED:
        rel = f"{folder}/{name}/{name}.txt"
        images = [f"{folder}/{name}/图片/{k}.jpg" for k in range(rng.randint(1, 4))]
    else:
        rel = f"{folder}/{name}.txt"
    r = rng.random()
    if r < P_GB18030:
        data, encoding = text.encode("gb18030"), "gb18030"
    elif r < P_GB18030 + P_BOM:
        data, encoding = b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"
    else:
        data, encoding = text.encode("utf-8"), "utf-8"
    if rng.random() < P_CRLF:
        data = data.replace(b"\n", b"\r\n")
    gold.update(doc_id=rel[:-4], source_path=rel, listing_no=listing, title=title, broken=None,
                encoding=encoding, has_images=has_pictures, n_images=len(images))
    return SynthDoc(rel, data, gold, images)


def _broken(rng: random.Random, folder: str, listing: int, seed: int, i: int) -> SynthDoc:
    kind = rng.choice(("empty", "binary", "truncated"))
    title = f"{rng.choice(UNITS).name}“不忘初心、牢记使命”主题教育工作会议召开"
    rel = f"{folder}/{listing}{title}.txt"
    if kind == "empty":
        data = rng.choice((b"", b"\n", b"  \r\n"))
    elif kind == "binary":
        data = JPEG + rng.randbytes(rng.randint(500, 4000))
    else:
        good = make_doc(seed, i, allow_broken=False)  # the report this file should have been, cut short
        data = good.data[: rng.randint(len(good.data) // 10, len(good.data) * 3 // 5)]
    gold = {"doc_id": rel[:-4], "source_path": rel, "listing_no": listing, "title": title, "broken": kind,
            "kind": None, "province": None, "people": None, "form": {"lead": "broken"}}
    return SynthDoc(rel, data, gold)


def generate(n: int, seed: int = 0, start: int = 0) -> Iterator[SynthDoc]:
    """Documents ``start .. start+n-1`` of the corpus of ``seed``, one at a time."""
    for i in range(start, start + n):
        yield make_doc(seed, i)


def write_corpus(out_dir: str | os.PathLike, n: int, seed: int = 0, gold_path: str | os.PathLike | None = None,
                 start: int = 0) -> dict:
    """Write ``n`` reports under ``out_dir`` and their truth to ``gold.jsonl``; returns counts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gold_file = Path(gold_path) if gold_path else out / "gold.jsonl"
    made: set[str] = set()
    counts = {"files": 0, "bytes": 0, "images": 0, "broken": 0}
    with open(gold_file, "w", encoding="utf-8") as gf:
        for doc in generate(n, seed, start):
            path = out / doc.rel_path
            parent = str(path.parent)
            if parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                if len(made) > 10_000:  # constant memory
                    made.clear()
                made.add(parent)
            with open(path, "wb") as fh:
                fh.write(doc.data)
            for rel in doc.images:
                img = out / rel
                img.parent.mkdir(parents=True, exist_ok=True)
                img.write_bytes(JPEG)
            gf.write(json.dumps(doc.gold, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts["files"] += 1
            counts["bytes"] += len(doc.data)
            counts["images"] += len(doc.images)
            counts["broken"] += doc.gold["broken"] is not None
    return counts


# --- scoring extraction against the gold file --------------------------------------------
SCORED_FIELDS = ("kind", "province", "province_code", "campaign", "meeting_date", "time_of_day", "venue_city",
                 "meeting_format", "guidance_group_no", "has_images", "n_images", "encoding")
PEOPLE_ROLES = ("party_secretary", "governor", "cppcc_chair", "group_leader", "group_deputy", "host")


def score(report: dict | None, people: list[tuple[str, str]], gold: dict) -> dict[str, bool]:
    """Field → whether extraction got it right, for one non-broken document.

    ``report``: the extracted report as a dict (dates as ISO strings), or None if the file
    was quarantined; ``people``: (role, name) pairs. Non-provincial articles are scored
    on kind and province only. People are scored per role as sets.
    """
    if gold.get("broken"):
        return {}
    fields = SCORED_FIELDS if gold["kind"] == "provincial_meeting" else ("kind", "province")
    if report is None:
        return {f: False for f in fields} | ({f"people.{r}": False for r in PEOPLE_ROLES}
                                             if gold["kind"] == "provincial_meeting" else {})
    out = {f: report.get(f) == gold.get(f) for f in fields}
    if gold["kind"] == "provincial_meeting":
        for role in PEOPLE_ROLES:
            found = {n for r, n in people if r == role}
            out[f"people.{role}"] = found == set(gold["people"][role])
    return out
