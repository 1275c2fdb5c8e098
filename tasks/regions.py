"""The 31 province-level units: names, codes, titles and venue abbreviations.

Pure data and look-ups; no framework imports. Everything province-specific that
extraction needs lives here so that a new unit or alias is a one-line change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unit:
    name: str  # standard full name, e.g. 江苏省
    short: str  # common short name, e.g. 江苏
    code: str  # two-digit administrative division code
    kind: str  # province | municipality | region
    capital: str  # full name of the seat of government
    # One-character (or short) forms of the capital used as "在宁召开"; resolved
    # only in this unit's context, since 宁 is 南京 in Jiangsu but 西宁 in Qinghai.
    capital_abbrevs: tuple[str, ...] = ()
    # Other cities of the unit (short form without 市/州), for venues such as 在延安召开.
    cities: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())
    # Abbreviations of other cities, resolved like the capital's (在甬召开 in Zhejiang: 宁波市).
    city_abbrevs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


_CITY_ABBREVS = {
    "浙江省": {"甬": "宁波市"}, "福建省": {"厦": "厦门市", "鹭": "厦门市"}, "广东省": {"深": "深圳市"},
    "辽宁省": {"连": "大连市"},
}


def _u(name, short, code, kind, capital, abbrevs=(), cities=(), aliases=()):
    return Unit(name, short, code, kind, capital, tuple(abbrevs), tuple(cities), tuple(aliases),
                _CITY_ABBREVS.get(name, {}))


UNITS: tuple[Unit, ...] = (
    _u("北京市", "北京", "11", "municipality", "北京市", ["京"]),
    _u("天津市", "天津", "12", "municipality", "天津市", ["津"]),
    _u("河北省", "河北", "13", "province", "石家庄市", ["石"],
       ["唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊", "衡水", "雄安"]),
    _u("山西省", "山西", "14", "province", "太原市", ["并"],
       ["大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁"]),
    _u("内蒙古自治区", "内蒙古", "15", "region", "呼和浩特市", ["呼", "青城"],
       ["包头", "乌海", "赤峰", "通辽", "鄂尔多斯", "呼伦贝尔", "巴彦淖尔", "乌兰察布"]),
    _u("辽宁省", "辽宁", "21", "province", "沈阳市", ["沈"],
       ["大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛"]),
    _u("吉林省", "吉林", "22", "province", "长春市", ["长", "春"],
       ["吉林", "四平", "辽源", "通化", "白山", "松原", "白城", "延吉"]),
    _u("黑龙江省", "黑龙江", "23", "province", "哈尔滨市", ["哈", "冰城"],
       ["齐齐哈尔", "鸡西", "鹤岗", "双鸭山", "大庆", "伊春", "佳木斯", "七台河", "牡丹江", "黑河", "绥化"]),
    _u("上海市", "上海", "31", "municipality", "上海市", ["沪"]),
    _u("江苏省", "江苏", "32", "province", "南京市", ["宁"],
       ["无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"]),
    _u("浙江省", "浙江", "33", "province", "杭州市", ["杭", "杭城"],
       ["宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"]),
    _u("安徽省", "安徽", "34", "province", "合肥市", ["肥", "庐"],
       ["芜湖", "蚌埠", "淮南", "马鞍山", "淮北", "铜陵", "安庆", "黄山", "滁州", "阜阳", "宿州", "六安", "亳州", "池州", "宣城"]),
    _u("福建省", "福建", "35", "province", "福州市", ["榕", "榕城"],
       ["厦门", "莆田", "三明", "泉州", "漳州", "南平", "龙岩", "宁德", "古田"]),
    _u("江西省", "江西", "36", "province", "南昌市", ["昌", "洪"],
       ["景德镇", "萍乡", "九江", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州", "上饶", "井冈山", "瑞金"]),
    _u("山东省", "山东", "37", "province", "济南市", ["济", "泉城"],
       ["青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照", "临沂", "德州", "聊城", "滨州", "菏泽"]),
    _u("河南省", "河南", "41", "province", "郑州市", ["郑", "绿城"],
       ["开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河", "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "兰考"]),
    _u("湖北省", "湖北", "42", "province", "武汉市", ["汉", "江城"],
       ["黄石", "十堰", "宜昌", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁", "随州", "恩施"]),
    _u("湖南省", "湖南", "43", "province", "长沙市", ["长", "星城"],
       ["株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化", "娄底", "韶山"]),
    _u("广东省", "广东", "44", "province", "广州市", ["穗", "羊城", "花城"],
       ["韶关", "深圳", "珠海", "汕头", "佛山", "江门", "湛江", "茂名", "肇庆", "惠州", "梅州", "汕尾", "河源", "阳江", "清远", "东莞", "中山", "潮州", "揭阳", "云浮"]),
    _u("广西壮族自治区", "广西", "45", "region", "南宁市", ["邕", "邕城", "绿城"],
       ["柳州", "桂林", "梧州", "北海", "防城港", "钦州", "贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左"]),
    _u("海南省", "海南", "46", "province", "海口市", ["椰城"],
       ["三亚", "三沙", "儋州", "琼海"]),
    _u("重庆市", "重庆", "50", "municipality", "重庆市", ["渝"]),
    _u("四川省", "四川", "51", "province", "成都市", ["蓉", "蓉城"],
       ["自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充", "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳", "西昌"]),
    _u("贵州省", "贵州", "52", "province", "贵阳市", ["筑", "筑城"],
       ["六盘水", "遵义", "安顺", "毕节", "铜仁", "凯里", "都匀", "兴义"]),
    _u("云南省", "云南", "53", "province", "昆明市", ["昆", "春城"],
       ["曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧", "大理", "蒙自", "景洪"]),
    _u("西藏自治区", "西藏", "54", "region", "拉萨市", ["拉"],
       ["日喀则", "昌都", "林芝", "山南", "那曲", "阿里"]),
    _u("陕西省", "陕西", "61", "province", "西安市", ["陕", "长安"],
       ["铜川", "宝鸡", "咸阳", "渭南", "延安", "汉中", "榆林", "安康", "商洛", "杨凌"]),
    _u("甘肃省", "甘肃", "62", "province", "兰州市", ["兰", "金城"],
       ["嘉峪关", "金昌", "白银", "天水", "武威", "张掖", "平凉", "酒泉", "庆阳", "定西", "陇南", "临夏", "合作"]),
    _u("青海省", "青海", "63", "province", "西宁市", ["宁", "夏都"],
       ["海东", "格尔木", "德令哈", "玉树"]),
    _u("宁夏回族自治区", "宁夏", "64", "region", "银川市", ["银"],
       ["石嘴山", "吴忠", "固原", "中卫"]),
    _u("新疆维吾尔自治区", "新疆", "65", "region", "乌鲁木齐市", ["乌", "乌市"],
       ["克拉玛依", "吐鲁番", "哈密", "昌吉", "伊宁", "库尔勒", "阿克苏", "喀什", "和田", "石河子"]),
)

BY_NAME: dict[str, Unit] = {u.name: u for u in UNITS}
PROVINCE_NAMES: frozenset[str] = frozenset(BY_NAME)
PROVINCE_CODES: dict[str, str] = {u.name: u.code for u in UNITS}

# Every way a unit is named in running text, longest first so that 内蒙古自治区
# wins over 内蒙古 and 黑龙江省 over 黑龙江.
_FORMS: dict[str, Unit] = {}
for _unit in UNITS:
    for _form in (_unit.name, _unit.short, *_unit.aliases):
        _FORMS[_form] = _unit
    if _unit.kind == "region":
        _FORMS[_unit.short + "自治区"] = _unit
_FORMS_RE = re.compile("|".join(sorted(map(re.escape, _FORMS), key=len, reverse=True)))


def find_units(text: str) -> list[tuple[Unit, int, int]]:
    """All mentions of a province-level unit in ``text`` as (unit, start, end)."""
    return [(_FORMS[m.group()], m.start(), m.end()) for m in _FORMS_RE.finditer(text)]


def unit_named(form: str) -> Unit | None:
    """The unit whose name is exactly ``form`` (江苏省, 江苏, 广西壮族自治区, 广西自治区…); a dict look-up."""
    return _FORMS.get(form)


def resolve_venue(place: str, unit: Unit | None) -> str | None:
    """Full city name for a venue written as in ``在宁召开`` / ``在太原召开``.

    ``place`` is the text between 在 and the verb. Abbreviations are resolved
    only in the context of ``unit`` (the report's province). Returns None for
    places that are not a recognisable city (a building, a county we do not know).
    """
    place = place.strip()
    if not place:
        return None
    if unit is not None:
        if place in unit.city_abbrevs:
            return unit.city_abbrevs[place]
        if unit.kind == "municipality" and place in (unit.short, unit.name, *unit.capital_abbrevs):
            return unit.name
        capital_short = unit.capital.removesuffix("市")
        if place in (capital_short, unit.capital, "省会", "首府", *unit.capital_abbrevs):
            return unit.capital
        if place in unit.cities:
            return place + "市"
    if place.endswith("市") and len(place) >= 3:  # 在太原市召开; not 乌市, handled above
        return place
    # Without (or beyond) the unit's context only unambiguous forms: a municipality
    # (在京, 在沪) or a city's own name (在南京, 在延安); never a capital's one-character
    # abbreviation, which differs by province (宁 is 南京 or 西宁).
    city = _NATIONAL_VENUES.get(place)
    if city:
        return city
    # A building in a named city: 在武汉洪山礼堂召开, 在北京人民大会堂举行, 在南京市人民大会堂召开
    # (a city name of two or more characters; not 吉林省…, 朝阳区…, whose rest is not a place in it).
    if unit is not None:
        city = _city_prefix(place, _unit_city_forms(unit))
        if city:
            return city
    return _city_prefix(place, _NATIONAL_PREFIXES)


def _city_prefix(place: str, forms: tuple[tuple[str, str], ...]) -> str | None:
    for form, city in forms:
        if place.startswith(form) and len(place) > len(form):
            rest = place[len(form):]
            if rest[0] == "市":
                rest = rest[1:]
            if rest and rest[0] in _NOT_IN_CITY:
                continue
            return city
    return None


_NOT_IN_CITY = "省区县州盟旗路街镇乡村"
_UNIT_CITY_FORMS: dict[str, tuple[tuple[str, str], ...]] = {}


def _unit_city_forms(unit: Unit) -> tuple[tuple[str, str], ...]:
    forms = _UNIT_CITY_FORMS.get(unit.name)
    if forms is None:
        pairs = {unit.capital.removesuffix("市"): unit.capital, **{c: c + "市" for c in unit.cities}}
        forms = tuple(sorted(((f, c) for f, c in pairs.items() if len(f) >= 2), key=lambda fc: -len(fc[0])))
        _UNIT_CITY_FORMS[unit.name] = forms
    return forms


def _national_venues() -> dict[str, str]:
    names: dict[str, set[str]] = {}
    for u in UNITS:
        forms = {u.capital.removesuffix("市"): u.capital, **{c: c + "市" for c in u.cities}}
        if u.kind == "municipality":
            forms.update({f: u.name for f in (u.short, u.name, *u.capital_abbrevs)})
        for form, city in forms.items():
            names.setdefault(form, set()).add(city)
    return {form: next(iter(cities)) for form, cities in names.items() if len(cities) == 1}


_NATIONAL_VENUES: dict[str, str] = _national_venues()
_NATIONAL_PREFIXES: tuple[tuple[str, str], ...] = tuple(sorted(
    ((f, c) for f, c in _NATIONAL_VENUES.items() if len(f) >= 2), key=lambda fc: -len(fc[0])))


ROLE_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    # role -> unit kind -> titles that denote it (longest first when used in a regex)
    "party_secretary": {
        "province": ("省委书记",),
        "municipality": ("市委书记",),
        "region": ("自治区党委书记", "区党委书记", "党委书记"),
    },
    "governor": {
        "province": ("代省长", "省长"),
        "municipality": ("代市长", "市长"),
        "region": ("自治区人民政府代主席", "自治区人民政府主席", "自治区代主席", "自治区主席",
                   "自治区政府主席", "区政府主席", "政府主席"),
    },
    "cppcc_chair": {
        "province": ("省政协党组书记、主席", "省政协主席"),
        "municipality": ("市政协党组书记、主席", "市政协主席"),
        "region": ("自治区政协党组书记、主席", "区政协党组书记、主席", "自治区政协主席", "区政协主席", "政协主席"),
    },
}
