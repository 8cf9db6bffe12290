"""The demo shop's cast: teams, agents, customer names and the catalogue. Pure data."""

from __future__ import annotations

TEAMS = [
    ("presales", "Pre-sales 售前"),
    ("aftersales", "After-sales 售后"),
    ("returns", "Returns 退换货"),
    ("vip", "VIP"),
    ("marketplace", "Marketplace"),
]

# remote id, name, e-mail, teams, capacity
AGENTS = [
    ("a-lin", "林晓雯 Lin Xiaowen", "lin@shop.example", ["presales", "vip"], 25),
    ("a-zhou", "周浩 Zhou Hao", "zhou@shop.example", ["aftersales"], 20),
    ("a-chen", "陈静 Chen Jing", "chen@shop.example", ["aftersales", "returns"], 20),
    ("a-wang", "王磊 Wang Lei", "wang@shop.example", ["returns"], 18),
    ("a-liu", "刘芳 Liu Fang", "liu@shop.example", ["presales"], 30),
    ("a-zhang", "张伟 Zhang Wei", "zhang@shop.example", ["marketplace"], 20),
    ("a-emma", "Emma Walsh", "emma@shop.example", ["marketplace", "aftersales"], 22),
    ("a-omar", "Omar Haddad", "omar@shop.example", ["returns", "aftersales"], 20),
    ("a-sofia", "Sofía Marín", "sofia@shop.example", ["presales"], 25),
    ("a-tom", "Tom Becker", "tom@shop.example", ["vip", "marketplace"], 15),
    ("a-yuki", "佐藤由纪 Yuki Sato", "yuki@shop.example", ["aftersales"], 20),
    ("a-grace", "Grace Okafor", "grace@shop.example", ["vip"], 12),
]

ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
ZH_GIVEN = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "晓明", "婷婷", "思远", "子涵", "雨桐", "浩然", "欣怡", "梓萱", "一鸣",
    "佳怡", "宇轩", "诗涵", "俊杰", "晨曦", "若曦", "天宇", "梦琪",
]
EN_FIRST = [
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "James", "Isabella", "William",
    "Mia", "Benjamin", "Charlotte", "Lucas", "Harper", "Henry", "Evelyn", "Theodore", "Priya", "Mateo", "Aisha",
    "Diego", "Hannah", "Kenji", "Fatima", "Jonas", "Chloe", "Ethan", "Zoe", "Samuel", "Nora", "Daniel", "Leah",
]
EN_LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Patel", "Nguyen", "Kim", "Novak",
]

# sku, English title, Chinese title, price in cents, sizes or colours offered
PRODUCTS = [
    ("LL-TR01", "Trail running shoes", "越野跑鞋", 89900, ["38", "39", "40", "41", "42", "43", "44"]),
    ("LL-DJ02", "Down jacket", "轻薄羽绒服", 129900, ["S", "M", "L", "XL"]),
    ("LL-WS03", "Merino wool sweater", "美利奴羊毛衫", 59900, ["S", "M", "L", "XL"]),
    ("LL-LB04", "Linen bedding set", "亚麻四件套", 79900, ["1.5m", "1.8m", "2.0m"]),
    ("LL-CK05", "Cast-iron casserole", "铸铁珐琅锅", 49900, ["22cm", "24cm", "26cm"]),
    ("LL-BP06", "Commuter backpack", "通勤双肩包", 39900, ["black 黑色", "grey 灰色", "navy 藏青"]),
    ("LL-SD07", "Silk dress", "真丝连衣裙", 99900, ["XS", "S", "M", "L"]),
    ("LL-EB08", "Wireless earbuds", "无线蓝牙耳机", 69900, ["white 白色", "black 黑色"]),
    ("LL-YM09", "Yoga mat", "瑜伽垫", 19900, ["6mm", "8mm"]),
    ("LL-TC10", "Tea set, celadon", "青瓷茶具套装", 35900, ["6 cups", "4 cups"]),
    ("LL-RC11", "Rain coat", "防水冲锋衣", 75900, ["S", "M", "L", "XL", "XXL"]),
    ("LL-SW12", "Smart watch strap", "智能手表表带", 9900, ["38mm", "42mm", "44mm"]),
    ("LL-KN13", "Chef's knife", "主厨刀", 29900, ["20cm"]),
    ("LL-DS14", "Desk lamp", "护眼台灯", 25900, ["warm 暖光", "daylight 白光"]),
    ("LL-SN15", "Canvas sneakers", "帆布鞋", 27900, ["36", "37", "38", "39", "40", "41", "42"]),
    ("LL-TW16", "Bath towel set", "纯棉浴巾套装", 15900, ["white 白色", "sand 沙色"]),
]

MARKETPLACES = {
    "zh": ["Tmall 天猫", "JD 京东", "Own shop 官网", "WeChat mini-program 小程序"],
    "en": ["Own shop", "Amazon.com", "Amazon.co.uk", "Own shop"],
}
CARRIERS = {"zh": ["SF Express 顺丰", "ZTO 中通", "YTO 圆通", "JD Logistics 京东物流"], "en": ["UPS", "DHL", "USPS", "Royal Mail"]}
CURRENCY = {"zh": "CNY", "en": "USD"}
