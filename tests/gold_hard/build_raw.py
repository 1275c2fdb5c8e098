"""Write the HARD blind corpus (tests/gold_hard/raw) and its hand-annotated gold file.

Written BLIND: the author read only DOMAIN.md, issue 3, the five real samples and the field
conventions of docs/data_dictionary.md, never tasks/extract.py, tasks/regions.py or the values of
tests/gold/. Every expected value below was set by hand from the report text, not from program
output. Run from the repository root: ``python tests/gold_hard/build_raw.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"
SPAN = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> \u3000\u3000{}</span></div><div>&nbsp;</div>"
EMPTY = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> </span></div><div>&nbsp;</div>"
PIC = ("----------------------------------------\u0020\n"
       "-------------------这里有图片------------\u0020\n"
       "----------------------------------------\u0020\n")

BUYI = "不忘初心、牢记使命"
XI = "学习贯彻习近平新时代中国特色社会主义思想"

DOCS: list[dict] = []


def doc(no, title, paras, gold, *, top_pic=False, mid_pic_after=None, nested=False, crlf=False,
        encoding="utf-8"):
    DOCS.append(dict(no=no, title=title, paras=paras, gold=gold, top_pic=top_pic,
                     mid_pic_after=mid_pic_after, nested=nested, crlf=crlf, encoding=encoding))


def g(kind="provincial_meeting", organisation=None, province=None, code=None, date=None, inferred=None,
      tod=None, venue=None, fmt=None, group=None, circuit=None, ps=(), gov=(), cppcc=(), leader=(),
      deputy=(), host=(), speeches=()):
    return {
        "kind": kind, "organisation": organisation, "province": province, "province_code": code,
        "meeting_date": date, "date_inferred": inferred, "time_of_day": tod, "venue_city": venue,
        "meeting_format": fmt, "guidance_group_no": group, "circuit_group_no": circuit,
        "people": {"party_secretary": sorted(ps), "governor": sorted(gov), "cppcc_chair": sorted(cppcc),
                   "group_leader": sorted(leader), "group_deputy": sorted(deputy), "host": sorted(host)},
        "speeches": [list(s) for s in speeches],
    }


# ---------------------------------------------------------------- HARD round
doc(601, f"广东省委召开“{BUYI}”主题教育工作会议", [
    f"中共广东省委近日在广州召开“{BUYI}”主题教育工作会议，深入学习贯彻习近平总书记重要讲话精神，对全省开展主题教育进行动员部署。中共中央政治局委员、广东省委书记、省委主题教育领导小组组长李希出席会议并讲话。",
    "中央第十指导组组长刘玉亭，副组长张国华、陈晓东到会指导。省委副书记、省长马兴瑞，省人大常委会主任李玉妹，省政协主席王荣出席。会议由省委副书记、省委主题教育领导小组常务副组长任学锋主持。",
    "李希指出，开展“不忘初心、牢记使命”主题教育，是以习近平同志为核心的党中央作出的重大部署。全省各级党组织要提高政治站位，把思想和行动统一到党中央决策部署上来。",
    "李希强调，要把学习教育、调查研究、检视问题、整改落实贯穿全过程，推动主题教育在南粤大地落地见效。",
    "刘玉亭在讲话中指出，中央指导组将紧紧依靠广东省委开展工作，把指导工作寓于帮助服务之中。",
], g(province="广东省", code="44", venue="广州市", group=10,
     ps=["李希"], gov=["马兴瑞"], cppcc=["王荣"], leader=["刘玉亭"], deputy=["张国华", "陈晓东"], host=["任学锋"],
     speeches=[(3, "李希", "指出"), (4, "李希", "强调"), (5, "刘玉亭", "指出")]))

doc(602, f"四川省召开全省{XI}主题教育动员部署会议", [
    f"4月11日上午，中共四川省委召开全省{XI}主题教育动员部署会议，深入学习贯彻习近平总书记重要讲话精神，对全省主题教育进行动员部署。省委书记、省委主题教育领导小组组长王晓晖出席会议并讲话。中央第二十二指导组有关同志出席。",
    "省委副书记、省长黄强主持会议，省政协主席田向利出席。",
    "王晓晖指出，要深刻领会开展主题教育的重大意义，牢牢把握“学思想、强党性、重实践、建新功”的总要求。",
    "他强调，要坚持以学铸魂、以学增智、以学正风、以学促干，推动主题教育高标准高质量开展。",
    "会议以视频会议形式召开，各市（州）、县（市、区）设分会场。",
], g(province="四川省", code="51", date="2023-04-11", inferred=True, tod="上午", fmt="视频会议", group=22,
     ps=["王晓晖"], gov=["黄强"], cppcc=["田向利"], host=["黄强"],
     speeches=[(3, "王晓晖", "指出"), (4, "王晓晖", "强调")]))

doc(603, f"湖南省{XI}主题教育工作会议暨全省党建工作推进会召开", [
    f"湖南省{XI}主题教育工作会议暨全省党建工作推进会4月12日在长沙召开。省委书记、省委主题教育领导小组组长沈晓明作动员讲话，省委副书记、省长毛伟明作具体部署。",
    "中央第十二指导组组长刘满仓，副组长朱建中到会指导，刘满仓讲话。会议由省委副书记王一鸥主持，省政协主席毛万春出席。",
    "沈晓明指出，要把主题教育作为当前首要政治任务，坚持学思用贯通、知信行统一。",
    "毛伟明要求，各级各部门要对照目标任务，细化工作安排，确保主题教育各项任务落到实处。",
    "刘满仓表示，中央指导组将按照党中央部署，紧紧依靠湖南省委开展工作。",
], g(province="湖南省", code="43", date="2023-04-12", inferred=True, venue="长沙市", group=12,
     ps=["沈晓明"], gov=["毛伟明"], cppcc=["毛万春"], leader=["刘满仓"], deputy=["朱建中"], host=["王一鸥"],
     speeches=[(3, "沈晓明", "指出"), (4, "毛伟明", "要求"), (5, "刘满仓", "表示")]))

doc(604, f"内蒙古自治区“{BUYI}”主题教育工作会议召开", [
    f"6月5日，内蒙古自治区“{BUYI}”主题教育工作会议在呼和浩特召开。自治区党委书记、自治区人大常委会主任、自治区党委主题教育领导小组组长石泰峰出席会议并讲话。",
    "中央第二十四指导组组长刘晓凯讲话，副组长任民出席。自治区党委副书记、自治区主席布小林主持会议，自治区政协主席李秀领出席。",
    "石泰峰强调，全区各级党组织要认真贯彻落实党中央部署要求，推动主题教育取得实效。",
    "刘晓凯指出，中央指导组将认真履行职责，紧紧依靠自治区党委开展工作。",
], g(province="内蒙古自治区", code="15", date="2019-06-05", inferred=True, venue="呼和浩特市", group=24,
     ps=["石泰峰"], gov=["布小林"], cppcc=["李秀领"], leader=["刘晓凯"], deputy=["任民"], host=["布小林"],
     speeches=[(3, "石泰峰", "强调"), (4, "刘晓凯", "指出")]))

doc(605, f"重庆市“{BUYI}”主题教育工作会议召开", [
    f"6月4日，重庆市“{BUYI}”主题教育工作会议召开。市委书记陈敏尔出席会议并讲话，市长唐良智主持会议。",
    "中央第五指导组组长马宁、副组长王海出席会议，马宁讲话。市政协主席王炯出席。",
    "陈敏尔指出，全市各级党组织要以高度的政治自觉抓好主题教育。",
    "马宁强调，要坚持高标准、严要求，推动主题教育扎实开展。",
    "会议以电视电话会议形式召开，各区县设分会场。",
], g(province="重庆市", code="50", date="2019-06-04", inferred=True, fmt="电视电话会议", group=5,
     ps=["陈敏尔"], gov=["唐良智"], cppcc=["王炯"], leader=["马宁"], deputy=["王海"], host=["唐良智"],
     speeches=[(3, "陈敏尔", "指出"), (4, "马宁", "强调")]))

doc(606, f"新疆维吾尔自治区“{BUYI}”主题教育工作会议召开", [
    f"6月5日上午，新疆维吾尔自治区“{BUYI}”主题教育工作会议在乌鲁木齐召开。自治区党委书记陈全国出席会议并讲话。",
    "中央第十四指导组组长艾力更·依明巴海，副组长李宁出席会议。自治区党委副书记、自治区主席雪克来提·扎克尔主持会议，自治区政协主席努尔兰·阿不都满金出席。",
    "陈全国要求，各级党组织要把开展主题教育同做好稳定工作结合起来。",
    "艾力更·依明巴海指出，中央指导组将认真履行职责，推动主题教育取得实效。",
], g(province="新疆维吾尔自治区", code="65", date="2019-06-05", inferred=True, tod="上午", venue="乌鲁木齐市", group=14,
     ps=["陈全国"], gov=["雪克来提·扎克尔"], cppcc=["努尔兰·阿不都满金"], leader=["艾力更·依明巴海"], deputy=["李宁"],
     host=["雪克来提·扎克尔"],
     speeches=[(3, "陈全国", "要求"), (4, "艾力更·依明巴海", "指出")]))

doc(607, f"河北省第二批“{BUYI}”主题教育工作会议召开", [
    f"9月10日，河北省第二批“{BUYI}”主题教育工作会议在石家庄召开。省委书记王东峰出席会议并讲话。中央第三巡回指导组组长孙晓群，副组长赵刚出席会议并讲话。",
    "省委副书记、代省长许勤主持会议，省政协主席叶冬松出席。",
    "王东峰强调，要认真落实第二批主题教育各项部署，确保主题教育善始善终、善做善成。",
    "孙晓群在讲话中指出，中央巡回指导组将按照党中央部署，加强督促指导。",
    "会议以视频会议形式召开。",
], g(province="河北省", code="13", date="2019-09-10", inferred=True, venue="石家庄市", fmt="视频会议", circuit=3,
     ps=["王东峰"], gov=["许勤"], cppcc=["叶冬松"], leader=["孙晓群"], deputy=["赵刚"], host=["许勤"],
     speeches=[(3, "王东峰", "强调"), (4, "孙晓群", "指出")]))

doc(608, f"江西省“{BUYI}”主题教育工作会议召开", [
    f"6月5日，江西省“{BUYI}”主题教育工作会议在省人民会堂召开。省委书记、省委主题教育领导小组组长刘奇作动员讲话，省委副书记、省长易炼红作具体部署。",
    "中央第十一指导组组长徐福顺讲话，副组长林涛出席。会议由省委副书记姚增科主持，省政协主席姚亚平出席。",
    "刘奇指出，要深刻认识开展主题教育的重大意义，切实增强责任感使命感。",
    "易炼红要求，各地各部门要迅速行动，抓好主题教育各项工作落实。",
    "徐福顺强调，中央指导组将紧紧依靠江西省委开展工作。",
], g(province="江西省", code="36", date="2019-06-05", inferred=True, group=11,
     ps=["刘奇"], gov=["易炼红"], cppcc=["姚亚平"], leader=["徐福顺"], deputy=["林涛"], host=["姚增科"],
     speeches=[(3, "刘奇", "指出"), (4, "易炼红", "要求"), (5, "徐福顺", "强调")]))

doc(609, f"陕西省“{BUYI}”主题教育工作会议召开", [
    f"6月4日下午，陕西省“{BUYI}”主题教育工作会议在西安召开。省委书记胡和平出席会议并作动员讲话。中央第十九指导组组长李长宝出席会议并讲话。",
    "省委副书记、省长刘国中，省人大常委会主任刘小燕，省政协主席韩勇出席。省委副书记贺荣主持会议并作总结讲话。",
    "胡和平指出，全省各级党组织要把开展主题教育作为重大政治任务抓紧抓好。",
    "李长宝强调，要坚持把学习教育、调查研究、检视问题、整改落实贯穿全过程。",
    "贺荣要求，各级各部门要认真传达学习会议精神，抓好贯彻落实。",
    "会议以电视电话会议形式召开。",
], g(province="陕西省", code="61", date="2019-06-04", inferred=True, tod="下午", venue="西安市", fmt="电视电话会议", group=19,
     ps=["胡和平"], gov=["刘国中"], cppcc=["韩勇"], leader=["李长宝"], host=["贺荣"],
     speeches=[(3, "胡和平", "指出"), (4, "李长宝", "强调"), (5, "贺荣", "要求")]))

doc(610, f"云南省第二批“{BUYI}”主题教育工作会议召开", [
    f"9月9日，云南省第二批“{BUYI}”主题教育工作会议在昆明召开。中共中央委员、云南省委书记陈豪出席会议并讲话。中央第十一巡回指导组组长王建华出席会议并讲话。",
    "省委副书记、省长阮成发主持会议，省政协主席李江出席。",
    "陈豪指出，要坚持高标准、严要求，推动第二批主题教育取得实实在在成效。",
    "王建华表示，中央第十一巡回指导组将紧紧依靠云南省委开展工作。",
], g(province="云南省", code="53", date="2019-09-09", inferred=True, venue="昆明市", circuit=11,
     ps=["陈豪"], gov=["阮成发"], cppcc=["李江"], leader=["王建华"], host=["阮成发"],
     speeches=[(3, "陈豪", "指出"), (4, "王建华", "表示")]))

doc(611, f"清华大学召开{XI}主题教育动员部署会", [
    f"4月7日，清华大学召开{XI}主题教育动员部署会。校党委书记、学校主题教育领导小组组长邱勇作动员讲话。中央第三十一指导组组长王登峰出席会议并讲话。校长王希勤主持会议。",
    "邱勇指出，要深刻把握主题教育的目标任务，推动学校各项事业高质量发展。",
    "王登峰强调，中央指导组将认真履行职责，推动主题教育取得实效。",
], g(kind="other", organisation="清华大学", date="2023-04-07", inferred=True, group=31,
     leader=["王登峰"], host=["王希勤"],
     speeches=[(2, "邱勇", "指出"), (3, "王登峰", "强调")]))

doc(612, f"生态环境部召开“{BUYI}”主题教育工作会议", [
    f"6月4日，中共生态环境部党组召开“{BUYI}”主题教育工作会议，对部机关和直属单位开展主题教育进行动员部署。部党组书记、部长李干杰作动员讲话。中央第二十八指导组组长王宁、副组长周炜出席会议，王宁讲话。部党组成员、副部长翟青主持会议。",
    "李干杰强调，要把开展主题教育同推进污染防治攻坚战结合起来。",
    "王宁指出，中央指导组将紧紧依靠生态环境部党组开展工作。",
], g(kind="other", organisation="生态环境部", date="2019-06-04", inferred=True, group=28,
     leader=["王宁"], deputy=["周炜"], host=["翟青"],
     speeches=[(2, "李干杰", "强调"), (3, "王宁", "指出")]))

# ---------------------------------------------------------------- HARD round, second tranche (still blind)
doc(613, f"宁夏回族自治区“{BUYI}”主题教育工作会议召开", [
    f"（记者 马　丽）6月4日晚，宁夏回族自治区“{BUYI}”主题教育工作会议在银川召开。自治区党委书记、自治区人大常委会主任石泰峰出席会议并讲话。",
    "中央第二十五指导组组长王　宁，副组长李　强、马学军到会指导。自治区党委副书记、自治区政府主席咸辉主持会议，自治区政协主席崔　波出席。",
    "石泰峰指出，全区各级党组织要把主题教育作为重大政治任务抓紧抓实。",
    "王宁在讲话中强调，中央指导组将认真履行职责，推动主题教育取得实效。",
    "咸辉在主持会议时要求，各级各部门要认真抓好会议精神的贯彻落实。",
], g(province="宁夏回族自治区", code="64", date="2019-06-04", inferred=True, tod="晚上", venue="银川市", group=25,
     ps=["石泰峰"], gov=["咸辉"], cppcc=["崔波"], leader=["王宁"], deputy=["李强", "马学军"], host=["咸辉"],
     speeches=[(3, "石泰峰", "指出"), (4, "王宁", "强调"), (5, "咸辉", "要求")]))

doc(614, f"中共甘肃省委召开{XI}主题教育工作会议", [
    f"4月10日下午，中共甘肃省委召开{XI}主题教育工作会议。中共甘肃省委书记、省人大常委会主任、省委主题教育领导小组组长胡昌升出席会议并作动员讲话。",
    "中央第十七指导组组长张　平，副组长孙　伟出席会议并讲话。省委副书记、代省长任振鹤主持会议并作总结讲话。省政协主席庄国泰出席。",
    "胡昌升指出，要深刻领会开展主题教育的重大意义，把握总要求，落实根本任务。",
    "他强调，要坚持学思用贯通、知信行统一，推动主题教育走深走实。",
    "任振鹤在总结讲话中要求，各级各部门要迅速传达学习会议精神。",
    "会议以视频会议形式召开，各市州设分会场。",
], g(province="甘肃省", code="62", date="2023-04-10", inferred=True, tod="下午", fmt="视频会议", group=17,
     ps=["胡昌升"], gov=["任振鹤"], cppcc=["庄国泰"], leader=["张平"], deputy=["孙伟"], host=["任振鹤"],
     speeches=[(3, "胡昌升", "指出"), (4, "胡昌升", "强调"), (5, "任振鹤", "要求")]))

doc(615, f"北京市召开第二批{XI}主题教育工作会议", [
    f"9月6日上午，北京市召开第二批{XI}主题教育工作会议。市委书记尹力出席会议并讲话。中央第一巡回督导组组长郭　明、副组长赵志国到会指导。市委副书记、市长殷勇主持会议，市政协主席魏小东出席。",
    "尹力强调，要把第二批主题教育同第一批有机衔接起来，推动主题教育向基层延伸。",
    "郭明指出，中央巡回督导组将严格按照党中央部署开展督导工作。",
], g(province="北京市", code="11", date="2023-09-06", inferred=True, tod="上午", circuit=1,
     ps=["尹力"], gov=["殷勇"], cppcc=["魏小东"], leader=["郭明"], deputy=["赵志国"], host=["殷勇"],
     speeches=[(2, "尹力", "强调"), (3, "郭明", "指出")]))

doc(616, f"西藏自治区“{BUYI}”主题教育工作会议召开", [
    f"2019年6月6日，西藏自治区“{BUYI}”主题教育工作会议在拉萨召开。自治区党委书记吴英杰出席会议并讲话。中央第二十三指导组副组长次仁多吉出席会议。",
    "自治区党委副书记、自治区人民政府主席齐扎拉主持会议，自治区政协主席白玛赤林出席。",
    "吴英杰要求，全区各级党组织要把开展主题教育同维护稳定、促进发展结合起来。",
    "齐扎拉表示，要迅速把思想和行动统一到会议精神上来。",
], g(province="西藏自治区", code="54", date="2019-06-06", inferred=False, venue="拉萨市", group=23,
     ps=["吴英杰"], gov=["齐扎拉"], cppcc=["白玛赤林"], deputy=["次仁多吉"], host=["齐扎拉"],
     speeches=[(3, "吴英杰", "要求"), (4, "齐扎拉", "表示")]))

doc(617, f"中共福建省委召开“{BUYI}”主题教育工作会议", [
    "5月31日，党中央召开“不忘初心、牢记使命”主题教育工作会议。",
    f"6月3日，中共福建省委召开“{BUYI}”主题教育工作会议，传达学习习近平总书记重要讲话精神。省委书记于伟国主持会议并讲话。中央第九指导组组长王　炯和副组长刘海星出席。",
    "省委副书记、省长唐登杰，省人大常委会主任李　悦，省政协主席崔玉英出席。",
    "于伟国强调，要以永远在路上的执着把主题教育引向深入。",
    "会议以电视电话会议形式召开。",
], g(province="福建省", code="35", date="2019-06-03", inferred=True, fmt="电视电话会议", group=9,
     ps=["于伟国"], gov=["唐登杰"], cppcc=["崔玉英"], leader=["王炯"], deputy=["刘海星"], host=["于伟国"],
     speeches=[(4, "于伟国", "强调")]))

doc(618, f"国务院国资委召开{XI}主题教育工作会议", [
    f"4月6日，国务院国资委党委在京召开{XI}主题教育工作会议。委党委书记、主任张玉卓作动员讲话。中央第三十四指导组组长刘　伟出席会议并讲话。委党委副书记翁杰明主持会议。",
    "张玉卓指出，要坚持把学习贯彻习近平新时代中国特色社会主义思想作为主线。",
    "刘伟强调，中央指导组将紧紧依靠国资委党委开展工作。",
], g(kind="other", organisation="国务院国资委", date="2023-04-06", inferred=True, venue="北京市", group=34,
     leader=["刘伟"], host=["翁杰明"],
     speeches=[(2, "张玉卓", "指出"), (3, "刘伟", "强调")]))


# ---------------------------------------------------------------- HARD round, third tranche (still blind)
doc(619, f"四川省“{BUYI}”主题教育动员部署会议召开", [
    f"本报讯（记者 张　燕 李　华）6月5日上午，中共四川省委召开全省“{BUYI}”主题教育动员部署会议。省委书记、省人大常委会主任、省委主题教育领导小组组长彭清华作动员讲话。",
    "中央第二十指导组组长刘　伟，副组长王春林、李　霞到会指导并讲话。会议由省委副书记、省长尹力主持，省政协主席柯尊平出席。",
    "省委书记彭清华强调，要深刻把握主题教育的目标任务，推动治蜀兴川再上新台阶。",
    "刘伟指出，中央指导组将紧紧依靠四川省委开展工作。",
    "会议采取电视电话会议形式，开到县（市、区）。",
], g(province="四川省", code="51", date="2019-06-05", inferred=True, tod="上午", fmt="电视电话会议", group=20,
     ps=["彭清华"], gov=["尹力"], cppcc=["柯尊平"], leader=["刘伟"], deputy=["王春林", "李霞"], host=["尹力"],
     speeches=[(3, "彭清华", "强调"), (4, "刘伟", "指出")]), encoding="gb18030", crlf=True)

doc(620, f"海南省“{BUYI}”主题教育工作会议在海口召开", [
    f"6月6日，海南省“{BUYI}”主题教育工作会议在海口召开。省委书记、省人大常委会主任刘赐贵出席会议并讲话。",
    "这是会议现场。（记者 王　凯 摄）",
    "中央第二十七指导组组长、国家民委原副主任李　昌出席会议并讲话，副组长何建国出席。省委副书记、省长沈晓明主持会议，省政协主席毛万春出席。",
    "刘赐贵指出，要以主题教育为强大动力，推动海南自由贸易港建设。",
    "李昌强调，中央指导组将认真学习贯彻习近平总书记重要讲话精神。",
    "会议以视频会议形式召开，各市县设分会场。",
], g(province="海南省", code="46", date="2019-06-06", inferred=True, venue="海口市", fmt="视频会议", group=27,
     ps=["刘赐贵"], gov=["沈晓明"], cppcc=["毛万春"], leader=["李昌"], deputy=["何建国"], host=["沈晓明"],
     speeches=[(4, "刘赐贵", "指出"), (5, "李昌", "强调")]), nested=True, mid_pic_after=1)

doc(621, f"辽宁省第二批“{BUYI}”主题教育工作会议召开", [
    f"9月10日，辽宁省第二批“{BUYI}”主题教育工作会议在沈阳召开。省委书记、省人大常委会主任陈求发出席会议并讲话。",
    "中央第八巡回指导组组长王　君、副组长田学仁出席会议并讲话。省委副书记、省长唐一军主持会议。省政协主席夏德仁出席。",
    "会议指出，要把第二批主题教育同第一批衔接起来，确保主题教育不虎头蛇尾。",
    "陈求发强调，要突出问题导向，聚焦群众反映强烈的突出问题抓好整改。",
    "王君在讲话中指出，中央第八巡回指导组将认真履行职责。",
], g(province="辽宁省", code="21", date="2019-09-10", inferred=True, venue="沈阳市", circuit=8,
     ps=["陈求发"], gov=["唐一军"], cppcc=["夏德仁"], leader=["王君"], deputy=["田学仁"], host=["唐一军"],
     speeches=[(4, "陈求发", "强调"), (5, "王君", "指出")]))

doc(622, f"山东省{XI}主题教育工作会议召开", [
    f"4月10日，山东省{XI}主题教育工作会议在省会议中心召开。省委书记、省委主题教育领导小组组长林武出席会议并讲话。",
    "中央第七指导组组长杨　军，副组长周　平出席会议，杨军讲话。省委副书记、省长周乃翔，省人大常委会主任杨东奇，省政协主席葛慧君出席，省委副书记陆治原主持会议。",
    "林武指出，要坚持用习近平新时代中国特色社会主义思想凝心铸魂。",
    "杨军表示，中央指导组将紧紧依靠山东省委开展工作。",
], g(province="山东省", code="37", date="2023-04-10", inferred=True, group=7,
     ps=["林武"], gov=["周乃翔"], cppcc=["葛慧君"], leader=["杨军"], deputy=["周平"], host=["陆治原"],
     speeches=[(3, "林武", "指出"), (4, "杨军", "表示")]))

doc(623, f"天津市召开“{BUYI}”主题教育工作会议", [
    f"6月4日下午，天津市“{BUYI}”主题教育工作会议在津召开。市委书记李鸿忠出席会议并讲话。中央第四指导组组长徐令义，副组长赵　路、孙　明到会指导。",
    "市委副书记、市长张国清主持会议，市政协主席盛茂林出席。",
    "李鸿忠指出，全市各级党组织要坚决贯彻落实党中央部署要求。",
    "徐令义强调，要在学懂弄通做实上下功夫。",
    "张国清要求，各区各部门要迅速传达会议精神。",
], g(province="天津市", code="12", date="2019-06-04", inferred=True, tod="下午", venue="天津市", group=4,
     ps=["李鸿忠"], gov=["张国清"], cppcc=["盛茂林"], leader=["徐令义"], deputy=["孙明", "赵路"], host=["张国清"],
     speeches=[(3, "李鸿忠", "指出"), (4, "徐令义", "强调"), (5, "张国清", "要求")]))

doc(624, f"中国人民大学召开“{BUYI}”主题教育动员部署会", [
    f"6月5日，中共中国人民大学委员会召开“{BUYI}”主题教育动员部署会。校党委书记靳诺作动员讲话。中央第三十二指导组组长、副组长到会指导。校长刘伟主持会议。",
    "靳诺指出，要把主题教育同“双一流”建设结合起来。",
    "刘伟要求，全校各单位要认真抓好落实。",
], g(kind="other", organisation="中国人民大学", date="2019-06-05", inferred=True, group=32, host=["刘伟"],
     speeches=[(2, "靳诺", "指出"), (3, "刘伟", "要求")]))


def render(d: dict) -> tuple[str, str]:
    """(relative path without .txt, file text)."""
    name = f"{d['no']}{d['title']}"
    spans = [SPAN.format(p) for p in d["paras"]]
    if d["top_pic"]:
        spans.insert(0, EMPTY)
    head = f"{name}.txt\n" + (PIC if d["top_pic"] else "")
    if d["mid_pic_after"]:
        k = d["mid_pic_after"]
        body = "".join(spans[:k]) + PIC + "".join(spans[k:])
    else:
        body = "".join(spans)
    text = head + body + "\n"
    if d["crlf"]:
        text = text.replace("\n", "\r\n")
    rel = f"{name}/{name}" if d["nested"] else name
    return rel, text


def main() -> None:
    if RAW.exists():
        shutil.rmtree(RAW)
    RAW.mkdir(parents=True)
    gold = {"_about": "Hard blind corpus: written and annotated by hand from DOMAIN.md, issue 3 and the five "
                      "real samples only, before the extractor was run on it (tests/gold_hard/build_raw.py). "
                      "Same format as tests/gold/gold.json: null = the report does not say; people: role -> "
                      "sorted names; speeches: every [paragraph_no, speaker, verb] (paragraph 1 = first body "
                      "paragraph with text)."}
    for d in sorted(DOCS, key=lambda d: d["no"]):
        rel, text = render(d)
        path = RAW / f"{rel}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(d["encoding"]))
        if d["nested"]:
            pics = path.parent / "图片"
            pics.mkdir(exist_ok=True)
            (pics / "0.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a real picture \xff\xd9")
        gold[rel] = d["gold"]
    (HERE / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(DOCS)} reports written to {RAW}")


if __name__ == "__main__":
    main()
