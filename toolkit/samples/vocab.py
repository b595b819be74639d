"""Vocabulary for sample orders: people, places, goods and the words customer-service teams type.

Data only, no logic. Every string here must be encodable in GBK (the samples are also written as a
GBK csv), and every clean goods name must pass the intake rules of config/rules/orders.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- people -------------------------------------------------------------------------------------

# The most common Chinese surnames, most frequent first (weights fall off along the list).
SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
) + ("欧阳", "司马", "诸葛")

GIVEN_NAMES: tuple[str, ...] = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "丹",
    "鑫",
    "浩然",
    "子涵",
    "欣怡",
    "宇轩",
    "思远",
    "建国",
    "文博",
    "晓明",
    "婷婷",
    "佳怡",
    "俊杰",
    "雪梅",
    "红梅",
    "国强",
    "春生",
    "立新",
    "玉兰",
    "建军",
    "小龙",
    "志刚",
    "丽娟",
    "永红",
    "晨",
    "宁",
    "博",
    "颖",
    "慧",
)

# How people write a contact when they only know the surname: 王先生, 李女士, 张老板.
HONORIFICS: tuple[str, ...] = ("先生", "女士", "先生", "女士", "老板", "经理", "师傅")

# Shipper companies: {city}{brand}{kind}, e.g. 义乌鑫源贸易有限公司.
COMPANY_BRANDS: tuple[str, ...] = (
    "鑫源",
    "华盛",
    "永达",
    "恒通",
    "宏发",
    "金利",
    "顺昌",
    "瑞丰",
    "天成",
    "汇通",
    "博远",
    "佳和",
)
COMPANY_KINDS: tuple[str, ...] = ("贸易有限公司", "商行", "五金店", "服饰有限公司", "电子科技有限公司", "家具厂")

# --- places -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    name: str  # plain name without 市, as written in served_cities
    province: str  # "" for the four municipalities
    area_code: str  # landline area code with its leading 0
    local_digits: int  # length of a landline number after the area code
    districts: tuple[str, ...]


def _city(name: str, province: str, area: str, districts: str, digits: int = 8) -> City:
    return City(name, province, area, digits, tuple(districts.split()))


# The served cities: every clean destination is one of these (config/rules/orders.yaml lists them).
SERVED_CITIES: tuple[City, ...] = (
    _city("北京", "", "010", "朝阳区 海淀区 丰台区 大兴区 通州区"),
    _city("上海", "", "021", "浦东新区 闵行区 嘉定区 松江区 宝山区"),
    _city("广州", "广东省", "020", "白云区 天河区 番禺区 海珠区"),
    _city("深圳", "广东省", "0755", "宝安区 龙岗区 南山区 福田区"),
    _city("天津", "", "022", "滨海新区 西青区 武清区 南开区"),
    _city("重庆", "", "023", "渝北区 九龙坡区 江北区 沙坪坝区"),
    _city("杭州", "浙江省", "0571", "萧山区 余杭区 西湖区 拱墅区 滨江区"),
    _city("宁波", "浙江省", "0574", "北仑区 鄞州区 海曙区 镇海区"),
    _city("温州", "浙江省", "0577", "鹿城区 瓯海区 龙湾区"),
    _city("绍兴", "浙江省", "0575", "越城区 柯桥区 上虞区"),
    _city("金华", "浙江省", "0579", "婺城区 义乌市 永康市 东阳市"),
    _city("台州", "浙江省", "0576", "椒江区 黄岩区 路桥区"),
    _city("嘉兴", "浙江省", "0573", "南湖区 秀洲区 海宁市"),
    _city("南京", "江苏省", "025", "江宁区 鼓楼区 栖霞区 浦口区"),
    _city("苏州", "江苏省", "0512", "工业园区 吴中区 相城区 昆山市"),
    _city("无锡", "江苏省", "0510", "新吴区 锡山区 惠山区"),
    _city("常州", "江苏省", "0519", "武进区 新北区 天宁区"),
    _city("南通", "江苏省", "0513", "崇川区 通州区 海门区"),
    _city("合肥", "安徽省", "0551", "蜀山区 包河区 庐阳区 瑶海区"),
    _city("福州", "福建省", "0591", "鼓楼区 仓山区 晋安区"),
    _city("厦门", "福建省", "0592", "思明区 湖里区 集美区", digits=7),
    _city("泉州", "福建省", "0595", "丰泽区 鲤城区 晋江市 石狮市"),
    _city("南昌", "江西省", "0791", "东湖区 青山湖区 红谷滩区"),
    _city("济南", "山东省", "0531", "历下区 槐荫区 天桥区"),
    _city("青岛", "山东省", "0532", "市南区 黄岛区 城阳区 李沧区"),
    _city("郑州", "河南省", "0371", "金水区 二七区 管城回族区 中原区"),
    _city("武汉", "湖北省", "027", "江汉区 武昌区 洪山区 东西湖区"),
    _city("长沙", "湖南省", "0731", "岳麓区 雨花区 开福区 芙蓉区"),
    _city("成都", "四川省", "028", "武侯区 成华区 双流区 郫都区"),
    _city("西安", "陕西省", "029", "雁塔区 未央区 长安区 碑林区"),
    _city("沈阳", "辽宁省", "024", "和平区 铁西区 浑南区"),
    _city("大连", "辽宁省", "0411", "甘井子区 沙河口区 金州区"),
    _city("长春", "吉林省", "0431", "朝阳区 南关区 绿园区"),
    _city("哈尔滨", "黑龙江省", "0451", "南岗区 道里区 香坊区"),
    _city("石家庄", "河北省", "0311", "长安区 桥西区 裕华区"),
    _city("昆明", "云南省", "0871", "五华区 盘龙区 官渡区"),
    _city("贵阳", "贵州省", "0851", "南明区 云岩区 观山湖区"),
    _city("东莞", "广东省", "0769", "虎门镇 长安镇 南城街道 松山湖"),
    _city("佛山", "广东省", "0757", "南海区 顺德区 禅城区"),
    _city("太原", "山西省", "0351", "小店区 迎泽区 杏花岭区", digits=7),
)

# Destinations outside the network (planted `destination_not_served`).
UNSERVED_CITIES: tuple[City, ...] = (
    _city("拉萨", "西藏自治区", "0891", "城关区 堆龙德庆区", digits=7),
    _city("乌鲁木齐", "新疆维吾尔自治区", "0991", "天山区 沙依巴克区 新市区", digits=7),
    _city("三沙", "海南省", "0898", "西沙区 南沙区"),
    _city("喀什", "新疆维吾尔自治区", "0998", "喀什市 疏附县"),
    _city("日喀则", "西藏自治区", "0892", "桑珠孜区"),
    _city("和田", "新疆维吾尔自治区", "0903", "和田市 墨玉县"),
)

STREETS: tuple[str, ...] = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "新华路",
    "文化路",
    "长江路",
    "黄河路",
    "和平路",
    "胜利路",
    "友谊路",
    "光明路",
    "工业大道",
    "科技路",
    "创业路",
    "迎宾大道",
    "滨江路",
    "环城北路",
    "东风路",
    "青年路",
    "振兴路",
    "发展大道",
    "金桥路",
    "兴业街",
    "商贸大道",
)
ESTATES: tuple[str, ...] = (
    "阳光花园",
    "锦绣家园",
    "金色港湾",
    "翠苑小区",
    "幸福里",
    "和平新村",
    "桂花园",
    "万科城",
    "世纪花园",
    "都市华庭",
)
PARKS: tuple[str, ...] = ("经济开发区", "高新产业园", "物流园", "工业园", "电商产业园", "五金城", "国际商贸城")


@dataclass(frozen=True)
class Branch:
    name: str  # 营业所
    city: str  # one of SERVED_CITIES
    district: str  # pickups happen around the branch


BRANCHES: tuple[Branch, ...] = (
    Branch("杭州萧山营业所", "杭州", "萧山区"),
    Branch("杭州余杭营业所", "杭州", "余杭区"),
    Branch("宁波北仑营业所", "宁波", "北仑区"),
    Branch("义乌营业所", "金华", "义乌市"),
    Branch("上海嘉定营业所", "上海", "嘉定区"),
    Branch("上海浦东营业所", "上海", "浦东新区"),
    Branch("苏州工业园营业所", "苏州", "工业园区"),
    Branch("广州白云营业所", "广州", "白云区"),
    Branch("深圳宝安营业所", "深圳", "宝安区"),
)

# CS agents' staff numbers (客服工号), as in the manual's `[8011]`.
AGENT_IDS: tuple[str, ...] = (
    "8011",
    "8012",
    "8013",
    "8015",
    "8016",
    "8018",
    "8021",
    "8022",
    "8023",
    "8026",
    "8031",
    "8035",
)

# --- goods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goods:
    name: str
    piece_kg: tuple[float, float]  # weight of one piece
    piece_m3: tuple[float, float]  # volume of one piece
    max_pieces: int
    weight: float = 1.0  # how often it is shipped, relative
    heavy: bool = False  # used for the planted weight-limit orders
    bulky: bool = False  # used for the planted volume-limit orders


GOODS: tuple[Goods, ...] = (
    Goods("配件", (0.5, 20), (0.005, 0.05), 40, 3.0),
    Goods("汽车配件", (1, 30), (0.01, 0.08), 30, 2.0),
    Goods("服装", (5, 25), (0.05, 0.15), 40, 3.0),
    Goods("茶叶", (2, 15), (0.02, 0.08), 30, 1.5),
    Goods("五金工具", (5, 40), (0.02, 0.1), 40, 2.0),
    Goods("电子元件", (1, 15), (0.01, 0.06), 30, 2.0),
    Goods("图书", (10, 30), (0.03, 0.08), 60, 1.0),
    Goods("家具", (20, 150), (0.3, 2.0), 12, 1.5, bulky=True),
    Goods("陶瓷", (10, 40), (0.05, 0.2), 30, 1.0),
    Goods("液体硅胶", (10, 25), (0.02, 0.05), 40, 0.5),  # allowed although it contains 液体
    Goods("枪式钉", (5, 25), (0.01, 0.03), 40, 0.3),  # allowed although it contains 枪
    Goods("电池盒", (1, 10), (0.01, 0.05), 30, 0.3),  # allowed: a plastic box, no battery
    Goods("酒精测试仪外壳", (1, 8), (0.01, 0.05), 20, 0.1),  # allowed: a plastic housing
    Goods("纺织面料", (20, 50), (0.05, 0.2), 40, 1.5),
    Goods("鞋子", (5, 20), (0.05, 0.12), 40, 1.5),
    Goods("日用百货", (5, 30), (0.05, 0.2), 40, 2.0),
    Goods("办公用品", (3, 20), (0.02, 0.1), 30, 1.0),
    Goods("机械设备", (100, 440), (0.3, 2.5), 8, 0.8, heavy=True),
    Goods("钢材", (100, 400), (0.05, 0.3), 10, 0.6, heavy=True),
    Goods("石材", (100, 440), (0.1, 0.5), 10, 0.5, heavy=True),
    Goods("灯具", (2, 15), (0.05, 0.3), 30, 1.0),
    Goods("卫浴洁具", (15, 60), (0.1, 0.4), 20, 0.8),
    Goods("瓷砖", (20, 40), (0.02, 0.05), 60, 1.0),
    Goods("塑料制品", (2, 20), (0.05, 0.3), 40, 1.0),
    Goods("电线电缆", (20, 100), (0.05, 0.3), 20, 0.8),
    Goods("水泵", (10, 80), (0.03, 0.2), 20, 0.5),
    Goods("床上用品", (3, 15), (0.05, 0.2), 30, 1.0),
    Goods("健身器材", (20, 120), (0.2, 1.2), 10, 0.5),
    Goods("玩具", (2, 10), (0.05, 0.25), 40, 1.0),
    Goods("箱包", (2, 10), (0.05, 0.2), 40, 1.0),
    Goods("干货食品", (5, 25), (0.02, 0.08), 30, 1.0),
    Goods("大米", (25, 50), (0.03, 0.05), 60, 0.5),
    Goods("泡沫制品", (1, 5), (0.3, 2.5), 10, 0.5, bulky=True),
    Goods("沙发", (40, 120), (1.0, 2.6), 8, 0.5, bulky=True),
    Goods("门窗配件", (5, 30), (0.02, 0.1), 30, 0.8),
    Goods("医疗器械", (5, 50), (0.05, 0.4), 20, 0.5),
    Goods("样品", (0.5, 5), (0.005, 0.03), 10, 0.8),
    Goods("文件资料", (0.2, 3), (0.001, 0.01), 5, 0.8),
)

GOODS_CONDITIONS_NEW: tuple[str, ...] = ("新", "全新", "新货")
GOODS_CONDITIONS_USED: tuple[str, ...] = ("旧", "旧货", "二手")  # config: used_goods.words

PACKAGING: tuple[str, ...] = ("纸箱", "木箱", "编织袋", "托盘", "泡沫箱", "木架", "缠绕膜")
PACKAGING_WEIGHTS: tuple[float, ...] = (45, 10, 12, 10, 8, 5, 5)

# Accepted spellings (config payment_methods) and how often each is typed.
PAYMENT_SPELLINGS: tuple[str, ...] = ("现付", "到付", "月结", "现金", "寄付", "cash", "collect", "monthly")
PAYMENT_WEIGHTS: tuple[float, ...] = (35, 30, 25, 2, 2, 2, 2, 2)

MOBILE_PREFIXES: tuple[str, ...] = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "195",
    "198",
    "199",
)

# --- planted defects: the wrong values people type ------------------------------------------------

BAD_DATES: tuple[str, ...] = (
    "2026-13-45 25:00",
    "昨天下午",
    "2026-02-30 10:00",
    "2026-09-31 14:20",
    "下午三点",
    "2026/10/32 9:00",
    "待定",
    "2026年10月35日 08:00",
)
BAD_WEIGHTS: tuple[str, ...] = ("二十", "约5", "n/a", "待称重", "五十公斤", "十几")
BAD_VOLUMES: tuple[str, ...] = ("约0.5", "n/a", "半方", "不详", "零点三")
BAD_MONEY: tuple[str, ...] = ("n/a", "约2000", "两千", "面议", "不详")
BAD_PIECES: tuple[str, ...] = ("2.5", "1.5", "3.5", "五", "若干", "一批")
BAD_PAYMENTS: tuple[str, ...] = ("支付宝", "赊账", "weixin", "微信", "挂账", "银行转账")
NO_PACKAGING: tuple[str, ...] = ("裸装", "裸装", "裸装", "无包装", "无")
# Landline numbers without area code that no Chinese number plan accepts (checked with phonenumbers).
LANDLINE_NO_AREA_PREFIXES: tuple[str, ...] = ("62", "65", "67", "68", "84", "86")

PROHIBITED_GOODS: tuple[str, ...] = (
    "锂电池",
    "充电宝 20000mAh",
    "进口打火机",
    "汽油",
    "电池组",
    "移动电源",
    "烟花",
    "鞭炮",
    "管制刀具",
    "户外匕首",
    "工业酒精",
    "农药",
    "硫酸",
    "易燃品",
    "液态胶水",
    "点火器",
)
EMBARGOED_GOODS: tuple[str, ...] = (
    "活体动物",
    "活体动物（宠物犬）",
    "文物",
    "古董文物",
    "象牙制品",
    "象牙雕刻",
    "人民币",
)
