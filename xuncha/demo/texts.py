"""The words of the demo: problems, measures, leads, opinions, reports, annotations.

Everything is invented, in the style of the five source articles (南岸, 贡井, 小店, 昆明, 枣庄): the
kinds of problem they name (三会一课不规范, 违规发放津补贴, 村级财务管理混乱, 惠企政策落实不到位,
未成年人入党 …), the annotations of "改卷子", the inquiry question of 昆明's 质询会. Placeholders in
braces are filled by the steps from ``random.Random(seed)``; a person named in a problem is written
as 王某某, as a report to the unit would; the full names live only in leads, which are encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of place a problem fits: unit kinds grouped, plus the themes of 专项/机动 rounds.
DEPT, TOWN, VILLAGE, FIRM, SCHOOL, HOSPITAL = "dept", "town", "village", "firm", "school", "hospital"
BUSINESS, FUNDS, ASSETS = "business", "funds", "assets"  # themes: 营商环境, 惠民惠农资金, 村级三资
ANY = (DEPT, TOWN, FIRM, SCHOOL, HOSPITAL)


@dataclass(frozen=True)
class ProblemText:
    key: str
    category: str  # code of the second-level category
    look: int  # number of the 十二看 item it answers
    title: str
    facts: str
    measure: str  # the first task; "{d}" is its deadline
    fits: tuple[str, ...]
    severity: str = "general"
    names_people: bool = False  # the plan must then carry accountability (追责问责)
    common: bool = False  # 共性问题: found across units, pushed for self-checks
    money: tuple[int, int] | None = None  # yuan, for {amt}
    funds_kind: str = ""  # recovered / returned, when money is to be recovered
    payer: str = ""
    institution: str = ""  # 建章立制 that answers it


PROBLEMS: tuple[ProblemText, ...] = (
    ProblemText(
        "first_topic", "0201", 1, "“第一议题”制度落实不到位，学习贯彻党的创新理论不深入",
        "{y}年党组(党委)会议共召开{n}次，其中{m}次未将学习习近平总书记重要讲话和重要指示批示精神"
        "作为第一议题；学习记录多为照抄原文，缺少结合本单位实际的研讨发言。",
        "{d}前制定“第一议题”学习计划，每次党组(党委)会议第一项议题学习习近平总书记重要讲话精神，"
        "全年开展专题研讨不少于4次", ANY, common=True, institution="“第一议题”学习制度"),
    ProblemText(
        "three_meetings", "0203", 6, "“三会一课”制度落实不规范",
        "抽查{y}年支部会议记录，支部委员会全年仅召开{n}次，党小组会记录缺失，{m}名党员全年参加"
        "组织生活不足3次；支部书记讲党课仅1次，组织生活会材料雷同，存在相互抄袭现象。",
        "{d}前补齐{y}年度组织生活台账，按月召开支部委员会，每季度召开党员大会并由书记讲党课1次",
        (*ANY, VILLAGE), common=True, institution="党支部组织生活记实管理办法"),
    ProblemText(
        "member_recruitment", "0203", 6, "发展党员程序不规范",
        "查阅{y1}年至{y}年发展党员档案{n}份，其中{m}份缺少入党积极分子培养考察记录，{k}份政治审查"
        "材料不完整，个别预备党员转正讨论未按期进行。",
        "{d}前对近3年发展党员档案逐份核查，补齐培养考察和政审材料，对程序违规的{k}名党员提请"
        "组织部门认定处理", (DEPT, TOWN, SCHOOL, HOSPITAL, VILLAGE)),
    ProblemText(
        "allowances", "0204", 4, "违规发放津补贴",
        "{y}年{mo1}月至{mo2}月，以“加班补助”“值班费”名义向班子成员和机关干部发放补贴{amt}元，"
        "未经集体研究，由时任分管财务的副职{who}审批。",
        "{d}前全额清退违规发放的津补贴{amt}元，对审批责任人{who}追责问责，修订《津补贴发放管理办法》",
        (DEPT, TOWN, FIRM, HOSPITAL), severity="serious", names_people=True, common=True,
        money=(18_000, 96_000), funds_kind="returned", payer="机关干部及班子成员",
        institution="津补贴发放管理办法"),
    ProblemText(
        "reception", "0204", 4, "公务接待管理不规范，存在超标准接待问题",
        "{y}年公务接待{n}批次中有{m}批次无公函、无接待清单，存在超标准接待和以会议费名义列支接待费用"
        "问题，涉及金额{amt}元。",
        "{d}前修订《公务接待管理办法》，对{m}批次无公函接待逐笔核查，超标准部分{amt}元由相关人员退缴",
        (DEPT, TOWN, FIRM), money=(6_000, 38_000), funds_kind="recovered", payer="相关经办人员",
        institution="公务接待管理办法"),
    ProblemText(
        "cars", "0204", 4, "公务用车使用管理不严格",
        "公务用车派车单填写不全，{y}年有{n}次出车无审批记录，存在公车私用嫌疑；加油卡与车辆未一一"
        "对应，全年油耗异常车辆{m}台。",
        "{d}前建立公务用车派车、加油、维修“一车一档”台账，安装北斗定位设备{m}台并每月通报用车情况",
        (DEPT, TOWN, FIRM, HOSPITAL), common=True, institution="公务用车管理规定"),
    ProblemText(
        "main_responsibility", "0301", 3, "落实全面从严治党主体责任不到位",
        "党组(党委){y}年专题研究党风廉政建设仅{k}次，主要负责人未按规定与班子成员开展廉政谈话，"
        "“一岗双责”责任清单照搬上级文件，未结合分管领域细化。",
        "{d}前修订全面从严治党主体责任清单和班子成员“一岗双责”清单，主要负责人与班子成员逐一开展"
        "廉政谈话并形成记录", ANY, common=True, institution="全面从严治党主体责任清单"),
    ProblemText(
        "collective_decision", "0206", 11, "“三重一大”事项未经集体决策",
        "{y}年有{n}笔5万元以上资金支出未经党组(党委)会议集体研究，合计{amt}元，由主要负责人个人"
        "审批签字。",
        "{d}前修订《“三重一大”事项集体决策实施办法》，对{n}笔未经集体研究的支出逐笔复核并向纪委监委"
        "报告", (DEPT, TOWN, FIRM, SCHOOL, HOSPITAL), severity="serious",
        money=(260_000, 1_800_000), institution="“三重一大”事项集体决策实施办法"),
    ProblemText(
        "ideology", "0103", 2, "意识形态工作责任制落实不到位",
        "{y}年党组(党委)未专题研究意识形态工作，单位微信公众号、宣传栏信息发布审核制度缺失，"
        "有{n}篇推文未经审核即发布。",
        "{d}前印发《意识形态工作责任制实施细则》，建立微信公众号信息发布“三审三校”制度，每半年专题"
        "研究意识形态工作1次", (DEPT, TOWN, SCHOOL, HOSPITAL),
        institution="意识形态工作责任制实施细则"),
    ProblemText(
        "last_round", "0305", 12, "上轮巡察和审计发现问题整改不彻底，存在“纸面整改”",
        "上轮巡察和{y}年审计指出的{n}个问题中，有{m}个仍未整改到位；整改台账中{k}项仅有文字说明、"
        "无佐证材料，同一份会议记录被用作{k}项问题的销号材料。",
        "{d}前对照上轮巡察和审计反馈问题清单逐项复查，对{m}个未整改到位的问题重新制定措施，补齐佐证"
        "材料后报巡察办核验", (*ANY, VILLAGE), common=True),
    ProblemText(
        "cadres", "0304", 7, "选人用人工作不规范",
        "{y}年调整中层干部{n}名，其中{m}名未经民主推荐即提交党组(党委)会议研究；干部档案中有{k}份"
        "“三龄两历一身份”认定材料缺失。",
        "{d}前对{n}名中层干部调整程序逐一复核，补齐{k}份干部档案认定材料，修订《中层干部选拔任用"
        "工作办法》", (DEPT, TOWN, FIRM, SCHOOL, HOSPITAL), institution="中层干部选拔任用工作办法"),
    ProblemText(
        "supervision", "0302", 3, "监督责任履行不到位，问题线索处置不及时",
        "纪检组织对本单位日常监督不够，{y}年仅开展监督检查{k}次，对群众反映的{m}件问题未及时核查"
        "处置，有的超过3个月未答复。",
        "{d}前对{m}件群众反映问题逐件登记核查并报送纪委监委，建立每季度1次的专项监督检查制度",
        (DEPT, TOWN, FIRM, HOSPITAL)),
    ProblemText(
        "gifts", "0205", 4, "违规收受管理服务对象礼品礼金",
        "{y}年春节期间，班子成员{who}收受管理服务对象所送购物卡{amt}元，未按规定上交登记。",
        "{d}前督促{who}上交购物卡{amt}元，由纪委监委对其诫勉谈话并追责问责，开展违规收受礼品礼金"
        "专项自查1次", (DEPT, TOWN, FIRM, HOSPITAL), severity="serious", names_people=True,
        money=(2_000, 8_000), funds_kind="recovered", payer="{who}"),
    ProblemText(
        "assets_control", "0206", 11, "内部控制制度执行不严，固定资产账实不符",
        "{y}年固定资产盘点发现{n}件资产无账可查，价值{amt}元；政府采购存在化整为零规避公开招标问题"
        "{m}次。",
        "{d}前完成固定资产全面清查盘点，补录资产卡片{n}件，修订《政府采购内部控制管理办法》",
        (DEPT, SCHOOL, HOSPITAL, FIRM), money=(40_000, 320_000),
        institution="政府采购内部控制管理办法"),
    # --- townships and streets ---
    ProblemText(
        "village_finance", "0303", 10, "村级财务管理混乱，镇(街道)审核把关流于形式",
        "辖区{n}个村(社区)中有{m}个存在白条入账、坐收坐支问题，{y}年累计白条入账{amt}元；镇(街道)"
        "“三资”代理服务中心审核把关流于形式。",
        "{d}前对辖区{n}个村(社区){y}年财务账目逐村审计，清理白条入账{amt}元，建立村级财务“双审双签”"
        "制度", (TOWN, ASSETS), severity="serious", common=True, money=(30_000, 260_000),
        institution="村级财务“双审双签”管理制度"),
    ProblemText(
        "farmland", "0102", 1, "耕地保护和农村乱占耕地建房整治不力",
        "辖区新增违法占用耕地建房{n}宗、占地{x}亩，镇党委对村级上报情况未经核实即上报“零新增”。",
        "{d}前对{n}宗违法占地建房逐宗拆除复耕或依法处置，建立镇村两级耕地保护网格巡查台账",
        (TOWN,)),
    ProblemText(
        "subsidy", "0303", 9, "惠民惠农资金发放审核不严",
        "{y}年耕地地力保护补贴发放中，有{n}户虚报面积，多发补贴{amt}元；低保对象中有{m}户家庭有财政"
        "供养人员未及时清退，经办人{who}未入户核查即签字。",
        "{d}前追回多发的耕地地力保护补贴{amt}元，清退不符合条件的低保对象{m}户，对审核把关不严的"
        "经办人{who}追责问责", (TOWN, FUNDS), severity="serious", names_people=True,
        money=(12_000, 86_000), funds_kind="recovered", payer="虚报面积的农户",
        institution="惠民惠农补贴资金“一卡通”发放管理办法"),
    ProblemText(
        "burden", "0204", 1, "形式主义官僚主义问题突出，基层负担重",
        "{y}年向村(社区)下发文件{n}件，要求村级填报各类表格{q}种，部分表格内容重复，村干部反映"
        "“表格多、检查多、会议多”。",
        "{d}前清理规范向村(社区)派发的表格{q}种，保留不超过20种，建立镇级发文和报表统筹审核制度",
        (TOWN,)),
    # --- villages and communities ---
    ProblemText(
        "village_assets", "0303", 10, "村集体“三资”管理不规范，租金由个人收取保管",
        "村集体{y}年出租集体林地、鱼塘{n}宗未经村民代表会议讨论，租金{amt}元未入村集体账户，由村党"
        "支部书记{who}个人收取保管。",
        "{d}前将{amt}元租金全额收缴入村集体账户，对{n}宗租赁合同重新履行民主程序，对{who}违规问题"
        "追责问责", (VILLAGE, ASSETS, FUNDS), severity="grave", names_people=True,
        money=(18_000, 120_000), funds_kind="recovered", payer="村党支部书记{who}",
        institution="村集体资产资源租赁管理办法"),
    ProblemText(
        "four_two", "0203", 6, "“四议两公开”落实不到位，村务公开不及时",
        "村内{y}年实施的{n}个村级公益项目中，有{m}个未经村民代表会议决议，项目资金使用情况未按季度"
        "公开。",
        "{d}前对{m}个项目补充履行“四议两公开”程序，每季度在村务公开栏和微信群公开资金收支明细",
        (VILLAGE, ASSETS), common=True, institution="村务公开“季度清单”制度"),
    ProblemText(
        "branch_aging", "0203", 6, "村党组织组织生活流于形式，党员队伍老化",
        "村党组织现有党员{n2}名，平均年龄{age}岁，近5年仅发展党员{k}名；主题党日活动记录雷同，多次"
        "照抄同一内容。",
        "{d}前制定村级后备力量培养计划，确定入党积极分子2名，每月按规定开展主题党日并如实记录",
        (VILLAGE,)),
    ProblemText(
        "relatives_welfare", "0303", 10, "优亲厚友，低保评定不公",
        "村“两委”成员亲属中有{n}人享受低保，其中{m}户不符合条件；低保评议未召开村民代表会议，"
        "由村委会主任{who}一人确定名单。",
        "{d}前对{n}户村干部亲属低保逐户复核，清退不符合条件的{m}户，对{who}追责问责",
        (VILLAGE, FUNDS), severity="serious", names_people=True,
        money=(9_000, 42_000), funds_kind="recovered", payer="不符合条件的低保户"),
    ProblemText(
        "project_village", "0303", 11, "村级工程项目管理不规范",
        "{y}年村道硬化等{n}个项目未经招投标直接发包给村民小组长亲属，工程结算未经审计，多付工程款"
        "{amt}元。",
        "{d}前委托第三方对{n}个项目结算审计，追回多付工程款{amt}元，建立村级小微工程“三公开”制度",
        (VILLAGE, ASSETS), money=(16_000, 90_000), funds_kind="recovered", payer="施工方",
        institution="村级小微工程项目管理办法"),
    # --- 优化营商环境 ---
    ProblemText(
        "policy", "0104", 9, "惠企政策落实不到位，应享未享",
        "{y}年省市出台的{n}项惠企政策中有{m}项未制定实施细则，企业应享未享的稳岗返还、技改补助资金"
        "{amt}元未及时兑现。",
        "{d}前逐项梳理{n}项惠企政策并制定兑现清单，{amt}元补助资金在30日内拨付到企业",
        (DEPT, BUSINESS), severity="serious", common=True, money=(300_000, 2_400_000),
        institution="惠企政策“免申即享”兑现办法"),
    ProblemText(
        "approval", "0104", 8, "“放管服”改革不到位，审批环节多时限长",
        "部分审批事项仍要求企业提交申请表以外的证明材料{n}项，承诺办结时限平均仅比法定时限压缩{p}%，"
        "“一网通办”事项办件量占比不足{q}%。",
        "{d}前取消非法定证明材料{n}项，将审批承诺时限压缩至法定时限的50%以内，在政务服务网公布事项"
        "清单", (DEPT, BUSINESS), institution="行政审批事项清单管理制度"),
    ProblemText(
        "inspections_firms", "0102", 8, "涉企检查执法不规范，多头检查重复检查",
        "{y}年对企业开展各类检查{n2}次，其中{m}次未纳入“双随机、一公开”计划，个别执法人员对同一企业"
        "一个月内重复检查3次，企业反映强烈。",
        "{d}前将全部涉企检查纳入“双随机、一公开”监管平台，建立涉企检查备案和“综合查一次”制度",
        (DEPT, BUSINESS), institution="涉企检查备案管理办法"),
    ProblemText(
        "eat_take", "0204", 8, "服务企业作风不实，“吃拿卡要”问题仍有发生",
        "商会反映，{y}年某科室负责人{who}在办理企业项目审批时多次要求补充材料、拖延办理，并接受企业"
        "宴请{k}次。",
        "{d}前由纪委监委对{who}立案审查并追责问责，对窗口科室全体人员开展作风整顿1次，设立企业投诉"
        "直通电话并每月通报办理情况", (DEPT, BUSINESS), severity="grave", names_people=True),
    ProblemText(
        "arrears", "0101", 8, "拖欠民营企业中小企业账款",
        "截至{y}年底，拖欠{n}家民营企业工程款和货款{amt}元，其中逾期1年以上的占{p}%，未制定清偿"
        "计划。",
        "{d}前制定拖欠账款清偿计划，分3批清偿{n}家企业账款{amt}元，每月向优化营商环境办报送清偿进度",
        (DEPT, FIRM, BUSINESS), severity="serious", money=(800_000, 6_500_000)),
    # --- state firms, schools, hospitals ---
    ProblemText(
        "tendering", "0102", 11, "工程项目招投标管理不规范",
        "{y}年实施的{n}个工程项目中有{m}个先施工后招标、化整为零规避招标，涉及金额{amt}元，由时任"
        "副总经理{who}签批。",
        "{d}前对{m}个项目逐一审计，修订《工程项目招标管理办法》，对{who}等相关责任人追责问责",
        (FIRM,), severity="grave", names_people=True, money=(1_200_000, 9_800_000),
        institution="工程项目招标管理办法"),
    ProblemText(
        "rent", "0102", 11, "国有资产经营管理不善，经营性房产低价出租",
        "{n}处经营性房产出租未经公开招租，租金低于市场价约{p}%，{y}年少收租金约{amt}元。",
        "{d}前对{n}处经营性房产重新评估，全部通过公共资源交易平台公开招租，追收少收租金{amt}元",
        (FIRM,), money=(60_000, 420_000), funds_kind="recovered", payer="承租方",
        institution="经营性国有资产出租管理办法"),
    ProblemText(
        "fees", "0303", 10, "违规收费和统一征订教辅资料",
        "{y}年以“资料费”名义向学生收取费用{amt}元，部分年级统一征订教辅资料{n}种，超出规定范围。",
        "{d}前全额清退违规收取的资料费{amt}元，建立教辅资料征订“一科一辅、自愿选购”审核制度",
        (SCHOOL,), severity="serious", money=(20_000, 150_000), funds_kind="returned",
        payer="学生家长", institution="教辅资料征订管理制度"),
    ProblemText(
        "canteen", "0301", 3, "学校食堂管理存在漏洞",
        "食堂{y}年食材采购未公开招标，{n}批次食材无检验检疫证明，食堂账目未单独核算。",
        "{d}前通过公开招标确定食材配送企业，建立食堂财务单独核算和每月公示制度", (SCHOOL,),
        institution="学校食堂财务管理办法"),
    ProblemText(
        "medical_insurance", "0303", 10, "医保基金使用不规范",
        "抽查{y}年住院病历{n2}份，发现{m}份存在过度检查、串换项目收费问题，违规金额{amt}元。",
        "{d}前退回违规使用的医保基金{amt}元，组织全院医务人员医保政策培训2次，每月抽查病历50份",
        (HOSPITAL,), severity="serious", money=(30_000, 280_000), funds_kind="returned",
        payer="医保基金专户", institution="医保基金使用内部监督办法"),
)

# The problem a reviewer turns into a lead (昆明: missed by the team, re-classified on review).
UNDERAGE = ProblemText(
    "underage", "0203", 6, "发展党员中存在未成年人入党问题",
    "查阅发展党员档案发现，{y}年发展的预备党员陈某某入党时年龄不满18周岁，其入党志愿书中的出生"
    "日期有涂改痕迹，支部未认真审核。",
    "", (TOWN, VILLAGE), severity="serious", names_people=True)

# Found again at the 回头看 (改后又犯).
RELAPSE = ProblemText(
    "relapse", "0305", 12, "巡察反馈问题整改后又犯：{title}",
    "上轮巡察指出的“{title}”问题已于{y}年对账销号，本次回头看发现{y2}年以来又出现同类问题{k}次，"
    "整改成效未巩固，存在“边改边犯、改后又犯”现象。",
    "{d}前对同类问题全面起底排查，重新制定整改措施，由主要负责人每月听取1次整改进展",
    ANY, severity="serious")

# A second task for some problems: standing measures (长期坚持).
STANDING_MEASURES = (
    "长期坚持每季度召开1次党组(党委)会议专题听取整改进展，每半年向{committee}巡察办报告1次整改情况",
    "长期坚持每月开展1次制度执行情况检查，检查结果在单位内部通报",
    "长期坚持将整改落实情况纳入年度述职述廉和民主生活会对照检查内容",
)

# --- 开单子: opinions and supervision information collected before a round ------------------
OPINIONS = (
    ("association", "{county}工商业联合会", "反映部分审批窗口“一次告知”不到位，企业办理同一事项往返"
     "3次以上，希望巡察关注审批服务作风问题。"),
    ("association", "{city}浙江商会{county}联络处", "会员企业反映涉企检查多头重复，一个月内接受不同"
     "部门检查4次，影响正常生产经营。"),
    ("association", "{county}建筑业协会", "反映部分国有企业拖欠施工企业工程款，结算周期超过合同约定"
     "一年以上。"),
    ("firm", "{county}某食品有限公司", "反映去年申报的技改补助资金至今未拨付，多次询问没有答复。"),
    ("firm", "{county}某物流有限公司", "反映办理道路运输经营许可时被要求提供法定材料以外的证明。"),
    ("firm", "{county}某机械制造有限公司", "反映稳岗返还政策兑现慢，企业不清楚申报渠道。"),
    ("public", "来信群众（匿名）", "反映村里出租鱼塘的租金不知去向，村务公开栏长期未更新。"),
    ("public", "来电群众", "反映低保评定不公开，村干部亲属享受低保。"),
    ("public", "走访群众", "反映村道硬化工程质量差，验收后不到半年出现开裂。"),
)
SUPERVISION = (
    ("discipline", "{county}纪委监委", "近三年涉及{unit}的信访举报{n}件，其中反映违规发放津补贴"
     "问题{k}件，已了结{k}件。"),
    ("discipline", "{county}纪委监委", "{unit}班子成员近年受到诫勉谈话1人次，党内警告处分1人次。"),
    ("audit", "{county}审计局", "{y}年经济责任审计发现{unit}存在“三重一大”事项未集体决策、大额资金"
     "支出审批不规范等问题{n}个，尚有{k}个未整改到位。"),
    ("petition", "{county}信访局", "{y}年以来涉及{unit}的信访件{n}件，主要集中在惠民补贴发放和征地"
     "拆迁补偿方面。"),
    ("statistics", "{county}统计局", "{unit}上报的固定资产投资数据与项目实际进度存在较大出入。"),
    ("organisation", "{county}委组织部", "{unit}近两年干部选任中存在民主推荐程序不完整的问题，"
     "干部档案专项审核发现疑点{k}处。"),
)
FOLLOW_UP = {
    "found": "巡察组经核查，反映问题属实，已作为问题登记并在反馈中指出。",
    "followed": "巡察组已调阅相关资料并个别谈话了解情况，部分问题已在巡察期间督促立行立改。",
    "unsubstantiated": "经调阅账目和走访核实，反映问题与事实不符，未查实。",
}

# --- 专项治理建议 to functional departments ----------------------------------------------------
RECOMMENDATIONS = (
    ("czj", "关于规范全区(县)机关事业单位津补贴发放的建议",
     "巡察发现多个单位以加班补助、值班费名义变相发放津补贴，建议财政部门牵头开展津补贴发放专项清理，"
     "统一规范发放标准和审批程序，纳入年度财务检查重点。"),
    ("nyj", "关于加强村级财务和“三资”管理的建议",
     "巡察发现村级白条入账、坐收坐支、集体资产低价出租等问题较为普遍，建议农业农村部门推行村级财务"
     "“双审双签”和“三资”管理平台全覆盖，每年开展1次村级财务专项审计。"),
    ("scjgj", "关于规范涉企检查、减少多头重复检查的建议",
     "企业反映同一月内接受多个部门检查，建议市场监管部门牵头统筹“双随机、一公开”抽查计划，推行"
     "“综合查一次”，涉企检查事前备案。"),
    ("mzj", "关于开展低保对象动态复核的建议",
     "巡察发现部分村干部亲属违规享受低保、家庭有财政供养人员未及时清退，建议民政部门开展低保对象"
     "全面动态复核，建立与公安、人社、不动产登记的数据比对机制。"),
    ("zuzhi", "关于规范发展党员工作的建议",
     "巡察中发现发展党员档案材料不全、个别党员入党时年龄不满18周岁等问题，建议组织部门对近五年发展"
     "党员档案开展专项审核。"),
    ("fgw", "关于加快惠企政策兑现的建议",
     "巡察发现部分惠企政策没有实施细则、兑现周期长，建议发展改革部门牵头梳理惠企政策清单，推行"
     "“免申即享”。"),
)

# --- leads (confidential; the persons' full names are made by the steps) --------------------
@dataclass(frozen=True)
class LeadText:
    summary: str
    facts: str
    posts: tuple[str, ...]  # one per person named
    village: tuple[bool, ...] = ()
    sanction: tuple[str, str] = ("party", "党内警告")
    result: str = ""
    money: int = 0  # yuan recovered after the case, 0 for none
    amount: tuple[int, int] = (6_000, 90_000)  # yuan, for {amt} in the facts


LEADS = {
    "subsidy_fraud": LeadText(
        "农业服务中心主任伙同经销商套取农机购置补贴",
        "{y}年至{y2}年，该单位农业服务中心主任{p0}伙同农机经销商虚构购机{n}台，套取农机购置补贴"
        "{amt}元，其中{k}万元用于个人消费。", ("农业服务中心主任",),
        sanction=("party", "党内严重警告、政务撤职"), result="给予党内严重警告、政务撤职处分，追缴违纪款",
        money=68_400),
    "reimbursement": LeadText(
        "反映主要负责人在管理服务对象处报销个人费用",
        "群众反映，{p0}在担任负责人期间，将个人出差期间的餐费、住宿费共计{amt}元拿到管理服务对象企业"
        "报销。", ("党组书记、局长",), result="经谈话函询，本人说明情况属实，已退还相关费用，予以了结",
        amount=(6_000, 24_000)),
    "banquet": LeadText(
        "窗口科室负责人接受企业宴请并收受红包",
        "{y}年{mo1}月至{mo2}月，行政审批科科长{p0}在为企业办理许可过程中，先后{k}次接受企业宴请，"
        "收受红包礼金{amt}元。", ("行政审批科科长",),
        sanction=("party", "党内警告"), result="给予党内警告处分，收缴违纪款"),
    "project_meddling": LeadText(
        "班子成员违规插手工程项目",
        "{p0}利用分管基建工作的便利，要求下属将{n}个维修项目交由其亲属{p1}实际控制的公司承接，"
        "涉及金额{amt}元。", ("副局长", "个体经营者"), sanction=("party", "党内严重警告"),
        result="给予党内严重警告处分，收缴违纪所得", money=38_000, amount=(180_000, 860_000)),
    "city_case": LeadText(
        "涉及县管干部的重大问题线索",
        "统合巡察发现，{p0}在任职期间违规为某房地产企业办理土地出让手续，造成国有土地出让金少收"
        "{amt}元，并涉嫌收受该企业财物，与市委巡察组掌握的线索相互印证。", ("原党工委书记",),
        amount=(2_800_000, 9_600_000)),
    "housing_fraud": LeadText(
        "村党支部书记虚报冒领危房改造补助",
        "{y}年村党支部书记{p0}将其不符合条件的亲属{n}户纳入危房改造对象，虚报冒领补助资金{amt}元。",
        ("村党支部书记", "村委会委员"), village=(True, True)),
    "underage": LeadText(
        "发展党员中未成年人入党问题涉及的责任人员",
        "", ("党支部书记", "组织委员"), village=(False, False)),
    "on_site": LeadText(
        "反映有关人员违规出借公款",
        "巡察组个别谈话中反映，{p0}于{y}年擅自将单位账户资金{amt}元出借给他人用于经营，至今未收回。",
        ("财务股股长",)),
    "land_compensation": LeadText(
        "村委会主任侵占集体土地征收补偿款",
        "{y}年村委会主任{p0}在集体土地征收补偿款分配中，以虚列青苗补偿户的方式侵占补偿款{amt}元。",
        ("村委会主任",), village=(True,), sanction=("party", "撤销党内职务"),
        result="给予撤销党内职务处分，依法罢免村委会主任职务，追缴违纪款", money=52_600),
    "talk": LeadText(
        "反映站所负责人工作作风粗暴、吃拿卡要",
        "群众反映，{p0}在办理农业补贴申报时态度粗暴，并暗示群众“意思意思”。", ("农技站站长",)),
    "shelved": LeadText(
        "反映某站所负责人违规报销差旅费",
        "匿名反映{p0}多次虚报差旅费，但未提供具体时间和金额，线索要素不全。", ("站所负责人",)),
    "fast_receive": LeadText(
        "村监委会主任违规领取误工补贴",
        "{y}年村监委会主任{p0}在未实际参与的情况下，以误工补贴名义领取{amt}元。", ("村监委会主任",),
        village=(True,)),
    "transferred": LeadText(
        "村集体鱼塘租金去向不明",
        "村集体{n}宗鱼塘租金共计{amt}元未入账，村报账员{p0}对去向说法不一。", ("村报账员",),
        village=(True,)),
    "grain": LeadText(
        "村干部截留耕地地力保护补贴",
        "村党支部副书记{p0}、村文书{p1}在发放{y}年耕地地力保护补贴时，以“统筹使用”为名截留{amt}元。",
        ("村党支部副书记", "村文书"), village=(True, True)),
    "registered": LeadText(
        "反映村干部在低保评定中优亲厚友",
        "巡察组走访中群众反映，村委会主任{p0}将其兄弟{n}户纳入低保，评议时未召开村民代表会议。",
        ("村委会主任",), village=(True,)),
}

# Notes of each handling step the office never sees (encrypted), by action.
LEAD_STEP_NOTES = {
    "talk_inquiry": "经研究，对被反映人进行谈话函询，要求在15个工作日内作出书面说明。",
    "verify": "成立核查组，调取相关账目和银行流水，开展初步核实。",
    "shelve": "线索要素不全，暂不具备核查条件，予以暂存待查，待有新的线索再作处置。",
    "close_no_action": "经核实，反映问题不属实或情节轻微，予以了结。",
    "file_case": "经初步核实，被反映人涉嫌严重违纪，经批准予以立案审查调查。",
    "to_trial": "审查调查终结，移送案件审理室审理。",
    "sanction": "经审理，党纪政务处分决定已作出并送达本人。",
    "conclude": "处分决定已执行，违纪款已收缴，案件办结。",
}

# --- the report and its review ("改卷子") ----------------------------------------------------
ANNOTATIONS = (
    "把具体问题写实：补充涉及的时间、金额和责任人。",
    "此问题要点人点事，写明是哪个股室、哪些人。",
    "请分析问题产生的深层次原因，不要就事论事。",
    "建议将此问题作为共性问题向全区(县)推送，督促未巡先改。",
    "整改不到位的，要取消年度评先评优资格，请在建议部分写明。",
)
REPLIES = (
    "已按批注补充了时间、金额和责任人，见修改稿。",
    "已核实并写明具体股室和人员，相关人员已另行移交。",
    "已在问题后补充原因分析：制度缺失、监督缺位、主体责任压得不实。",
    "同意，已在意见建议部分提出作为共性问题推送。",
)
RETURN_REASON = "问题表述笼统，多处写“个别”“有的”，请把具体问题写实，补充时间、金额和责任人后重新报送。"

# --- rectification ------------------------------------------------------------------------
PROGRESS_TEXTS = (
    "已召开党组(党委)会议专题研究，制定整改方案并明确责任股室，正在逐项推进。",
    "已完成问题排查和资料收集，相关制度已起草，待党组(党委)会议审议。",
    "已完成主要整改措施，正在收集佐证材料，准备申请销号。",
    "整改措施已全部落实，相关制度已印发执行，佐证材料已上传。",
)
CLOSURE_NOTES = (
    "整改措施已全部落实，佐证材料齐全，申请对账销号。",
    "相关款项已全额清退并出具收据，制度已印发执行，申请销号。",
    "已按要求召开会议并形成记录，问题已整改到位，申请销号。",
)
VERIFY_NOTES = {
    "document": "查阅了会议记录、制度文件和收款凭证，佐证材料与整改措施一致，同意销号。",
    "on_site": "到单位现场查看了台账和公示栏，随机询问干部2名，整改情况属实，同意销号。",
    "returned": "佐证材料只有文字说明，缺少会议记录和款项收据，退回补充。",
}
PLAN_RETURN = {
    "direction_unclear": "第{n}条问题“{t}”的整改措施只对直接责任人追责问责，没有倒查分管领导和"
                         "主要负责人的领导责任，方向不明确。",
    "vague_measures": "第{n}条问题的措施没有写明整改结果如何公开、向谁报告，完成到什么程度不清楚。",
}
GUIDING_TEXT = ("坚持把巡察整改作为重大政治任务，主要负责人亲自部署、亲自推动、亲自督办，"
                "对反馈问题逐条建立台账、逐项对账销号，做到“五个一”：每个问题一名责任领导、"
                "一个牵头股室、一套整改措施、一抓到底。")
RECT_REPORT_UNIT = ("巡察反馈意见后，本单位党组(党委)召开专题会议研究部署，成立整改工作领导小组，"
                    "对反馈的问题逐条认领、建立台账，明确责任领导、牵头股室和完成时限。集中整改期内"
                    "共召开整改推进会{n}次，建立完善制度{k}项，清退收回资金已全部到位，对相关责任人"
                    "进行了追责问责。")
RECT_REPORT_HEAD = ("作为整改第一责任人，本人主持召开专题会议{n}次，逐项审定整改措施，对重点问题"
                    "亲自督办；与班子成员逐一谈话，压实“一岗双责”，对整改不力的股室负责人进行了约谈。")

# --- evaluation ---------------------------------------------------------------------------
SCORE_REASONS = (
    "主要负责人亲自部署，召开专题会议3次，但个别班子成员分管领域整改推进偏慢。",
    "会议记录基本完整，发现2份组织生活会材料内容雷同。",
    "台账完整，按时报送，已逐项对账销号，个别任务超期后才完成。",
    "直接责任人已追责，领导责任倒查不够；移交线索已办结。",
    "抽查佐证材料与现场一致，未发现数字整改、书面整改。",
    "针对问题建立制度4项，执行情况较好。",
    "探索“整改清单+责任清单”双清单管理，有一定创新。",
    "满意度测评总体满意，干部对整改成效认可度较高。",
)
EVALUATION_SUMMARY = ("该单位党组织对巡察整改重视程度较高，主要负责人履行第一责任人职责较好，台账"
                      "完整、对账销号及时，建章立制成效明显；但存在领导责任倒查不够、个别佐证材料雷同"
                      "等问题，评定为“较好”，须对评估发现的问题限期整改。")
EVALUATION_FINDING = ("组织生活会材料雷同", "评估组查阅{y}年度组织生活会材料，发现2名班子成员对照"
                      "检查材料内容大段雷同，存在相互抄袭现象。")
TALK_CONTENT = ("约谈指出该单位在巡察整改中存在领导责任倒查不够、个别整改佐证材料雷同等问题，要求"
                "主要负责人切实履行第一责任人职责，1个月内完成评估反馈问题整改。被约谈人表态："
                "诚恳接受批评，立即召开党组(党委)会议研究，逐项落实整改。")
SURVEY_COMMENTS = (
    "整改后单位风气明显好转，希望长期坚持。",
    "建议把整改情况向全体干部通报。",
    "津补贴清退后制度更规范了。",
    "",
)
INQUIRY_QUESTION = "这条线索处理了直接责任人,对负有领导责任人员进行了责任倒查了么?"
INQUIRY_QUESTION_2 = "初步核查情况为什么与巡察反馈意见有较大出入,请重点说明下具体原因!"
INQUIRY_ANSWER = ("目前已对直接责任人给予党内警告处分，对分管领导的领导责任正在倒查，会后10个"
                  "工作日内提出处理意见并报区(县)纪委监委。")
INQUIRY_FOLLOW_UP = ("倒查问题线索所涉领导责任", "质询会上指出：该单位对移交线索仅处理了直接责任人，"
                     "未对负有领导责任的人员进行责任倒查，须在30日内完成倒查并报告结果。")
CITY_ASSIGNMENT = ("关于报送市县统合巡察移交问题线索办理进展的交办",
                   "请于规定时限内报送统合巡察移交问题线索的办理进展，重点说明立案、处分和领导责任倒查"
                   "情况，对逾期未办结的线索逐件说明原因。")
CITY_ASSIGNMENT_ANSWER = ("统合巡察移交的问题线索已全部签收，其中1件已立案审查调查、1件已提级至市纪委监委"
                          "办理；快查快处线索均已明确办理时限，领导责任倒查情况已一并报送。")
