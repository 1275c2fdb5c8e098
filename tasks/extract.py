"""Extract structured facts from a cleaned report.

Pure functions from text to typed records; no framework imports. Paragraph
numbers are 1-based over the cleaned body; paragraph 0 is the title. Every
value that comes from the text is recorded with its evidence (paragraph and
character span), so an analyst can check it against its sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from tasks.numerals import NUMERAL_CHARS, parse_int
from tasks.records import Cleaned, Evidence, Extraction, Person, Report, Slogan, SourceDoc, Speech
from tasks.regions import ROLE_TITLES, UNITS, Unit, resolve_venue, unit_named

HAN = "\u4e00-\u9fff"
_SENTENCE_END = "。！？；!?;"

# --- campaigns: the best clue to a year the report leaves out -----------------
CAMPAIGN_2023 = "学习贯彻习近平新时代中国特色社会主义思想主题教育"
CAMPAIGN_2019 = "不忘初心、牢记使命"
_CAMPAIGN_2019_RE = re.compile(r"不忘初心[、，,]?\s*牢记使命[”\"’]?主题教育")

# --- dates ---------------------------------------------------------------------
_CN = "一二三四五六七八九十"
# Patterns that open with an optional group or a lookbehind get a lookahead for their first
# character: it changes no match, but lets the regex engine reject most positions at once
# (2-3× faster scans).
_DATE_RE = re.compile(
    rf"(?=[\d{_CN}])(?:(?P<y>\d{{4}})年)?(?P<m>\d{{1,2}}|[{_CN}]{{1,2}})月(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})日"
    r"(?P<tod>上午|下午|晚上|晚间|晚(?!报)|早上|中午)?"
)
_DAY_ONLY_RE = re.compile(r"(?=\d)(?<![月\d年])(?P<d>\d{1,2})日(?P<tod>上午|下午|晚上|晚间|晚(?!报)|早上|中午)?")
# 昨天下午 / 今天上午: no date to give, but the time of day is said.
_RELATIVE_DAY_RE = re.compile(r"(?:昨天|昨日|今天|今日|当天|当日)(?P<tod>上午|下午|晚上|晚间|早上|中午)")
_MEETING_VERB_RE = re.compile(r"召开|举行|开幕|举办|启动")
# A date whose clause is about the central meeting, or that qualifies a noun
# (在5月31日召开的…会议上), is not this meeting's date.
_CENTRAL_SUBJECT_RE = re.compile(r"^[，,\s]*(?:党中央|中共中央|中央(?![^，。；]{0,12}?(?:指导|督导)组)|全国|习近平)")
# A news agency dateline (新华社南宁6月6日电) dates the article, not the meeting.
_DATELINE_END = "电"
_TOD_NORMAL = {"晚上": "晚上", "晚间": "晚上", "晚": "晚上", "早上": "上午", "中午": "中午"}

# --- venue and format ------------------------------------------------------------
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")
_UP_TO_SENTENCE_END_RE = re.compile(f".*[{_SENTENCE_END}]", re.DOTALL)  # ends after the last one
# A lead sentence whose subject is the meeting itself: 会议在福州举行。
_MEETING_SENTENCE_RE = re.compile(r"(?=[本会大])(?<=[。！？；])(?:本次)?(?:会议|大会)在[^。！？；]{1,16}?(?:召开|举行)[^。！？；]*[。！？；]?")
_VENUE_RE = re.compile(rf"在(?P<place>[{HAN}]{{1,8}}?)(?:隆重)?(?:召开|举行|开幕|举办)")
_FORMAT_RE = re.compile(
    r"(?:以|采取|采用|通过)(?P<f>电视电话会议|电视电话|视频会议|网络视频会议|网络视频|视频连线|视频直播|网络直播|视频)(?:的)?(?:形式|方式|系统)"
)
_FORMAT_NORMAL = {"电视电话会议": "电视电话会议", "电视电话": "电视电话会议", "网络直播": "网络直播",
                  "视频直播": "网络直播"}

# --- central guidance groups -----------------------------------------------------
_GROUP_RE = re.compile(
    rf"中央(?P<mid>[^，。；：第]{{0,30}}?)第(?P<n>[{NUMERAL_CHARS}]{{1,4}})(?P<circ>巡回)?(?:指导|督导)组"
)
_UNNUMBERED_GROUP_RE = re.compile(r"中央(?:“[^”]{0,20}”)?(?:主题教育)?指导组(?=副?组长)")
_PROVINCIAL_BODY_RE = re.compile(r"省委|市委|党委|区委|县委|省级")
_GROUP_ROLE_RE = re.compile(r"(?P<t>常务副组长|副组长|组长)")
_AFTER_BARE_MEMBER = ("出", "讲", "到", "等", "，", "、", "。", "；", "和", "及", "")
_AFTER_NAME_SKIP_RE = re.compile(r"(?:出席会议并讲话|出席会议并作讲话|出席并讲话|出席会议|讲话|出席|到会|作讲话|一行)?[，、和及]?")

# --- people ----------------------------------------------------------------------
_NAME_RUN_RE = re.compile(rf"[{HAN}·•]{{2,16}}")
_STOPS_MULTI = (
    "出席", "主持", "讲话", "强调", "指出", "要求", "表示", "分别", "参加", "同志", "代表", "宣读",
    "传达", "通报", "介绍", "发表", "提出", "作了", "作动员", "作报告", "作讲话", "作重要", "一行",
    "等人", "陪同", "会见", "致辞", "发言", "总结", "部署", "动员", "在讲话", "在会上", "主讲",
    "带队", "率队", "列席", "到会", "并讲话", "对全", "对开展", "就", "希望", "说", "围绕",
    "在主持", "在总结", "在会议", "在听取", "也出席", "也参加", "也到会", "也讲话",
)
# One alternation searched once per name run: its leftmost match is where the earliest stop
# word begins, which is what the cut needs (40 str.find calls per name cost more).
_STOPS_MULTI_RE = re.compile("|".join(map(re.escape, _STOPS_MULTI)))
_STOPS_SINGLE = "作在和与及等率对就向为同到讲并"
_NOT_NAME_START = ("助理", "同志", "办公", "秘书", "会议", "成员", "委员", "主持", "出席", "参加",
                   "讲话", "副", "和", "及", "等", "在", "以", "为", "对", "与")
_TITLE_SUFFIX_RE = re.compile(
    r"书记|主任|组长|省长|市长|主席|部长|秘书长|委员|常委|院长|检察长|司令员|政委|负责人|厅长|局长|主委|"
    r"校长|董事长|总经理|行长|总裁"
)
# Up to the clause end, a “quotation” (of up to 40 characters) read as one item. Runs of plain
# characters first: the same match as (?:“[^”]{0,40}”|[^，。；：])*, 1.7× faster.
_CHAIN_SEGMENT_RE = re.compile(r"(?:[^，。；：“]+|“[^”]{0,40}”|“)*")
_BOUNDARY_CHARS = set("、，。；：“”‘’（）()《》 \t,;:由是为和及与")
# "省长陈润儿主持", "会议由陈润儿主持", "副组长邵平主持会议"; not 主持召开 (an earlier meeting).
_HOST_RE = re.compile(rf"(?:{_TITLE_SUFFIX_RE.pattern}|由)(?P<name>[{HAN}·]{{2,10}}?)(?:同志)?主持(?!召开|人|的)")

# --- speeches and slogans ----------------------------------------------------------
_SPEECH_VERBS = "指出|强调|要求|表示|说|提出|希望|宣布|总结"
# The speaker may follow a title chain (省委副书记、省长许勤在主持会议时要求): the name is what follows
# the last title (see _speaker). The clause between name and verb is 在…中/时/上/后 (在讲话中,
# 在主持会议时, 在会上, 在听取汇报后), 代表…讲话时, or 讲话时.
_SPEECH_RE = re.compile(
    rf"^(?P<who>他|她|[{HAN}·、]{{2,40}}?)(?:同志)?"
    rf"(?:在[{HAN}“”]{{0,16}}?(?:中|时|上|后)|代表[{HAN}]{{2,16}}?(?:讲话|发言)?时?|(?:讲话|发言)(?:时|中))?"
    r"(?:最后|还|同时|进一步|特别|并|也|再次|首先|随后|接着|又)?"
    rf"(?P<verb>{_SPEECH_VERBS})[，,：:]"
)
# Every part of a speech opening before its verb excludes these marks, so the first of them in a
# paragraph is where an opening would end: a paragraph whose first one does not follow a speech verb
# opens no speech, and the regex (backtracking over 2-40 name characters) need not run.
_HEAD_END_RE = re.compile(r"[，,：:]")
_SPEECH_VERB_TUPLE = tuple(_SPEECH_VERBS.split("|"))


def speech_head(text: str) -> re.Match | None:
    """The speech opening of a paragraph (``_SPEECH_RE.match``), or None."""
    end = _HEAD_END_RE.search(text)
    if not end or not text.endswith(_SPEECH_VERB_TUPLE, 0, end.start()):
        return None
    return _SPEECH_RE.match(text)


_SLOGAN_RE = re.compile(r"“(?P<s>[^“”\n]{2,16})”")
_SLOGAN_EXCLUDE = {CAMPAIGN_2019, "不忘初心，牢记使命"}

# --- kind: is this a province-level unit's campaign meeting? --------------------------
_MEETING_TYPE_RE = re.compile(
    r"主题教育.{0,12}?(?:工作会议|动员会议|动员大会|动员部署会议?|部署会议?|工作会|动员会|推进会|总结会议|总结大会|总结会|"
    r"视频会议|电视电话会议)"
)
# The unit as the subject of the title or lead: 江苏省“不忘初心…, 河南省委召开…, 海南省学习贯彻…,
# 安徽省第二批…; the committee suffix must fit the unit's kind (吉林市委 is a city, not 吉林省).
_ORGANISER_RE = re.compile(
    r"(?:^|(?<=[，,\s日午电）)】]))(?:中共)?(?P<unit>UNIT)(?P<suffix>省委|市委|自治区党委|区党委|党委)?"
    r"(?=[“\"召在主举开隆学第]|$)"
)
_SUFFIX_KIND = {"省委": "province", "市委": "municipality", "自治区党委": "region", "区党委": "region",
                "党委": "region"}
_NOT_PROVINCIAL_RE = re.compile(r"巡回指导组.{0,6}(?:召开|举行)|中心组|座谈会|读书班|党课|调研")
# The organiser of a document that is not a provincial meeting, as written before its verb:
# 教育部召开…, 中国石化党组在京召开…, 江苏省委理论学习中心组举行…; 党委/党组 is dropped.
_ORG_RE = re.compile(
    rf"^(?:中共)?(?P<org>[{HAN}A-Za-z0-9（）()]{{2,24}}?)(?:党委|党组)?"
    r"(?:召开|举行|举办|部署|启动|开展|传达|动员|推进|专题学习|集体学习|学习会|在|“|\"|：|:)"
)
_LEAD_DATE_RE = re.compile(
    rf"^[^，。]{{0,30}}?(?:\d{{4}}年)?(?:\d{{1,2}}|[{_CN}]{{1,2}})月(?:\d{{1,2}}|[{_CN}]{{1,3}})日"
    r"(?:上午|下午|晚上|晚间|晚(?!报)|早上|中午)?[，,\s]*")
_TITLE_PREFIX_RE = re.compile(r"^[【\[][^】\]]{0,12}[】\]]\s*|^[“\"《]")


# Months, days and group numbers are a few dozen distinct strings; a cache hit costs a tenth
# of parsing them again.
_numeral = lru_cache(maxsize=1024)(parse_int)


@dataclass
class _Found:
    value: object
    paragraph_no: int
    start: int
    end: int


def extract(doc: SourceDoc, cleaned: Cleaned) -> Extraction:
    """All facts of one document. Never raises on odd text: missing facts are None."""
    paras = [doc.title, *cleaned.paragraphs]  # index = paragraph_no
    full = "\n".join(paras)
    campaign, campaign_year = detect_campaign(full)
    unit_found = detect_unit(paras)
    unit: Unit | None = unit_found.value if unit_found else None  # type: ignore[assignment]
    kind = "provincial_meeting" if unit and is_provincial_meeting(paras) else "other"
    if kind == "other":
        unit_found, unit = None, None

    ev: list[Evidence] = []

    def note(field: str, found: _Found | None, value: object = None) -> None:
        if found is not None:
            shown = found.value if value is None else value
            ev.append(Evidence(doc.doc_id, field, str(shown), found.paragraph_no, found.start, found.end))

    dates, meeting = find_meeting_date(paras, campaign_year)
    groups = find_groups(paras)
    central = [g for g in groups if not g.circuit]
    circuit = [g for g in groups if g.circuit]
    venue = find_venue(paras, unit, meeting)
    fmt = find_format(paras)

    # Province-level office holders only for a province-level meeting; the central group's
    # members and the meeting's host for any document.
    heads = [None, *map(speech_head, paras[1:])]  # speech opening of each paragraph
    found_people = find_people(doc.doc_id, paras, unit, heads) if unit else []
    found_people += [p for g in groups for p in g.people(doc.doc_id)]
    found_people += find_hosts(doc.doc_id, paras, {p.name for p, _, _ in found_people}, heads)
    found_people = _dedupe_people(found_people)
    people = [p for p, _, _ in found_people]

    org = None if kind == "provincial_meeting" else find_organisation(paras)
    organisation = org.value if org else None

    meeting_date = meeting.value.date if meeting else None  # type: ignore[union-attr]
    report = Report(
        doc_id=doc.doc_id,
        listing_no=doc.listing_no,
        title=doc.title,
        source_path=doc.source_path,
        source_sha256=doc.source_sha256,
        encoding=doc.encoding,
        kind=kind,
        organisation=organisation,
        province=unit.name if unit else None,
        province_code=unit.code if unit else None,
        campaign=campaign,
        meeting_date=meeting_date,
        date_inferred=(meeting.value.inferred if meeting and meeting_date else None),  # type: ignore[union-attr]
        time_of_day=meeting.value.time_of_day if meeting else None,  # type: ignore[union-attr]
        venue_city=venue.value if venue else None,  # type: ignore[arg-type]
        meeting_format=fmt.value if fmt else None,  # type: ignore[arg-type]
        guidance_group_no=central[0].number if central else None,
        circuit_group_no=circuit[0].number if circuit else None,
        n_date_candidates=len(dates),
        n_group_candidates=len({(g.number, g.circuit) for g in groups}),
        has_images=cleaned.has_images,
        n_images=doc.n_images,
        n_paragraphs=len(cleaned.paragraphs),
    )
    note("organisation", org)
    note("province", unit_found, report.province)
    if report.meeting_date:
        note("meeting_date", meeting, report.meeting_date)
    if report.time_of_day:
        note("time_of_day", meeting, report.time_of_day)
    note("venue_city", venue)
    note("meeting_format", fmt)
    if central:
        note("guidance_group_no", central[0].found, central[0].number)
    if circuit:
        note("circuit_group_no", circuit[0].found, circuit[0].number)
    for p, start, end in found_people:
        ev.append(Evidence(doc.doc_id, f"people.{p.role}", p.name, p.paragraph_no, start, end))
    return Extraction(report=report, people=people, speeches=find_speeches(doc.doc_id, paras, people, heads),
                      slogans=find_slogans(doc.doc_id, full, len(paras[0]) + 1), evidence=ev)


# ---------------------------------------------------------------------------------
def detect_campaign(text: str) -> tuple[str | None, int | None]:
    # The 2023 name, checked first, is plain text: a substring test skips through the report
    # faster than a regex scan.
    if CAMPAIGN_2023 in text:
        return CAMPAIGN_2023, 2023
    if _CAMPAIGN_2019_RE.search(text):
        return CAMPAIGN_2019, 2019
    return None, None


_UNIT_FORMS = sorted({f for u in UNITS for f in (u.name, u.short) +
                      ((u.short + "自治区",) if u.kind == "region" else ())}, key=len, reverse=True)
_ORGANISER_RE = re.compile(_ORGANISER_RE.pattern.replace("UNIT", "|".join(_UNIT_FORMS)))


def detect_unit(paras: list[str]) -> _Found | None:
    """The province-level unit that is the subject of the title or of the lead sentence.

    The title must open with it (after a 【栏目】 tag); in the lead it may follow a
    date or a dateline (新华社南宁6月6日电 6月5日，广西壮族自治区…).
    """
    for no in (0, 1):
        if no >= len(paras):
            break
        text = paras[no]
        if no == 0:
            prefix = _TITLE_PREFIX_RE.match(text)
            start = prefix.end() if prefix else 0
            matches = [m for m in [_ORGANISER_RE.match(text, start)] if m]
        else:
            matches = list(_ORGANISER_RE.finditer(_first_sentence(text)))
        for m in matches:
            suffix = m.group("suffix")
            unit = unit_named(m.group("unit"))  # the group holds exactly one of _UNIT_FORMS
            if not unit:
                continue
            if suffix and _SUFFIX_KIND[suffix] != unit.kind:
                continue  # 吉林市委 is the city's committee, not 吉林省's
            return _Found(unit, no, m.start("unit"), m.end("unit"))
    return None


def is_provincial_meeting(paras: list[str]) -> bool:
    for text in paras[:2]:
        head = _first_sentence(text)
        if _NOT_PROVINCIAL_RE.search(head):
            return False
        if _MEETING_TYPE_RE.search(head):
            return True
    return False


def _first_sentence(text: str) -> str:
    m = _SENTENCE_END_RE.search(text)
    return text[: m.end()] if m else text


# ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingDate:
    date: dt.date | None
    inferred: bool
    time_of_day: str | None


def _sentences(text: str):
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        yield start, text[start: m.end()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]


def find_meeting_date(paras: list[str], campaign_year: int | None) -> tuple[set, _Found | None]:
    """Distinct meeting-date candidates in the lead, and the chosen one.

    A candidate is a date in a lead sentence whose own clause holds the meeting
    verb (召开/举行) and is not about the central meeting. A date with no month
    counts as a candidate but yields no date: a guess would be worse than NULL.
    """
    candidates: dict[tuple, _Found] = {}
    for no in range(1, min(len(paras), 3)):
        for s_start, sentence in _sentences(paras[no]):
            if "日" not in sentence and "天" not in sentence:  # every date pattern needs one of them
                continue
            matches = (list(_DATE_RE.finditer(sentence)) or list(_DAY_ONLY_RE.finditer(sentence))
                       or list(_RELATIVE_DAY_RE.finditer(sentence)))
            for m in matches:
                rest = sentence[m.end():]
                if rest.startswith(_DATELINE_END):
                    continue
                verb = _MEETING_VERB_RE.search(rest)
                if not verb or rest[verb.end(): verb.end() + 1] == "的":
                    continue
                if _CENTRAL_SUBJECT_RE.match(rest) or sentence[max(0, m.start() - 1): m.start()] == "在":
                    continue
                g = m.groupdict()  # the three patterns name different groups
                month = _numeral(g["m"]) if g.get("m") else None
                day = _numeral(g["d"]) if g.get("d") else None
                year = int(g["y"]) if g.get("y") else None
                key = (month, day)
                if key in candidates:
                    continue
                tod = m.group("tod")
                tod = _TOD_NORMAL.get(tod, tod) if tod else None
                date = None
                if month and day:
                    y = year or campaign_year
                    try:
                        date = dt.date(y, month, day) if y else None
                    except ValueError:
                        date = None
                value = MeetingDate(date, year is None, tod)
                candidates[key] = _Found(value, no, s_start + m.start(), s_start + m.end())
        if candidates:
            break
    chosen = next(iter(candidates.values()), None)
    return set(candidates), chosen


def find_venue(paras: list[str], unit: Unit | None, meeting: _Found | None) -> _Found | None:
    """Where the meeting was held: 在X召开 in the sentence that dates the meeting, else in the
    title, the first sentence of the lead paragraphs, or a lead sentence about the meeting
    (会议在福州举行); never a sentence about another event (5月31日，党中央在北京召开…)."""
    for no, start, end in _venue_spans(paras, meeting):
        for m in _VENUE_RE.finditer(paras[no], start, end):
            city = resolve_venue(m.group("place"), unit)
            if city:
                return _Found(city, no, m.start("place"), m.end("place"))
    return None


def _venue_spans(paras: list[str], meeting: _Found | None):
    """(paragraph_no, start, end) to search for the venue, in order. Made one at a time: the
    first (the sentence that dates the meeting) usually names it."""
    if meeting:
        text = paras[meeting.paragraph_no]
        before = _UP_TO_SENTENCE_END_RE.match(text, 0, meeting.start)
        start = before.end() if before else 0
        end = _SENTENCE_END_RE.search(text, meeting.end)
        yield meeting.paragraph_no, start, end.end() if end else len(text)
    for no in (0, 1, 2):
        if no < len(paras):
            text = paras[no]
            end = _SENTENCE_END_RE.search(text) if no else None
            yield no, 0, end.end() if end else len(text)
    if len(paras) > 1:
        for m in _MEETING_SENTENCE_RE.finditer(paras[1]):
            yield 1, m.start(), m.end()


def find_format(paras: list[str]) -> _Found | None:
    for no in range(len(paras) - 1, 0, -1):  # the format is said in the closing paragraph
        m = _FORMAT_RE.search(paras[no])
        if m:
            raw = m.group("f")
            return _Found(_FORMAT_NORMAL.get(raw, "视频会议" if "视频" in raw else raw), no,
                          m.start("f"), m.end("f"))
    return None


# ---------------------------------------------------------------------------------
@dataclass
class GroupMention:
    number: int
    circuit: bool
    found: _Found
    members: list[tuple[str, str, int, int, int]]  # (role, name, paragraph_no, start, end)

    def people(self, doc_id: str) -> list[tuple[Person, int, int]]:
        return [(Person(doc_id, name, role, no), start, end) for role, name, no, start, end in self.members]


def find_groups(paras: list[str]) -> list[GroupMention]:
    """Numbered central (circuit) guidance groups with the leaders named right after them."""
    out: list[GroupMention] = []
    # Both group patterns need 中央 and 指导组/督导组, which most paragraphs lack (党中央 is common).
    mentioning = [(no, text) for no, text in enumerate(paras) if "导组" in text and "中央" in text]
    for no, text in mentioning:
        for m in _GROUP_RE.finditer(text):
            if _PROVINCIAL_BODY_RE.search(m.group("mid")):
                continue
            number = _numeral(m.group("n"))
            if not number:
                continue
            circuit = bool(m.group("circ"))
            out.append(GroupMention(number, circuit, _Found(number, no, m.start(), m.end()),
                                    _group_members(text, m.end(), no)))
    # 中央指导组副组长X without a number: X belongs to the report's central group only when
    # the report names exactly one; with none (中央指导组有关负责同志) nobody is attributed.
    numbers = {g.number for g in out if not g.circuit}
    if len(numbers) == 1:
        group = next(g for g in out if not g.circuit)
        for no, text in mentioning:
            for m in _UNNUMBERED_GROUP_RE.finditer(text):
                group.members += _group_members(text, m.end(), no)
    return out


def _group_members(text: str, pos: int, no: int) -> list[tuple[str, str, int, int, int]]:
    members = []
    role = None
    while True:
        m = _GROUP_ROLE_RE.match(text, pos)
        if m:
            # 组长、国家民委原副主任李昌: the name follows a title chain (never 组长、副组长到会,
            # where the next item is the group's other office, unnamed)
            if text[m.end(): m.end() + 1] == "、" and not _GROUP_ROLE_RE.match(text, m.end() + 1):
                name, end = _name_after_title(text, m.end())
            else:
                name, end = name_at(text, m.end())
            role = "group_leader" if m.group("t") == "组长" else "group_deputy"
        elif role and text[pos - 1: pos] in ("、", "和", "及"):
            # 副组长赵六、钱七出席: a second name under the same title, only when a bare name
            # follows (never 副组长孔泉、省委常委…, whose next item has a title)
            name, end = name_at(text, pos)
            if name and text[end: end + 1] not in _AFTER_BARE_MEMBER:
                name = None
        else:
            break
        if not name:
            break
        members.append((role, name, no, end - len(name), end))
        skip = _AFTER_NAME_SKIP_RE.match(text, end)
        pos = skip.end() if skip else end
    return members


# ---------------------------------------------------------------------------------
def name_at(text: str, pos: int) -> tuple[str | None, int]:
    """The personal name starting at ``pos``, cut before the verb that follows it."""
    m = _NAME_RUN_RE.match(text, pos)
    name = _name_in_run(m.group()) if m else None
    return (name, pos + len(name)) if name else (None, pos)


# The cut depends on the run alone, and a report repeats its few names in every paragraph
# (9 in 10 calls are repeats), so the runs' cuts are cached.
@lru_cache(maxsize=4096)
def _name_in_run(run: str) -> str | None:
    """The name that opens a run of Han characters (秦少华作动员讲话 → 秦少华), or None."""
    run = run.replace("•", "·")
    if run.startswith(_NOT_NAME_START):
        return None
    stop = _STOPS_MULTI_RE.search(run, 2)  # a stop word starting at the name's third character or later
    name = run[: stop.start()] if stop else run
    if len(name.replace("·", "")) > 4 and "·" not in name:
        for i, ch in enumerate(name[2:], start=2):
            if ch in _STOPS_SINGLE:
                name = name[:i]
                break
    elif len(name) > 2 and name[-1] == "等":  # 省政协主席刘伟等出席 (but 王建和 is a name)
        name = name[:-1]
    return name if _valid_name(name) else None


def _valid_name(name: str) -> bool:
    if _TITLE_SUFFIX_RE.search(name):
        return False
    if "·" in name:
        parts = name.split("·")
        return all(1 <= len(p) <= 8 for p in parts) and len(name) <= 16
    return 2 <= len(name) <= 4


def _at_boundary(text: str, pos: int, unit: Unit) -> bool:
    if pos == 0 or text[pos - 1] in _BOUNDARY_CHARS:
        return True
    before = text[:pos]
    return before.endswith((unit.name, unit.short, unit.name.removesuffix("省").removesuffix("市")))


def _name_after_title(text: str, end: int) -> tuple[str | None, int]:
    """Name after a title; follows a chain like 省委书记、省人大常委会主任、…组长张庆伟."""
    if text[end: end + 1] != "、":
        return name_at(text, end)
    seg = _CHAIN_SEGMENT_RE.match(text, end + 1)
    seg_end = seg.end() if seg else end + 1
    for t in _TITLE_SUFFIX_RE.finditer(text, end + 1, seg_end):
        name, stop = name_at(text, t.end())
        if name:
            return name, stop
    return None, end


_ROLE_RES: dict[tuple[str, str], re.Pattern] = {
    (role, kind): re.compile("|".join(sorted(titles, key=len, reverse=True)))
    for role, by_kind in ROLE_TITLES.items() for kind, titles in by_kind.items()
}
# A region's governor is often given in a chain as just 主席 (自治区党委副书记、主席…).
_REGION_BARE_CHAIR_RE = re.compile(r"(?<=、)主席")
# Per unit kind: (role, patterns) in the order find_people reports them, and one alternation
# of every pattern, which rules out in one search the many paragraphs that name no office.
_KIND_PATTERNS: dict[str, list[tuple[str, list[re.Pattern]]]] = {
    kind: [(role, [_ROLE_RES[(role, kind)], *([_REGION_BARE_CHAIR_RE] if (role, kind) == ("governor", "region") else [])])
           for role in ROLE_TITLES]
    for kind in ("province", "municipality", "region")
}
_ANY_TITLE_RE: dict[str, re.Pattern] = {
    kind: re.compile("|".join(p.pattern for _, patterns in roles for p in patterns))
    for kind, roles in _KIND_PATTERNS.items()
}


_Placed = tuple[Person, int, int]  # a person with the span of the name in its paragraph


def find_people(doc_id: str, paras: list[str], unit: Unit, heads: list) -> list[_Placed]:
    """Province-level office holders: party secretary, governor, CPPCC chair."""
    people: list[_Placed] = []
    role_patterns, any_title = _KIND_PATTERNS[unit.kind], _ANY_TITLE_RE[unit.kind]
    for no, text in enumerate(paras[1:], start=1):
        head = heads[no]
        if head:  # a speech talks about offices (省长要带头); only its opening title chain names a holder
            text = text[: head.end("who")]
        first = any_title.search(text)  # the cheapest filter first: most paragraphs name no office
        if not first:
            continue
        if head and "、" not in text and not _TITLE_SUFFIX_RE.search(text):
            continue
        for role, patterns in role_patterns:
            for pattern in patterns:
                for m in pattern.finditer(text, first.start()):  # no title starts before the first
                    if pattern is _REGION_BARE_CHAIR_RE and "政协" in _clause_before(text, m.start()):
                        continue
                    if pattern is not _REGION_BARE_CHAIR_RE and not _at_boundary(text, m.start(), unit):
                        continue
                    name, end = _name_after_title(text, m.end())
                    if name:
                        people.append((Person(doc_id, name, role, no), end - len(name), end))
    return people


def _clause_before(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in "，。；,;")
    return text[start + 1: pos]


def find_hosts(doc_id: str, paras: list[str], known: set[str], heads: list) -> list[_Placed]:
    """Who chaired the meeting: 省长陈润儿主持, 会议由X主持, 副组长邵平主持会议,
    and a speaker who spoke 在主持会议时."""
    hosts: list[_Placed] = []
    for no, text in enumerate(paras[1:], start=1):
        first = text.find("主持")
        if first < 0:
            continue
        head = heads[no]
        if head:  # a speech paragraph: only 龚正在主持会议时指出 says who chaired
            if "主持" in text[head.end("who"): head.start("verb")]:
                name = _speaker(head.group("who"), known)
                if name:
                    end = head.end("who")
                    hosts.append((Person(doc_id, name, "host", no), end - len(name), end))
            continue
        # A match ends in 主持 at most 15 characters after its start (a title of up to three
        # characters, a name of up to ten, 同志), so the scan starts that far before the first 主持.
        for m in _HOST_RE.finditer(text, max(0, first - 15)):
            name = m.group("name")
            if name not in known:  # 由省委副书记陈海波主持: the name follows the last title
                cut = [t.end() for t in _TITLE_SUFFIX_RE.finditer(name)]
                name = name[cut[-1]:] if cut else name
            if _valid_name(name) and not name.startswith(_NOT_NAME_START):
                end = m.end("name")
                hosts.append((Person(doc_id, name, "host", no), end - len(name), end))
        # Only a name that ends right before a (同志)主持 can chair: testing there for each name
        # is cheaper than searching the whole paragraph for it.
        name_ends = _chair_name_ends(text, first)
        for name in known:
            if any(text.endswith(name, 0, end) for end in name_ends):
                for start in _chaired_by(text, name):
                    hosts.append((Person(doc_id, name, "host", no), start, start + len(name)))
    return hosts


def _chair_name_ends(text: str, first: int) -> list[int]:
    """Where a name before (同志)主持 would end, for every 主持 from ``first`` (the first) on."""
    ends, i = [], first
    while i >= 0:
        ends.append(i)
        if text.endswith("同志", 0, i):
            ends.append(i - 2)
        i = text.find("主持", i + 1)
    return ends


_CHAIRED_RE = re.compile(r"(?:同志)?主持(?!召开|人|的)")


def _chaired_by(text: str, name: str) -> list[int]:
    """Where ``name`` stands before (同志)主持, left to right without overlaps, as re.finditer of
    name + _CHAIRED_RE would find them; a pattern compiled per name cost more than the rest."""
    starts, i = [], text.find(name)
    while i >= 0:
        after = _CHAIRED_RE.match(text, i + len(name))
        if after:
            starts.append(i)
            i = text.find(name, after.end())
        else:
            i = text.find(name, i + 1)
    return starts


def _dedupe_people(people: list[_Placed]) -> list[_Placed]:
    seen, out = set(), []
    for placed in people:
        p = placed[0]
        if (p.name, p.role) not in seen:
            seen.add((p.name, p.role))
            out.append(placed)
    return out


# ---------------------------------------------------------------------------------
def _speaker(who: str, known: set[str]) -> str | None:
    """The name in a speech opening: 王国生, or the name after a title chain (省委副书记、省长许勤)."""
    if who in known:
        return who
    cut = [t.end() for t in _TITLE_SUFFIX_RE.finditer(who)]
    if cut:
        who = who[cut[-1]:]
        if who in known:
            return who
    if "、" in who:
        return None
    name, _ = name_at(who, 0)
    return name if name == who else None


def find_speeches(doc_id: str, paras: list[str], people: list[Person], heads: list) -> list[Speech]:
    """One row per paragraph that opens with a speaker and a verb (王国生强调，…; 省长许勤要求，…)."""
    known = {p.name for p in people}
    speeches: list[Speech] = []
    last: str | None = None
    for no, text in enumerate(paras[1:], start=1):
        m = heads[no]
        if not m:
            continue
        who = m.group("who")
        if who in ("他", "她"):
            if not last:
                continue
            who = last
        else:
            who = _speaker(who, known)
            if not who:
                continue
        last = who
        speeches.append(Speech(doc_id, no, who, m.group("verb"), text))
    return speeches


def find_slogans(doc_id: str, full: str, body_start: int) -> list[Slogan]:
    """Quoted phrases in the body, which is ``full`` (title and paragraphs joined by line ends)
    from ``body_start`` on: a quotation never spans a line end, so one scan finds them all."""
    counts = Counter(map(str.strip, _SLOGAN_RE.findall(full, body_start)))
    for s in _SLOGAN_EXCLUDE:
        counts.pop(s, None)
    return [Slogan(doc_id, s, counts[s]) for s in sorted(counts)]


def find_organisation(paras: list[str]) -> _Found | None:
    """Who held a document's meeting, from the title or else the lead (教育部, 南京市委, 清华大学)."""
    for no in (0, 1):
        if no >= len(paras):
            break
        text = paras[no]
        start = 0
        if no == 0:
            prefix = _TITLE_PREFIX_RE.match(text)
            start = prefix.end() if prefix else 0
        else:
            lead = _LEAD_DATE_RE.match(text)
            start = lead.end() if lead else 0
        m = _ORG_RE.match(text, start)
        if m:
            return _Found(m.group("org"), no, m.start("org"), m.end("org"))
    return None
