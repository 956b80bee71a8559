"""Seed facts for the Heyuan (河源市) demo: areas, departments, counts and indicators.

The numbers come from the seed documents and are copied here so that the generator never reads them at
run time:

* seeds/000 表1 — 574 市直 information systems, 336 国家/省垂直 + 238 市本级, 15 亿元 built,
  0.723 亿元 a year;
* seeds/000 表2 — 85 systems on 业务专网, 60 on self-built LANs, 163 in self-built machine rooms;
* seeds/000 表5 — 涉及单位总数 (departments) and 信息类总数 (catalog rows) per area;
* seeds/000 表6 — 许可事项数 and 公共服务事项数 per area;
* seeds/000 表7 — Heyuan's online-service indicators (2017 status, 2020 targets);
* seeds/001 表1 and 附件1 — Yuancheng district's 15 “十四五” indicators with their formulas.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY = "河源市"
CITY_CODE = "441600"


@dataclass(frozen=True)
class Area:
    name: str
    gb_code: str | None  # GB/T 2260; 江东新区 (a functional zone) has none
    prefix: str  # how its department names begin: 河源市民政局, 东源县民政局
    short: str  # 东源 in 河源市生态环境局东源分局
    level: str  # the one-character level used in aliases: 市人社局, 区人社局, 县人社局
    token: str  # the area part of 信息资源代码 (441602-MZJ-00012)
    departments: int  # 表5 涉及单位总数
    catalog: int  # 表5 信息类总数
    licensing: int  # 表6 许可事项数
    public_services: int  # 表6 公共服务事项数

    @property
    def code(self) -> str:
        """The code used inside credit and implementation codes (江东新区 falls back to the city's)."""
        return self.gb_code or CITY_CODE

    @property
    def unique_level(self) -> bool:
        """Whether a level-only alias (市人社局, 区人社局) names one department city-wide.

        Five counties share “县”, so 县人社局 would be ambiguous and is never used as an alias.
        """
        return self.level != "县"


AREAS: tuple[Area, ...] = (
    Area("市直", "441600", "河源市", "河源", "市", "441600", 44, 294, 398, 211),
    Area("源城区", "441602", "源城区", "源城", "区", "441602", 39, 237, 223, 166),
    Area("江东新区", None, "江东新区", "江东", "新区", "4416JD", 9, 209, 145, 89),
    Area("东源县", "441625", "东源县", "东源", "县", "441625", 48, 290, 448, 172),
    Area("连平县", "441623", "连平县", "连平", "县", "441623", 38, 217, 353, 87),
    Area("和平县", "441624", "和平县", "和平", "县", "441624", 44, 214, 519, 166),
    Area("龙川县", "441622", "龙川县", "龙川", "县", "441622", 38, 197, 375, 64),
    Area("紫金县", "441621", "紫金县", "紫金", "县", "441621", 46, 231, 341, 176),
)
AREA_BY_NAME = {a.name: a for a in AREAS}

# 部门类型 -> the first two characters of the 统一社会信用代码 (登记管理部门码 + 机构类别码, GB 32100-2015):
# 1 = 机构编制部门; 1 = 机关, 2 = 事业单位, 3 = 群众团体.
KIND_PREFIX = {"党政机关": "11", "垂直管理单位": "11", "事业单位": "12", "群团组织": "13"}


@dataclass(frozen=True)
class DeptTemplate:
    """One department as a template over an area.

    ``name`` and ``aliases`` may use {p} (area prefix, 东源县), {s} (short name, 东源) and {l} (level, 县).
    Aliases using {l} are dropped where the level is shared by several areas (县).
    """

    name: str
    abbr: str  # pinyin initials used in codes (MZJ = 民政局); unique within an area
    domain: str  # key into domains.DOMAINS
    kind: str = "党政机关"
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # name template of the 上级部门


def _t(
    name: str, abbr: str, domain: str, kind: str = "党政机关", aliases: str = "", parent: str | None = None
) -> DeptTemplate:
    return DeptTemplate(name, abbr, domain, kind, tuple(a for a in aliases.split("、") if a), parent)


# 市直: the 44 units of 表5, in the order a catalog office would list them.
CITY_DEPARTMENTS: tuple[DeptTemplate, ...] = (
    _t("河源市人民政府办公室", "ZFB", "zf", aliases="市政府办、市府办"),
    _t("河源市发展和改革局", "FGJ", "fg", aliases="河源市发改局、市发改局"),
    _t("河源市教育局", "JYJ", "jy", aliases="市教育局"),
    _t("河源市科学技术局", "KJJ", "kj", aliases="河源市科技局、市科技局"),
    _t("河源市工业和信息化局", "GXJ", "gx", aliases="河源市工信局、市工信局"),
    _t("河源市公安局", "GAJ", "ga", aliases="市公安局"),
    _t("河源市民政局", "MZJ", "mz", aliases="市民政局"),
    _t("河源市司法局", "SFJ", "sf", aliases="市司法局"),
    _t("河源市财政局", "CZJ", "cz", aliases="市财政局"),
    _t("河源市人力资源和社会保障局", "RSJ", "rs", aliases="河源市人社局、市人社局"),
    _t("河源市自然资源局", "ZRZYJ", "zr", aliases="市自然资源局、市资源局"),
    _t("河源市生态环境局", "STHJJ", "hj", aliases="市生态环境局、市环境局"),
    _t("河源市住房和城乡建设局", "ZJJ", "zj", aliases="河源市住建局、市住建局"),
    _t("河源市交通运输局", "JTJ", "jt", aliases="河源市交通局、市交通局"),
    _t("河源市水务局", "SHWJ", "sw", aliases="市水务局"),
    _t("河源市农业农村局", "NYNCJ", "ny", aliases="市农业农村局"),
    _t("河源市商务局", "SWUJ", "commerce", aliases="市商务局"),
    _t("河源市文化广电旅游体育局", "WGLTJ", "wl", aliases="河源市文广旅体局、市文广旅体局"),
    _t("河源市卫生健康局", "WJJ", "wj", aliases="河源市卫健局、市卫健局"),
    _t("河源市退役军人事务局", "TYJRJ", "ty", aliases="河源市退役军人局、市退役军人局"),
    _t("河源市应急管理局", "YJGLJ", "yj", aliases="河源市应急局、市应急局"),
    _t("河源市审计局", "SJJ", "sj", aliases="市审计局"),
    _t("河源市市场监督管理局", "SCJGJ", "sc", aliases="河源市市场监管局、市市监局"),
    _t("河源市统计局", "TJJ", "tj", aliases="市统计局"),
    _t("河源市医疗保障局", "YBJ", "yb", aliases="河源市医保局、市医保局"),
    _t("河源市林业局", "LYJ", "ly", aliases="市林业局"),
    _t("河源市城市管理和综合执法局", "CGJ", "cg", aliases="河源市城管局、市城管局"),
    _t("河源市政务服务数据管理局", "ZSJ", "zs", aliases="河源市政数局、市政数局、市政务数据局"),
    _t("河源市信访局", "XFJ", "xf", aliases="市信访局"),
    _t("河源市人民政府国有资产监督管理委员会", "GZW", "gz", aliases="河源市国资委、市国资委"),
    _t("河源市住房公积金管理中心", "GJJ", "gjj", "事业单位", "河源市公积金中心、市公积金中心"),
    _t("河源市不动产登记中心", "BDC", "bdc", "事业单位", "市不动产登记中心", parent="河源市自然资源局"),
    _t("河源市社会保险基金管理局", "SBJ", "sb", "事业单位", "河源市社保局、市社保局",
       parent="河源市人力资源和社会保障局"),
    _t("国家税务总局河源市税务局", "SWZJ", "tax", "垂直管理单位", "河源市税务局、市税务局"),
    _t("河源市气象局", "QXJ", "qx", "垂直管理单位", "市气象局"),
    _t("国家统计局河源调查队", "DCD", "dc", "垂直管理单位", "河源调查队"),
    _t("河源市邮政管理局", "YZJ", "yz", "垂直管理单位", "市邮政管理局"),
    _t("河源市总工会", "ZGH", "gh", "群团组织", "市总工会"),
    _t("共青团河源市委员会", "TSW", "tw", "群团组织", "团市委"),
    _t("河源市妇女联合会", "FL", "fl", "群团组织", "河源市妇联、市妇联"),
    _t("河源市残疾人联合会", "CL", "cl", "群团组织", "河源市残联、市残联"),
    _t("河源市公共资源交易中心", "GGZY", "ggzy", "事业单位", "市公共资源交易中心",
       parent="河源市政务服务数据管理局"),
    _t("河源市公安局交通警察支队", "JJZD", "jg", aliases="河源市交警支队、市交警支队", parent="河源市公安局"),
    _t("河源市疾病预防控制中心", "JKZX", "jk", "事业单位", "河源市疾控中心、市疾控中心",
       parent="河源市卫生健康局"),
)

# Counties and the district take the first N of these (N = 表5 涉及单位总数).
COUNTY_DEPARTMENTS: tuple[DeptTemplate, ...] = (
    _t("{p}人民政府办公室", "ZFB", "zf", aliases="{p}政府办、{l}府办"),
    _t("{p}发展和改革局", "FGJ", "fg", aliases="{p}发改局、{l}发改局"),
    _t("{p}教育局", "JYJ", "jy", aliases="{l}教育局"),
    _t("{p}公安局", "GAJ", "ga", aliases="{l}公安局"),
    _t("{p}民政局", "MZJ", "mz", aliases="{l}民政局"),
    _t("{p}财政局", "CZJ", "cz", aliases="{l}财政局"),
    _t("{p}人力资源和社会保障局", "RSJ", "rs", aliases="{p}人社局、{l}人社局"),
    _t("{p}自然资源局", "ZRZYJ", "zr", aliases="{l}自然资源局"),
    _t("{p}住房和城乡建设局", "ZJJ", "zj", aliases="{p}住建局、{l}住建局"),
    _t("{p}卫生健康局", "WJJ", "wj", aliases="{p}卫健局、{l}卫健局"),
    _t("{p}市场监督管理局", "SCJGJ", "sc", aliases="{p}市场监管局、{l}市监局"),
    _t("{p}政务服务数据管理局", "ZSJ", "zs", aliases="{p}政数局、{l}政数局"),
    _t("{p}医疗保障局", "YBJ", "yb", aliases="{p}医保局、{l}医保局"),
    _t("国家税务总局{p}税务局", "SWZJ", "tax", "垂直管理单位", "{p}税务局、{l}税务局"),
    _t("{p}交通运输局", "JTJ", "jt", aliases="{p}交通局、{l}交通局"),
    _t("{p}农业农村局", "NYNCJ", "ny", aliases="{l}农业农村局"),
    _t("{p}司法局", "SFJ", "sf", aliases="{l}司法局"),
    _t("{p}水务局", "SHWJ", "sw", aliases="{l}水务局"),
    _t("{p}退役军人事务局", "TYJRJ", "ty", aliases="{p}退役军人局"),
    _t("{p}应急管理局", "YJGLJ", "yj", aliases="{p}应急局、{l}应急局"),
    _t("{p}文化广电旅游体育局", "WGLTJ", "wl", aliases="{p}文广旅体局"),
    _t("{p}不动产登记中心", "BDC", "bdc", "事业单位", parent="{p}自然资源局"),
    _t("{p}社会保险基金管理局", "SBJ", "sb", "事业单位", "{p}社保局", parent="{p}人力资源和社会保障局"),
    _t("河源市生态环境局{s}分局", "STHJJ", "hj", aliases="{p}生态环境分局", parent="河源市生态环境局"),
    _t("{p}统计局", "TJJ", "tj", aliases="{l}统计局"),
    _t("{p}审计局", "SJJ", "sj", aliases="{l}审计局"),
    _t("{p}林业局", "LYJ", "ly", aliases="{l}林业局"),
    _t("{p}城市管理和综合执法局", "CGJ", "cg", aliases="{p}城管局、{l}城管局"),
    _t("{p}疾病预防控制中心", "JKZX", "jk", "事业单位", "{p}疾控中心", parent="{p}卫生健康局"),
    _t("{p}工业和信息化局", "GXJ", "gx", aliases="{p}工信局"),
    _t("{p}商务局", "SWUJ", "commerce", aliases="{l}商务局"),
    _t("{p}信访局", "XFJ", "xf", aliases="{l}信访局"),
    _t("{p}公共资源交易中心", "GGZY", "ggzy", "事业单位", parent="{p}政务服务数据管理局"),
    _t("{p}总工会", "ZGH", "gh", "群团组织"),
    _t("{p}妇女联合会", "FL", "fl", "群团组织", "{p}妇联"),
    _t("{p}残疾人联合会", "CL", "cl", "群团组织", "{p}残联"),
    _t("共青团{p}委员会", "TSW", "tw", "群团组织", "团{l}委"),
    _t("河源市住房公积金管理中心{s}分中心", "GJJ", "gjj", "事业单位", "{p}公积金分中心",
       parent="河源市住房公积金管理中心"),
    _t("{p}乡村振兴局", "XCZXJ", "xc", aliases="{l}乡村振兴局"),
    _t("{p}科学技术局", "KJJ", "kj", aliases="{p}科技局"),
    _t("{p}人民医院", "RMYY", "ry", "事业单位", parent="{p}卫生健康局"),
    _t("{p}档案馆", "DAG", "da", "事业单位"),
    _t("{p}供销合作联社", "GXS", "gxs", "事业单位", "{p}供销社"),
    _t("{p}气象局", "QXJ", "qx", "垂直管理单位"),
    _t("{p}机关事务管理局", "JGSWJ", "jgsw", aliases="{p}机关事务局"),
    _t("{p}融媒体中心", "RMTZX", "rmt", "事业单位"),
    _t("{p}地方志办公室", "DFZB", "dfz", "事业单位", "{p}地方志办"),
    _t("{p}公安局交通警察大队", "JJDD", "jg", aliases="{p}交警大队", parent="{p}公安局"),
)

# 江东新区 is a functional zone run by a management committee; its 9 units merge several bureaus.
JIANGDONG_DEPARTMENTS: tuple[DeptTemplate, ...] = (
    _t("江东新区管理委员会办公室", "GWHBGS", "zf", aliases="江东新区管委办、新区管委办"),
    _t("江东新区经济发展局", "JJFZJ", "fg", aliases="江东新区经发局、新区经发局"),
    _t("江东新区财政局", "CZJ", "cz", aliases="新区财政局"),
    _t("江东新区社会事务局", "SHSWJ", "mz", aliases="江东新区社事局"),
    _t("江东新区规划建设局", "GHJSJ", "zj", aliases="江东新区规建局"),
    _t("河源市市场监督管理局江东新区分局", "SCJGJ", "sc", aliases="江东新区市场监管局、江东新区市监分局",
       parent="河源市市场监督管理局"),
    _t("河源市公安局江东新区分局", "GAJ", "ga", aliases="江东新区公安分局", parent="河源市公安局"),
    _t("江东新区政务服务数据管理局", "ZSJ", "zs", aliases="江东新区政数局"),
    _t("国家税务总局河源市江东新区税务局", "SWZJ", "tax", "垂直管理单位", "江东新区税务局"),
)


def templates_for(area: Area) -> tuple[DeptTemplate, ...]:
    """The department templates of one area, exactly 表5's count of them."""
    if area.name == "市直":
        pool = CITY_DEPARTMENTS
    elif area.name == "江东新区":
        pool = JIANGDONG_DEPARTMENTS
    else:
        pool = COUNTY_DEPARTMENTS
    if area.departments > len(pool):
        raise ValueError(f"{area.name}: {area.departments} departments wanted, {len(pool)} templates")
    return pool[: area.departments]


def fill(template: str, area: Area) -> str:
    return template.format(p=area.prefix, s=area.short, l=area.level)


# Names departments had before the 2018-2019 institutional reform. A few rows in the demo files still use
# them, as real hand-ins do; they match nothing in the registry and become provisional departments.
OLD_NAMES: dict[str, tuple[str, ...]] = {
    "sc": ("{p}工商行政管理局", "{p}食品药品监督管理局"),
    "zr": ("{p}国土资源局",),
    "wj": ("{p}卫生和计划生育局",),
    "yj": ("{p}安全生产监督管理局",),
    "ny": ("{p}农业局",),
    "wl": ("{p}文化广电新闻出版局",),
    "zs": ("{p}行政服务中心",),
    "tax": ("{p}地方税务局",),
    "zj": ("{p}住房和城乡规划建设局",),
    "ga": ("{p}公安局治安管理大队",),
    "rs": ("{p}人力资源局",),
}

# ---------------------------------------------------------------------------------------------------
# Service-item flag rates per area. 源城区 follows seeds/001 表1 (“零跑动”事项覆盖率 88.88%,
# 一窗综合受理率 92%, 高频服务事项“跨域通办”比例 10.41% = 10 of 96 高频 items, 电子证照用证率 24%).
# The other areas are guided by seeds/000 表7's Heyuan status (零跑动 21% of all items, ≤1 visit 84%,
# 上网办理率 75%, 证照电子化率 18%), moved on a little because the demo files describe 2021.


@dataclass(frozen=True)
class ServiceRates:
    zero_visit: float  # share of 行政许可 items with 到办事现场次数 = 0
    one_window: float  # share of 依申请 items with 是否一窗受理 = 是
    high_frequency: int | float  # number (int, at scale 1) or share (float) of 依申请 items that are 高频
    cross_region: float  # share of 高频 items with 是否跨域通办 = 是
    e_licence: float  # share of 行政许可 items with 是否使用电子证照 = 是
    online: float  # share of the other items with 是否网办 = 是


SERVICE_RATES: dict[str, ServiceRates] = {
    "源城区": ServiceRates(0.8888, 0.92, 96, 10 / 96, 0.24, 0.80),
    "市直": ServiceRates(0.46, 0.85, 0.16, 0.22, 0.30, 0.82),
    "江东新区": ServiceRates(0.38, 0.80, 0.14, 0.12, 0.18, 0.75),
    "东源县": ServiceRates(0.31, 0.78, 0.15, 0.15, 0.20, 0.76),
    "连平县": ServiceRates(0.24, 0.74, 0.13, 0.08, 0.16, 0.72),
    "和平县": ServiceRates(0.27, 0.76, 0.14, 0.11, 0.18, 0.74),
    "龙川县": ServiceRates(0.22, 0.72, 0.12, 0.09, 0.15, 0.70),
    "紫金县": ServiceRates(0.29, 0.77, 0.15, 0.13, 0.19, 0.75),
}

# ---------------------------------------------------------------------------------------------------
# Information systems (seeds/000 表1, 表2): all owned by 市直 units.
SYSTEMS_NATIONAL = 131  # 表1 gives 336 国家、省垂直 together; the split 131 + 205 is our choice
SYSTEMS_PROVINCIAL = 205
SYSTEMS_CITY = 238
BUILD_COST_WAN = 150000  # 15 亿元, in 万元
OPS_COST_WAN = 7230  # 0.723 亿元 a year, in 万元
# 表2: 85 systems on 业务专网; 163 in self-built machine rooms; 60 on self-built LANs. We read the 60 as a
# subset of the 163 (a unit's LAN is where its machine room sits), so 部署位置 = 自建机房 for 163 systems,
# 60 of which say “部署于本单位自建局域网” in 系统描述. Of the other 326, 46 face the 互联网 and 280 run
# on 政务云.
DEPLOY_SPECIAL_NETWORK = 85
DEPLOY_OWN_ROOM = 163
DEPLOY_OWN_LAN = 60
DEPLOY_INTERNET = 46

# ---------------------------------------------------------------------------------------------------
# Indicators. seeds/001 表1 (源城区, 2020 -> 2025) with the formulas of 附件1 (the table's in-cell line
# breaks joined); seeds/000 表7 (河源, 2017 -> 2020) with formulas written in the same style.
# (code, name, unit, formula, status, target, dataset names of the 政务服务数据管理局 it draws on)
YUANCHENG_INDICATORS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("YCSZ-2025-01", "“零跑动”事项覆盖率", "%", "“零跑动”事项数/许可事项总数×100%", "88.88", "90",
     ("政务服务事项实施清单信息", "政务服务办件信息")),
    ("YCSZ-2025-02", "一窗综合受理率", "%",
     "依申请政务服务事项纳入综合窗口办理的事项数/依申请政务服务事项总数×100%", "92", "100",
     ("政务服务事项实施清单信息", "一窗综合受理业务信息")),
    ("YCSZ-2025-03", "“一件事”主题集成服务数量", "件", "数据统计", "8", "60", ("政务服务事项目录信息",)),
    ("YCSZ-2025-04", "政务服务一体机镇街覆盖率", "%", "已投放政务服务一体机的镇街数量/镇街总数×100%",
     "33", "100",
     ("政务服务一体机分布信息",)),
    ("YCSZ-2025-05", "高频服务事项“跨域通办”比例", "%", "纳入高频事项清单里已实现跨域通办事项/清单总数×100%",
     "10.41", "100", ("高频政务服务事项清单信息", "政务服务事项实施清单信息")),
    ("YCSZ-2025-06", "政务服务“好差评”", "分", "数据统计", "7.6", "9.5", ("政务服务“好差评”评价信息",)),
    ("YCSZ-2025-07", "“粤省事”注册率", "%", "数据统计", "100", "100", ("“粤省事”“粤商通”注册用户统计信息",)),
    ("YCSZ-2025-08", "“粤商通”注册率", "%", "数据统计", "57.1", "80", ("“粤省事”“粤商通”注册用户统计信息",)),
    ("YCSZ-2025-09", "“一网统管”行业覆盖率", "%", "“一网统管”覆盖政府行业数/政府行业总数×100%", "", "100",
     ("“一网统管”行业接入信息",)),
    ("YCSZ-2025-10", "“粤政易”日均活跃用户数", "千户", "数据统计", "2.8", "3.3",
     ("“粤政易”用户活跃统计信息",)),
    ("YCSZ-2025-11", "视频终端接入大数据中心数量", "路", "数据统计", "", "1000", ("视频及感知终端接入信息",)),
    ("YCSZ-2025-12", "感知终端接入大数据中心数量", "路", "数据统计", "", "1000", ("视频及感知终端接入信息",)),
    ("YCSZ-2025-13", "电子证照用证率", "%", "使用电子证照行政许可的事项数/行政许可事项数×100%", "24", "95",
     ("政务服务事项实施清单信息", "电子证照信息")),
    ("YCSZ-2025-14", "政府部门电子印章覆盖率", "%", "已制发电子印章的部门数/部门总数×100%", "90", "98",
     ("电子印章制发信息",)),
    ("YCSZ-2025-15", "一体化政务服务平台可网办事项单点登录率", "%",
     "一体化政务服务平台可单点登录的事项数/事项总数×100%", "100", "100", ("政务服务事项实施清单信息",)),
)

HEYUAN_INDICATORS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("HYZW-2020-01", "网上全流程办理率", "%", "可网上全流程办理的事项数/政务服务事项总数×100%", "86", "95",
     ("政务服务事项实施清单信息",)),
    ("HYZW-2020-02", "上网办理率", "%", "可网上办理的事项数/政务服务事项总数×100%", "75", "95",
     ("政务服务事项实施清单信息",)),
    ("HYZW-2020-03", "网上办结率", "%", "网上办结的办件数/办件总数×100%", "73", "92", ("政务服务办件信息",)),
    ("HYZW-2020-04", "不超过1次跑动事项比率", "%", "到办事现场次数不超过1次的事项数/事项总数×100%",
     "84", "90",
     ("政务服务事项实施清单信息",)),
    ("HYZW-2020-05", "零跑动事项比率", "%", "“零跑动”事项数/事项总数×100%", "21", "35",
     ("政务服务事项实施清单信息",)),
    ("HYZW-2020-06", "证照（批文）电子化率", "%", "已实现电子化的证照（批文）数/证照（批文）总数×100%",
     "18", "30",
     ("电子证照信息",)),
)
