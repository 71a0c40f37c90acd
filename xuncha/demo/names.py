"""The fictional 江城市 and the names the demo draws from.

Everything here is invented; any likeness to a real place or person is chance. Slugs are pinyin and
become unit codes and login names, so they stay ASCII and short.
"""

from __future__ import annotations

CITY = ("江城市", "JC")

# City-level bodies: (slug, name, short name).
CITY_UNITS = (
    ("xuncha", "中共江城市委巡察工作领导小组办公室", "市委巡察办"),
    ("jiwei", "江城市纪委监委", "市纪委监委"),
    ("zuzhi", "中共江城市委组织部", "市委组织部"),
    ("wangxin", "中共江城市委网络安全和信息化委员会办公室", "市委网信办"),
)

# The first two counties are fixed (the README and tests name them); more come from the grid below
# when ``scale`` asks for them.
COUNTIES = (("东湖区", "donghu"), ("西山县", "xishan"))
COUNTY_FIRST = (("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("青", "qing"),
                ("白", "bai"), ("金", "jin"), ("石", "shi"), ("云", "yun"), ("桃", "tao"))
COUNTY_SECOND = (("湖", "hu"), ("山", "shan"), ("江", "jiang"), ("河", "he"), ("溪", "xi"),
                 ("岭", "ling"), ("川", "chuan"), ("林", "lin"), ("源", "yuan"), ("坪", "ping"))

# Committee offices of a county committee: (slug, name pattern, short pattern); {c} is 东湖区.
COMMITTEE_OFFICES = (
    ("bangong", "中共{c}委办公室", "{c}委办"),
    ("xuncha", "中共{c}委巡察工作领导小组办公室", "{c}委巡察办"),
    ("jiwei", "{c}纪委监委", "{c}纪委监委"),
    ("zuzhi", "中共{c}委组织部", "{c}委组织部"),
    ("xuanchuan", "中共{c}委宣传部", "{c}委宣传部"),
    ("tongzhan", "中共{c}委统战部", "{c}委统战部"),
    ("zhengfa", "中共{c}委政法委员会", "{c}委政法委"),
    ("ducha", "中共{c}委督查室", "{c}委督查室"),
    ("bianban", "{c}委机构编制委员会办公室", "{c}委编办"),
)

# Government departments: (slug, name, short name) — name and short are appended to the county.
DEPARTMENTS = (
    ("zfb", "人民政府办公室", "政府办"),
    ("fgw", "发展和改革委员会", "发改委"),
    ("jyj", "教育局", "教育局"),
    ("kjj", "科学技术局", "科技局"),
    ("gxj", "工业和信息化局", "经信局"),
    ("gaj", "公安局", "公安局"),
    ("mzj", "民政局", "民政局"),
    ("sfj", "司法局", "司法局"),
    ("czj", "财政局", "财政局"),
    ("rsj", "人力资源和社会保障局", "人社局"),
    ("zrzyj", "自然资源和规划局", "自然资源局"),
    ("sthj", "生态环境局", "生态环境局"),
    ("zjj", "住房和城乡建设局", "住建局"),
    ("jtj", "交通运输局", "交通局"),
    ("slj", "水利局", "水利局"),
    ("nyj", "农业农村局", "农业农村局"),
    ("swj", "商务局", "商务局"),
    ("wlj", "文化和旅游局", "文旅局"),
    ("wjw", "卫生健康委员会", "卫健委"),
    ("tyjrj", "退役军人事务局", "退役军人局"),
    ("yjj", "应急管理局", "应急局"),
    ("sjj", "审计局", "审计局"),
    ("scjgj", "市场监督管理局", "市场监管局"),
    ("tjj", "统计局", "统计局"),
    ("ybj", "医疗保障局", "医保局"),
    ("xfj", "信访局", "信访局"),
    ("cgj", "城市管理局", "城管局"),
)

STATE_FIRMS = (
    ("chengtou", "城市建设投资集团有限公司", "城投集团"),
    ("guozi", "国有资产经营有限公司", "国资公司"),
    ("shuiwu", "水务集团有限公司", "水务集团"),
)
SCHOOLS = (
    ("yizhong", "第一中学", "一中"),
    ("shixiao", "实验小学", "实验小学"),
    ("zhijiao", "职业教育中心", "职教中心"),
)
HOSPITALS = (
    ("renmin", "人民医院", "人民医院"),
    ("zhongyi", "中医医院", "中医院"),
)

# Townships and streets; a 区 has mostly streets, a 县 towns and a 乡.
PLACES = (
    ("青石", "qingshi"), ("柳湾", "liuwan"), ("龙泉", "longquan"), ("花桥", "huaqiao"),
    ("白马", "baima"), ("长岭", "changling"), ("黄桷", "huangjue"), ("双河", "shuanghe"),
    ("三江", "sanjiang"), ("新桥", "xinqiao"), ("凤凰", "fenghuang"), ("桂花", "guihua"),
    ("杨柳", "yangliu"), ("金竹", "jinzhu"), ("梅溪", "meixi"), ("松林", "songlin"),
    ("鹤鸣", "heming"), ("铁山", "tieshan"), ("清水", "qingshui"), ("桃花", "taohua"),
)
VILLAGES = (
    ("柳树", "liushu"), ("石桥", "shiqiao"), ("大坪", "daping"), ("新华", "xinhua"),
    ("红星", "hongxing"), ("光明", "guangming"), ("幸福", "xingfu"), ("团结", "tuanjie"),
    ("和平", "heping"), ("向阳", "xiangyang"), ("金星", "jinxing"), ("东风", "dongfeng"),
    ("胜利", "shengli"), ("联合", "lianhe"), ("永安", "yongan"), ("太平", "taiping"),
    ("玉泉", "yuquan"), ("银杏", "yinxing"), ("荷花", "hehua"), ("竹林", "zhulin"),
    ("茶园", "chayuan"), ("水井", "shuijing"), ("高峰", "gaofeng"), ("堰塘", "yantang"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志红文斌燕梅东海春雪玉兰德永立新俊宏欣思远"
    "涵宇航晨浩然婷颖琳鹏飞彬辉晓庆云峰凯琴佳怡轩嘉瑞泽楠蕾倩薇晶秀英桂林振卫松波"
)

# Chinese numerals for team and term names.
NUMERALS = "零一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 15 → 十五 (enough for terms and team numbers)."""
    if n <= 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + (NUMERALS[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return NUMERALS[tens] + "十" + (NUMERALS[ones] if ones else "")
