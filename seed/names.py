"""Name pools for the demo dataset: Hebei places, trade names (字号), people.

Every firm and person in the seed is fictional: trade names are built from two
auspicious characters, people's names from common surnames and given-name
characters, so any resemblance to a real firm or person is a coincidence.
"""

from __future__ import annotations

import random

PROVINCE = "河北省"

# City -> (city division code, [(district code, district name)], branch, rm username).
# Division codes are the real administrative codes (GB/T 2260) of Hebei.
CITIES: dict[str, tuple[str, list[tuple[str, str]], str, str]] = {
    "石家庄市": (
        "130100",
        [
            ("130102", "长安区"),
            ("130104", "桥西区"),
            ("130105", "新华区"),
            ("130108", "裕华区"),
            ("130181", "辛集市"),
        ],
        "石家庄分行",
        "rm_sjz",
    ),
    "唐山市": (
        "130200",
        [
            ("130202", "路南区"),
            ("130203", "路北区"),
            ("130207", "丰南区"),
            ("130208", "丰润区"),
            ("130283", "迁安市"),
            ("130281", "遵化市"),
        ],
        "唐山分行",
        "rm_ts",
    ),
    "秦皇岛市": ("130300", [("130302", "海港区"), ("130304", "北戴河区")], "唐山分行", "rm_ts"),
    "邯郸市": (
        "130400",
        [("130402", "邯山区"), ("130403", "丛台区"), ("130481", "武安市")],
        "邯郸分行",
        "rm_hd",
    ),
    "邢台市": ("130500", [("130502", "襄都区"), ("130503", "信都区")], "邯郸分行", "rm_hd"),
    "保定市": (
        "130600",
        [("130602", "竞秀区"), ("130606", "莲池区"), ("130681", "涿州市")],
        "保定分行",
        "rm_bd",
    ),
    "承德市": ("130800", [("130802", "双桥区")], "唐山分行", "rm_ts"),
    "沧州市": (
        "130900",
        [("130902", "新华区"), ("130903", "运河区"), ("130981", "泊头市")],
        "石家庄分行",
        "rm_sjz",
    ),
    "廊坊市": ("131000", [("131002", "安次区"), ("131003", "广阳区")], "保定分行", "rm_bd"),
    "衡水市": ("131100", [("131102", "桃城区")], "石家庄分行", "rm_sjz"),
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
GIVEN = "建国志强海军秀英桂兰玉梅立新春华永刚红霞晓东丽娟文斌雪峰振宇俊杰淑芬国庆宝山凤琴学军德明金龙长青亚楠静怡子涵浩然雨欣佳琪博文思远"

TRADE_CHARS = "恒泰鑫源隆盛华宏达昌兴瑞丰安通汇金德信诚宝利福嘉顺聚永佳创新博远启正元康立广天明辉凯润晟铭腾越祥荣海峰宇诺豪益万和众美冠邦禾川"


def person_name(rng: random.Random, used: set[str]) -> str:
    while True:
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def trade_name(rng: random.Random) -> str:
    a = rng.choice(TRADE_CHARS)
    b = rng.choice(TRADE_CHARS)
    while b == a:
        b = rng.choice(TRADE_CHARS)
    return a + b


def short_city(city: str) -> str:
    return city.removesuffix("市")


# Supplier lines of the steel group: (industry code, business word, weight).
STEEL_SUPPLIER_LINES = (
    ("mining", "矿业", 5),
    ("manufacturing", "焦化", 3),
    ("manufacturing", "耐火材料", 3),
    ("manufacturing", "机械设备", 4),
    ("manufacturing", "电气设备", 2),
    ("manufacturing", "冶金辅料", 2),
    ("manufacturing", "包装材料", 1),
    ("wholesale", "矿产品贸易", 4),
    ("wholesale", "再生资源回收", 3),
    ("wholesale", "煤炭销售", 2),
    ("transport", "物流", 4),
    ("construction", "建设工程", 2),
    ("software_it", "信息技术", 1),
    ("leasing_business_services", "工业服务", 1),
)

STEEL_DEALER_WORDS = ("钢材贸易", "物资", "金属材料", "钢铁销售", "建材贸易")
STEEL_MERCHANT_IB = (
    "钢材商行",
    "钢材经销处",
    "建材商行",
    "金属材料经营部",
    "钢管门市部",
    "五金钢材店",
)
STEEL_MERCHANT_CO = ("钢材贸易", "金属材料", "钢铁物资", "板材贸易")
HOME_MERCHANT_IB = (
    "家具店",
    "陶瓷经营部",
    "灯饰商行",
    "卫浴门市部",
    "窗帘布艺店",
    "地板经销处",
    "橱柜经营部",
    "壁纸商行",
    "门业经销部",
    "软装饰品店",
)
HOME_MERCHANT_CO = ("家居", "家具销售", "装饰材料", "整体橱柜", "建材", "智能家居")
TYRE_DEALER_WORDS = ("轮胎销售", "汽配贸易", "轮胎经销")
