"""Word lists the catalogue generator draws from: goods, brand renderings, seller names, wording.

Why a separate module: the generator's logic stays short, and the realism (evasive spellings sellers
really use, accessories, word-sense traps, ordinary goods) is data an analyst can review and extend.
Every list is plain data; nothing here is random.
"""

from __future__ import annotations

# Category slug → display name (bazaar's categories partition its items; others show the name).
CATEGORIES: dict[str, str] = {
    "sports-shoes": "运动鞋", "apparel": "服饰", "bags": "箱包", "watches-jewelry": "手表饰品",
    "phones-digital": "手机数码", "appliances": "家用电器", "beauty": "美妆护肤", "snacks": "休闲食品",
    "fresh": "生鲜水果", "grain-oil": "米面粮油", "tea": "茶叶", "liquor": "酒水", "health": "医药保健",
    "medical": "医疗器械", "baby": "母婴用品", "toys": "玩具乐器", "seeds": "种子园艺", "home": "家居日用",
    "collectibles": "文创收藏", "crafts": "工艺礼品", "sports": "运动户外", "auto": "汽车用品",
}

# Trademark goods: right id → [(product phrase, category slug, price multiplier of reference_price)].
TM_GOODS: dict[str, list[tuple[str, str, float]]] = {
    "tm-nike": [("Air Force 1 空军一号 板鞋", "sports-shoes", 1.1), ("Air Max 270 气垫跑步鞋", "sports-shoes", 1.4),
                ("Dunk Low 复古板鞋", "sports-shoes", 1.2), ("Air Jordan 1 高帮篮球鞋", "sports-shoes", 1.9),
                ("Pegasus 41 缓震跑鞋", "sports-shoes", 1.3), ("速干运动短袖T恤", "apparel", 0.3),
                ("加绒连帽卫衣", "apparel", 0.7), ("针织运动长裤", "apparel", 0.5), ("大容量双肩包", "bags", 0.45)],
    "tm-adidas": [("Samba OG 德训鞋", "sports-shoes", 1.3), ("三叶草 Superstar 贝壳头板鞋", "sports-shoes", 1.2),
                  ("Ultraboost 跑步鞋", "sports-shoes", 2.0), ("三条纹运动外套", "apparel", 0.8),
                  ("足球训练服 套装", "apparel", 0.6), ("运动斜挎包", "bags", 0.4), ("比赛用足球 5号", "sports", 0.3)],
    "tm-new-balance": [("574 复古跑鞋", "sports-shoes", 0.9), ("990v6 美产跑鞋", "sports-shoes", 2.3),
                       ("530 老爹鞋", "sports-shoes", 1.0), ("2002R 休闲鞋", "sports-shoes", 1.3), ("运动卫衣", "apparel", 0.6)],
    "tm-li-ning": [("韦德之道 篮球鞋", "sports-shoes", 3.0), ("赤兔7 跑步鞋", "sports-shoes", 1.2),
                   ("运动卫衣 男款", "apparel", 0.8), ("羽毛球拍 全碳素", "sports", 1.5), ("运动双肩包", "bags", 0.5)],
    "tm-anta": [("KT9 篮球鞋", "sports-shoes", 3.0), ("马赫4 跑步鞋", "sports-shoes", 1.6), ("运动短袖", "apparel", 0.3),
                ("冲锋衣 三合一", "apparel", 2.0), ("训练短裤", "apparel", 0.3)],
    "tm-the-north-face": [("1996 经典羽绒服", "apparel", 1.4), ("冲锋衣 防水外套", "apparel", 1.0),
                          ("抓绒外套", "apparel", 0.5), ("双肩背包 30L", "bags", 0.5), ("户外登山鞋", "sports-shoes", 0.7)],
    "tm-louis-vuitton": [("Neverfull 老花托特包", "bags", 1.0), ("Speedy 25 手提包", "bags", 0.9),
                         ("老花钱包 长款", "bags", 0.4), ("老花腰带", "apparel", 0.35), ("印花丝巾", "apparel", 0.3)],
    "tm-gucci": [("Marmont 链条包", "bags", 2.0), ("双G 腰带", "apparel", 0.5), ("小蜜蜂 T恤", "apparel", 0.7),
                 ("竹节手提包", "bags", 3.0), ("花卉香水 100ml", "beauty", 0.15)],
    "tm-chanel": [("CF 经典口盖包", "bags", 55.0), ("5号香水 100ml", "beauty", 1.3), ("可可小姐香水", "beauty", 1.1),
                  ("山茶花 精华", "beauty", 1.0), ("小香风 粗花呢外套", "apparel", 30.0), ("珍珠耳环", "watches-jewelry", 5.0)],
    "tm-hermes": [("Birkin 30 铂金包", "bags", 3.0), ("Kelly 25 凯莉包", "bags", 2.5), ("H扣 腰带", "apparel", 0.3),
                  ("真丝方巾 90", "apparel", 0.15), ("Oran 拖鞋", "sports-shoes", 0.25)],
    "tm-rolex": [("潜航者 绿水鬼 腕表", "watches-jewelry", 1.3), ("日志型 男士机械表", "watches-jewelry", 1.0),
                 ("宇宙计型迪通拿 腕表", "watches-jewelry", 2.5), ("蚝式恒动 女表", "watches-jewelry", 0.8)],
    "tm-apple": [("iPhone 15 Pro Max 256G", "phones-digital", 1.6), ("iPhone 15 128G 全网通", "phones-digital", 1.0),
                 ("AirPods Pro 2 降噪耳机", "phones-digital", 0.3), ("iPad Air 11寸 平板", "phones-digital", 0.8),
                 ("Apple Watch S9 智能手表", "phones-digital", 0.5), ("MacBook Air M3 笔记本", "phones-digital", 1.5)],
    "tm-huawei": [("Mate 60 Pro 12+512G", "phones-digital", 1.7), ("nova 12 5G 手机", "phones-digital", 0.7),
                  ("FreeBuds Pro 3 耳机", "phones-digital", 0.3), ("Watch GT4 智能手表", "phones-digital", 0.4),
                  ("MatePad 11.5 平板", "phones-digital", 0.55), ("66W 超级快充 充电器", "phones-digital", 0.04)],
    "tm-xiaomi": [("14 Ultra 徕卡影像 手机", "phones-digital", 3.2), ("Redmi K70 5G 手机", "phones-digital", 1.2),
                  ("手环8 NFC版", "phones-digital", 0.13), ("米家扫地机器人", "appliances", 1.0),
                  ("空气净化器 4 Pro", "appliances", 0.6), ("电饭煲 4L", "appliances", 0.15)],
    "tm-samsung": [("Galaxy S24 Ultra 12+256G", "phones-digital", 1.9), ("Galaxy Z Flip5 折叠屏", "phones-digital", 1.5),
                   ("Galaxy Buds2 Pro 耳机", "phones-digital", 0.2), ("T7 移动固态硬盘 1TB", "phones-digital", 0.15),
                   ("990 PRO 固态硬盘 2TB", "phones-digital", 0.3)],
    "tm-sony": [("WH-1000XM5 降噪耳机", "phones-digital", 0.8), ("A7M4 全画幅微单", "phones-digital", 5.5),
                ("PS5 游戏主机 光驱版", "phones-digital", 1.2), ("WF-1000XM5 真无线耳机", "phones-digital", 0.6)],
    "tm-dji": [("Mini 4 Pro 无人机", "phones-digital", 1.0), ("Osmo Pocket 3 云台相机", "phones-digital", 0.75),
               ("Action 4 运动相机", "phones-digital", 0.55), ("RS 4 手持云台稳定器", "phones-digital", 0.7)],
    "tm-dyson": [("V12 无线吸尘器", "appliances", 1.1), ("Supersonic 吹风机 HD15", "appliances", 0.8),
                 ("Airwrap 美发造型器", "appliances", 1.1), ("空气净化风扇 TP10", "appliances", 0.9)],
    "tm-wuliangye": [("第八代 52度 500ml", "liquor", 1.0), ("52度 浓香型白酒 双瓶礼盒", "liquor", 2.0),
                     ("1618 52度 500ml", "liquor", 1.1)],
    "tm-feihe": [("星飞帆 3段 婴幼儿配方奶粉 700g", "baby", 1.0), ("臻稚 有机奶粉 2段", "baby", 1.3),
                 ("飞帆 1段 奶粉 900g", "baby", 0.8)],
    "tm-aptamil": [("白金版 3段 婴儿奶粉 800g", "baby", 1.2), ("卓萃 2段 奶粉", "baby", 1.4), ("经典 1段 奶粉 900g", "baby", 0.9)],
    "tm-yunnan-baiyao": [("创可贴 100片", "health", 0.7), ("气雾剂 85g+30g", "health", 1.0),
                         ("牙膏 薄荷清爽 210g", "beauty", 1.0), ("膏药 10贴", "health", 0.9)],
    "tm-tongrentang": [("安宫牛黄丸 3g", "health", 6.0), ("六味地黄丸 360丸", "health", 0.4),
                       ("阿胶糕 500g", "health", 1.5), ("枸杞原浆", "health", 1.2)],
    "tm-pientzehuang": [("片仔癀锭 3g", "health", 1.0), ("珍珠霜 25g", "beauty", 0.15), ("牙膏 护龈", "beauty", 0.06)],
    "tm-yuwell": [("电子血压计 上臂式 YE660", "medical", 1.0), ("家用制氧机 1L", "medical", 6.0),
                  ("指夹式血氧仪", "medical", 0.8), ("雾化器 儿童家用", "medical", 1.2)],
    "tm-omron": [("电子血压计 U10K", "medical", 1.0), ("电子体温计 MC-246", "medical", 0.15),
                 ("低频治疗仪 颈椎按摩", "medical", 1.3)],
    "tm-lego": [("机械组 保时捷 911 42096", "toys", 2.5), ("城市组 警察局 60316", "toys", 1.0),
                ("星球大战 千年隼 75192", "toys", 12.0), ("得宝 大颗粒 数字火车", "toys", 0.6)],
    "tm-longping": [("隆两优华占 杂交水稻种子 1kg", "seeds", 1.0), ("晶两优534 水稻种子", "seeds", 1.2),
                    ("玉米种子 高产 2kg", "seeds", 1.5)],
    "tm-estee-lauder": [("小棕瓶 精华 50ml", "beauty", 1.0), ("DW 持妆粉底液 30ml", "beauty", 0.6),
                        ("智妍 面霜 50ml", "beauty", 1.2), ("眼霜 15ml", "beauty", 0.8)],
    "tm-lancome": [("小黑瓶 精华肌底液 50ml", "beauty", 1.1), ("菁纯 面霜 60ml", "beauty", 2.3),
                   ("粉水 清滢柔肤水 400ml", "beauty", 0.6), ("持妆粉底液", "beauty", 0.6)],
}

# Hand-collected evasive renderings (DOMAIN.md "How infringers dodge filters"): homophones, shape-alike
# characters and nicknames. Traditional characters, pinyin, letter swaps, spacing and emoji are derived.
HOMOPHONES: dict[str, list[str]] = {
    "tm-nike": ["耐可", "奈克", "耐刻"], "tm-adidas": ["阿迪达丝", "阿迪大斯", "啊迪达斯"], "tm-new-balance": ["新白伦", "新百轮"],
    "tm-li-ning": ["李柠", "里宁"], "tm-anta": ["安塔", "桉踏"], "tm-louis-vuitton": ["路易维登", "路易威顿"],
    "tm-gucci": ["古池", "古迟"], "tm-chanel": ["香奈尔", "香耐儿", "香乃儿"], "tm-hermes": ["爱马士", "爱码仕"],
    "tm-rolex": ["劳力仕", "老力士"], "tm-huawei": ["花为", "华伟"], "tm-samsung": ["叁星"], "tm-sony": ["索妮"],
    "tm-dji": ["大江"], "tm-dyson": ["代森", "戴僧"], "tm-wuliangye": ["伍粮液", "五良液"], "tm-feihe": ["飞贺"],
    "tm-aptamil": ["爱她美"], "tm-yunnan-baiyao": ["云南百药"], "tm-tongrentang": ["同仁唐"], "tm-pientzehuang": ["片仔黄"],
    "tm-yuwell": ["渔跃"], "tm-omron": ["欧母龙"], "tm-lego": ["勒高"], "tm-estee-lauder": ["雅思兰黛", "雅诗兰戴"],
    "tm-lancome": ["兰寇"], "tm-xiaomi": ["小咪"],
}
SHAPE_ALIKES: dict[str, list[str]] = {
    "tm-adidas": ["阿迪达期", "阿迪达斬"], "tm-li-ning": ["季宁", "李拧"], "tm-anta": ["安蹋"], "tm-gucci": ["古弛"],
    "tm-rolex": ["劳力土", "劳カ士"], "tm-huawei": ["华沩", "华伪"], "tm-wuliangye": ["五梁液"], "tm-yunnan-baiyao": ["云南自药"],
    "tm-pientzehuang": ["片仔璜"], "tm-dji": ["大彊"], "tm-lego": ["乐膏"], "tm-new-balance": ["新百仑"],
    "tm-nike": ["耐剋"], "tm-hermes": ["爱马任"], "tm-lancome": ["兰寇"], "tm-yuwell": ["鱼趺"], "tm-feihe": ["飞鸖"],
}
NICKNAMES: dict[str, list[str]] = {
    "tm-louis-vuitton": ["驴牌", "老花", "L家", "驴家"], "tm-chanel": ["C家", "小香", "香家"], "tm-nike": ["N家", "钩子牌"],
    "tm-gucci": ["G家", "古奇家"], "tm-hermes": ["H家", "爱马"], "tm-rolex": ["劳家", "R家"], "tm-the-north-face": ["TNF", "北脸"],
    "tm-new-balance": ["NB", "N字鞋"], "tm-adidas": ["阿迪", "三道杠"], "tm-estee-lauder": ["雅家"], "tm-dyson": ["戴家"],
    "tm-huawei": ["菊厂"], "tm-apple": ["水果机"],
}

# Counterfeit wording (labelling.md: any of these makes plain-mark use infringing).
COUNTERFEIT_WORDS = ["高仿", "A货", "超A", "1:1", "原单", "复刻", "纯原", "公司级", "尾单", "专柜同款", "大牌平替",
                     "replica", "AAA", "mirror", "莆田纯原", "顶级版本", "原厂皮", "细节对比原版"]
# Claims every seller makes, genuine or not: they must not decide the label.
CLAIM_WORDS = ["正品", "保证正品", "假一赔十", "支持验货", "专柜验货", "官方正品", "全国联保", "可开发票"]
SELL_WORDS = ["包邮", "现货", "秒发", "热卖", "新款", "2025新款", "2026新款", "爆款", "限时特惠", "清仓", "男女同款",
              "情侣款", "送礼", "礼盒装", "学生", "大码", "百搭", "经典款", "秋冬", "夏季", "", "", ""]
RESALE_WORDS = ["二手", "闲置", "自用", "95新", "9成新", "仅试穿", "专柜购入 附小票", "国行", "转让", "", ""]

# Referential use: accessories that fit a brand's product (not infringing, labelling.md rule 4).
REFERENTIAL: dict[str, list[tuple[str, str]]] = {
    "tm-apple": [("适用于iPhone 15 Pro 手机壳 {a}", "phones-digital"), ("适用苹果 20W PD快充 数据线 1米", "phones-digital"),
                 ("iPhone 15 钢化膜 适用 防窥", "phones-digital"), ("适配AirPods Pro 2 保护套 {a}", "phones-digital")],
    "tm-huawei": [("兼容华为 66W 超级快充 充电器", "phones-digital"), ("适用华为Mate 60 Pro 手机壳 {a}", "phones-digital"),
                  ("适配华为 Watch GT4 表带 硅胶", "phones-digital")],
    "tm-samsung": [("适用三星 S24 Ultra 钢化膜 2片装", "phones-digital"), ("兼容三星 Galaxy 快充 数据线", "phones-digital")],
    "tm-xiaomi": [("适用小米14 手机壳 {a}", "phones-digital"), ("兼容小米手环8 替换腕带", "phones-digital")],
    "tm-sony": [("适用索尼 WH-1000XM5 耳机套 替换", "phones-digital"), ("适配索尼 A7M4 相机 保护贴膜", "phones-digital")],
    "tm-dji": [("适用大疆 Mini 4 Pro 螺旋桨 桨叶 配件", "phones-digital"), ("适配DJI Pocket 3 保护壳", "phones-digital")],
    "tm-dyson": [("适配戴森 V10 V11 吸尘器 滤网 配件", "appliances"), ("适用戴森吹风机 收纳架 免打孔", "home")],
    "tm-nike": [("for Nike AF1 鞋带 替换 {a}", "sports-shoes"), ("适用耐克 空军一号 鞋撑 防皱", "sports-shoes")],
    "tm-lego": [("兼容乐高 积木 底板 32x32", "toys"), ("适用乐高 千年隼 展示盒 亚克力", "toys")],
    "tm-rolex": [("适配劳力士 绿水鬼 表带 氟橡胶 20mm", "watches-jewelry")],
    "tm-omron": [("适用欧姆龙 血压计 袖带 22-32cm", "medical")],
    "tm-yuwell": [("适用鱼跃 制氧机 一次性鼻氧管 10根", "medical")],
    "tm-louis-vuitton": [("适用LV Neverfull 包中包 内胆 收纳", "bags")],
    "tm-hermes": [("适用爱马仕 铂金包 防变形 包枕", "bags")],
    "tm-new-balance": [("适用新百伦 990 鞋垫 减震", "sports-shoes")],
    "tm-the-north-face": [("适用北面 1996 羽绒服 清洗剂", "home")],
}

# Goods outside most marks' classes, with their Nice class, for well-known marks used AS a mark (tm_cross_class).
CROSS_CLASS_GOODS: list[tuple[str, int, str, float]] = [
    ("电饭煲 4L 家用", 11, "appliances", 199), ("电动车 48V 成人代步", 12, "auto", 1899), ("保温杯 316不锈钢 500ml", 21, "home", 59),
    ("床上四件套 纯棉", 24, "home", 229), ("抽纸 24包 整箱", 16, "home", 39), ("洗衣液 10斤装", 3, "home", 49),
    ("宠物猫粮 5kg", 31, "home", 129), ("食用油 5L", 29, "grain-oil", 79), ("矿泉水 24瓶 整箱", 32, "snacks", 36),
    ("智能门锁 指纹锁", 6, "home", 899), ("五金工具套装 家用", 8, "home", 159), ("电热水壶 1.7L", 11, "appliances", 89),
    ("白酒 53度 500ml", 33, "liquor", 168), ("火锅底料 牛油 500g", 30, "snacks", 29), ("蚊香液 驱蚊", 5, "home", 25),
    ("儿童自行车 14寸", 12, "toys", 399), ("电动牙刷 声波", 21, "beauty", 129), ("空调 1.5匹 变频", 11, "appliances", 2599),
]

# Word-sense traps: a register word in its ordinary meaning (infringes nothing). {a} = an adjective slot.
TM_WORDSENSE: list[tuple[str, str, float, float]] = [
    ("红富士苹果 5斤 {a} 脆甜", "fresh", 19.9, 49.9), ("陕西洛川苹果 新鲜水果 10斤", "fresh", 39.9, 79.9),
    ("苹果醋 饮料 350ml*12瓶", "snacks", 29.9, 59.9), ("苹果绿 连衣裙 {a}", "apparel", 89, 259),
    ("苹果肌 填充 面霜 {a}", "beauty", 39, 129), ("冰糖心苹果 {a} 整箱", "fresh", 29.9, 69.9),
    ("黄小米 新米 5斤 小米粥", "grain-oil", 19.9, 45), ("山西沁州 黄小米 农家 {a}", "grain-oil", 25, 59),
    ("小米辣 新鲜 小米椒 500g", "fresh", 9.9, 19.9), ("小米锅巴 {a} 零食", "snacks", 9.9, 29.9),
    ("三星堆 青铜面具 文创 冰箱贴", "collectibles", 19, 49), ("三星堆博物馆 纪念品 书签", "collectibles", 15, 39),
    ("三星级酒店 同款 枕头 {a}", "home", 39, 99), ("房屋北面 外墙 防水涂料 {a}", "home", 59, 199),
    ("北面阳台 晾衣架 伸缩", "home", 69, 199), ("鱼跃龙门 摆件 {a} 开业", "crafts", 68, 368),
    ("松鹤延年 飞鹤 刺绣 挂画", "crafts", 128, 598),
    ("apple green 苹果绿 卫衣 {a}", "apparel", 89, 199), ("小米南瓜粥 速食 {a}", "snacks", 12.9, 29.9),
]
SM_WORDSENSE: list[tuple[str, str, float, float]] = [
    ("招财进宝 摆件 {a} 开业", "crafts", 58, 298), ("招财进宝 门贴 春节 福字", "home", 9.9, 29.9),
    ("招财进宝 红包 2026 {a}", "home", 6.9, 19.9), ("金玉满堂 招财进宝 十字绣", "crafts", 39, 159),
    ("莲莲有余 年画 剪纸 {a}", "crafts", 12.9, 39.9), ("莲莲有余 窗花 新年装饰", "home", 9.9, 25.9),
]

# Special-mark merchandise.
SM_MERCH: list[tuple[str, str, float]] = [
    ("钥匙扣", "collectibles", 29), ("毛绒公仔", "toys", 99), ("手办摆件", "collectibles", 129), ("徽章", "collectibles", 39),
    ("冰箱贴", "collectibles", 25), ("盲盒", "toys", 59), ("纪念币", "collectibles", 60), ("帆布包", "bags", 49),
    ("马克杯", "home", 59), ("T恤", "apparel", 79), ("手机壳", "phones-digital", 39), ("贴纸", "collectibles", 15),
    ("明信片 套装", "collectibles", 20), ("抱枕", "home", 69), ("雪花徽章 套装", "collectibles", 88),
    ("纪念品", "collectibles", 68), ("吉祥物 公仔 套装", "toys", 159), ("丝巾", "apparel", 128), ("keychain", "collectibles", 29),
]
CIIE_GOODS: list[tuple[str, str, float]] = [
    ("进口红酒 法国 750ml", "liquor", 168), ("进口奶粉 新西兰", "baby", 259), ("进口牛排 澳洲 10片", "fresh", 199),
    ("进口零食 大礼包", "snacks", 99), ("进口护肤品 套装", "beauty", 399),
]

# Ordinary goods: (phrase with {a}/{s}/{m} slots, category, min price, max price).
UNRELATED: list[tuple[str, str, float, float]] = [
    ("每日坚果 混合 {s} {a}", "snacks", 39.9, 129), ("牛肉干 内蒙古 风干 {s}", "snacks", 29.9, 99), ("螺蛳粉 柳州 {s}", "snacks", 19.9, 59.9),
    ("蜂蜜 农家 土蜂蜜 {s}", "snacks", 39, 128), ("麻辣小龙虾 即食 {s}", "snacks", 49, 129), ("黑芝麻丸 {a} {s}", "snacks", 29.9, 69),
    ("东北大米 新米 {s}", "grain-oil", 29.9, 89), ("花生油 压榨 {s}", "grain-oil", 59, 139), ("挂面 {a} {s}", "grain-oil", 9.9, 29.9),
    ("维生素C 咀嚼片 {s}", "health", 19.9, 69), ("板蓝根颗粒 20袋", "health", 12, 29), ("布洛芬缓释胶囊 24粒", "health", 15, 29),
    ("钙片 中老年 {s}", "health", 39, 129), ("鱼油 软胶囊 {s}", "health", 59, 199), ("蒲公英茶 {s}", "tea", 19.9, 49),
    ("番茄种子 {a} 阳台盆栽", "seeds", 5.9, 19.9), ("黄瓜种子 春季 {s}", "seeds", 4.9, 15.9), ("多肉植物 组合 {a}", "seeds", 19.9, 69),
    ("复合肥 通用型 {s}", "seeds", 29, 89), ("家用医用外科口罩 50只", "medical", 9.9, 29.9), ("电子体温计 家用 {a}", "medical", 19, 59),
    ("家用电子血压计 上臂式 {a}", "medical", 89, 259), ("指夹血氧仪 家用", "medical", 59, 159), ("医用冷敷贴 {s}", "medical", 29, 89),
    ("儿童护眼台灯 AA级 {a}", "baby", 99, 399), ("婴儿奶瓶 宽口径 {s}", "baby", 39, 129), ("儿童近视 防控眼镜 {a}", "baby", 199, 899),
    ("纸尿裤 {s} 超薄透气", "baby", 59, 169), ("儿童积木 大颗粒 {a}", "toys", 39, 199), ("遥控汽车 {a} 儿童", "toys", 69, 299),
    ("补水面膜 {s}", "beauty", 29.9, 99), ("防晒霜 SPF50 {a}", "beauty", 39, 129), ("玻尿酸 精华液 {s}", "beauty", 49, 199),
    ("洗面奶 氨基酸 {s}", "beauty", 29, 89), ("蓝牙耳机 {a} 降噪", "phones-digital", 59, 299), ("充电宝 20000毫安 {a}", "phones-digital", 59, 169),
    ("Type-C 数据线 快充 {s}", "phones-digital", 9.9, 39), ("手机支架 桌面 {a}", "phones-digital", 15, 59),
    ("机械键盘 {a} 青轴", "phones-digital", 129, 499), ("纯棉T恤 {a} 短袖", "apparel", 29, 99), ("牛仔裤 {a} 直筒", "apparel", 69, 259),
    ("羽绒服 {a} 白鸭绒", "apparel", 199, 899), ("老爹鞋 {a} 厚底", "sports-shoes", 89, 299), ("帆布鞋 {a} 低帮", "sports-shoes", 49, 159),
    ("跑步鞋 {a} 透气", "sports-shoes", 99, 359), ("收纳箱 {a} {s}", "home", 29, 99), ("床上四件套 {a}", "home", 129, 499),
    ("保温杯 {s} {a}", "home", 39, 129), ("拖把 免手洗 {a}", "home", 49, 159), ("电热水壶 {s}", "appliances", 59, 199),
    ("空气炸锅 {s} {a}", "appliances", 199, 599), ("电风扇 落地扇 {a}", "appliances", 99, 399), ("登山杖 碳素 {a}", "sports", 59, 199),
    ("瑜伽垫 加厚 {s}", "sports", 39, 129), ("汽车脚垫 全包围 {a}", "auto", 199, 599), ("行车记录仪 {a}", "auto", 159, 499),
    ("双肩包 {a} 通勤", "bags", 69, 259), ("行李箱 {s} 万向轮", "bags", 199, 699), ("陶瓷茶具 套装 {a}", "crafts", 99, 399),
    ("檀木手串 {a}", "watches-jewelry", 59, 299), ("石英手表 {a} 防水", "watches-jewelry", 99, 499),
    ("Wireless Bluetooth Earbuds Noise Cancelling", "phones-digital", 59, 259),
    ("Stainless Steel Water Bottle 750ml {s}", "home", 39, 129), ("Yoga Mat Non-slip {s}", "sports", 39, 129),
    ("USB-C Fast Charging Cable {s}", "phones-digital", 9.9, 39), ("Men's Cotton T-shirt Slim Fit {s}", "apparel", 29, 99),
    ("Kids Building Blocks Set 500pcs", "toys", 49, 199), ("Organic Green Tea {s}", "tea", 29, 129),
    ("Vitamin C Gummies 60pcs", "health", 29, 89), ("LED Desk Lamp Eye-care {a}", "home", 59, 199),
]
ADJECTIVES = ["新款", "加厚", "耐磨", "轻便", "大容量", "高颜值", "ins风", "简约", "复古", "网红", "北欧风", "便携",
              "静音", "家用", "学生党", "宿舍", "加大", "迷你", "升级款", "国潮", "日系", "韩版", "商务", "户外",
              "防水", "透气", "速干", "可折叠", "多功能", "智能"]
# Brands not in the register (ordinary goods carry real-looking brands too).

# GI products: right id → (place word, goods word, [(product phrase, category, price mult)], generic same-goods names).
GI_GOODS: dict[str, tuple[str, str, list[tuple[str, str, float]], list[str]]] = {
    "gi-yangchenghu-crab": ("阳澄湖", "大闸蟹", [("{n} 公4两母3两 8只 礼盒", "fresh", 1.0), ("{n} 鲜活 现货 {w}", "fresh", 1.3), ("{n} 全母 3.5两 10只", "fresh", 1.2)], ["大闸蟹", "清水大闸蟹", "河蟹 鲜活", "湖蟹 公母"]),
    "gi-xihu-longjing": ("西湖", "龙井", [("{n} 2026新茶 明前特级 250g", "tea", 1.0), ("{n} 雨前 一级 罐装 {w}", "tea", 0.6)], ["龙井茶 绿茶 250g", "龙井43 明前", "浙江 绿茶 龙井"]),
    "gi-wuchang-rice": ("五常", "大米", [("{n} 5kg 真空装", "grain-oil", 1.0), ("{n} 新米 10斤 {w}", "grain-oil", 0.9)], ["东北大米 长粒香 5kg", "普通大米 10斤", "稻花香 大米 新米"]),
    "gi-gannan-orange": ("赣南", "脐橙", [("{n} 10斤 大果 {w}", "fresh", 1.0), ("{n} 现摘 5斤 礼盒", "fresh", 0.7)], ["脐橙 10斤 新鲜", "秭归脐橙 5斤", "橙子 甜橙"]),
    "gi-korla-pear": ("库尔勒", "香梨", [("{n} 5斤 {w}", "fresh", 0.8), ("{n} 新鲜 10斤 整箱", "fresh", 1.2)], ["香梨 新鲜 5斤", "新疆 梨子"]),
    "gi-yantai-apple": ("烟台", "苹果", [("{n} 红富士 10斤 {w}", "fresh", 1.0), ("{n} 栖霞 大果 5斤", "fresh", 0.7)], ["红富士苹果 10斤", "苹果 脆甜 整箱"]),
    "gi-jinhua-ham": ("金华", "火腿", [("{n} 整腿 5kg 礼盒", "snacks", 2.0), ("{n} 切片 500g {w}", "snacks", 0.5)], ["宣威火腿 切片", "农家 腊火腿", "火腿 整只"]),
    "gi-xinyang-maojian": ("信阳", "毛尖", [("{n} 2026新茶 明前 250g", "tea", 1.0), ("{n} 一级 {w}", "tea", 0.5)], ["毛尖 绿茶 250g", "都匀毛尖 明前"]),
    "gi-anxi-tieguanyin": ("安溪", "铁观音", [("{n} 浓香型 500g", "tea", 1.0), ("{n} 清香型 礼盒 {w}", "tea", 1.2)], ["铁观音 乌龙茶 500g", "乌龙茶 浓香"]),
    "gi-zhongning-goji": ("中宁", "枸杞", [("{n} 特级 500g {w}", "health", 1.0), ("{n} 头茬 免洗 250g", "health", 0.6)], ["枸杞 红枸杞 500g", "柴达木 黑枸杞"]),
    "gi-nanfeng-tangerine": ("南丰", "蜜桔", [("{n} 10斤 新鲜 {w}", "fresh", 1.0), ("{n} 小蜜橘 5斤", "fresh", 0.6)], ["蜜桔 砂糖橘 5斤", "橘子 新鲜"]),
    "gi-xinhui-chenpi": ("新会", "陈皮", [("{n} 十年 老陈皮 250g", "tea", 1.0), ("{n} 大红皮 {w}", "tea", 0.7)], ["陈皮 泡茶 250g", "橘皮 干"]),
    "gi-maotai-liquor": ("茅台", "酒", [("{n} 飞天 53度 500ml", "liquor", 1.0), ("{n} 53度 酱香型 {w}", "liquor", 0.9)], ["酱香型白酒 53度 500ml", "白酒 纯粮 坤沙"]),
    "gi-panjin-rice": ("盘锦", "大米", [("{n} 蟹田米 5kg", "grain-oil", 1.0), ("{n} 新米 {w}", "grain-oil", 0.8)], ["蟹田大米 10斤", "粳米 新米"]),
    "gi-nanhui-peach": ("南汇", "水蜜桃", [("{n} 6只 礼盒 {w}", "fresh", 1.0), ("{n} 新鲜 3斤", "fresh", 0.6)], ["阳山水蜜桃 6只", "水蜜桃 新鲜 5斤"]),
    "gi-malu-grape": ("马陆", "葡萄", [("{n} 巨峰 5斤 {w}", "fresh", 1.0)], ["巨峰葡萄 5斤", "阳光玫瑰 葡萄"]),
    "gi-zhuanghang-pear": ("庄行", "蜜梨", [("{n} 翠冠 5斤 {w}", "fresh", 1.0)], ["翠冠梨 5斤", "蜜梨 新鲜"]),
    "gi-jinshan-peach": ("金山", "蟠桃", [("{n} 8只 礼盒 {w}", "fresh", 1.0)], ["蟠桃 新鲜 5斤", "油蟠桃"]),
    "gi-chongming-crab": ("崇明", "老毛蟹", [("{n} 鲜活 10只 {w}", "fresh", 1.0)], ["毛蟹 鲜活", "河蟹 小规格"]),
    "gi-biluochun-tea": ("洞庭山", "碧螺春", [("{n} 明前 特级 250g {w}", "tea", 1.0)], ["碧螺春 绿茶 250g", "绿茶 碧螺春 2026新茶"]),
    "gi-lanzhou-lily": ("兰州", "百合", [("{n} 鲜百合 5斤 {w}", "fresh", 1.0), ("{n} 干 500g", "fresh", 0.8)], ["百合 新鲜 食用", "宜兴百合"]),
    "gi-changbaishan-ginseng": ("长白山", "人参", [("{n} 林下参 15年 礼盒", "health", 1.0), ("{n} 切片 {w}", "health", 0.4)], ["人参 整支 礼盒", "高丽参 切片"]),
    "gi-wenshan-sanqi": ("文山", "三七", [("{n} 粉 超细 250g {w}", "health", 1.0), ("{n} 头 20头", "health", 1.5)], ["三七粉 250g", "田七粉"]),
    "gi-jingdezhen-porcelain": ("景德镇", "瓷器", [("{n} 青花瓷 花瓶 {w}", "crafts", 1.0), ("{n} 手绘 茶具 套装", "crafts", 0.7)], ["陶瓷 花瓶 摆件", "德化白瓷 茶具"]),
    "gi-yixing-zisha": ("宜兴", "紫砂", [("{n}壶 原矿 朱泥 西施壶", "crafts", 1.0), ("{n} 茶杯 {w}", "crafts", 0.3)], ["紫砂壶 朱泥 手工", "陶瓷 茶壶"]),
    "gi-dangshan-pear": ("砀山", "酥梨", [("{n} 10斤 新鲜 {w}", "fresh", 1.0)], ["酥梨 新鲜 10斤", "梨子 整箱"]),
    "gi-zhangqiu-scallion": ("章丘", "大葱", [("{n} 铁杆 10斤 {w}", "fresh", 1.0)], ["大葱 新鲜 10斤", "寿光 大葱"]),
}
# Ship-from values that name no place (an origin that cannot be resolved = unknown origin).
VAGUE_ORIGINS = ["全国", "见详情", "海外", "其他", "多地发货", "就近发货"]
GI_FRESH_WORDS = ["现货", "产地直发", "顺丰包邮", "新鲜", "当季", "送礼佳品", "农家自产", "礼盒装", "批发", ""]

# Seller name parts (many sellers; some repeat infringers).
SELLER_HEADS = ["鑫", "华", "源", "优", "诚", "美", "佳", "晨", "星", "天", "金", "福", "顺", "恒", "盛", "悦", "嘉", "瑞",
                "宏", "新", "乐", "安", "博", "锦", "凯", "泰", "欣", "达", "隆", "兴"]
SELLER_TRADES = ["潮鞋", "数码", "百货", "生鲜", "茶叶", "母婴", "美妆", "家居", "运动", "服饰", "箱包", "名表",
                 "电器", "食品", "农场", "果园", "药房", "文创", "玩具", "五金"]
SELLER_TAILS = ["小铺", "专营店", "工作室", "商行", "批发", "生活馆", "严选", "之家", "优选", "折扣店", "集合店", "铺子",
                "海淘", "代购", "店", "旗舰店"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"]
FARM_TAILS = ["家庭农场", "生态农庄", "合作社", "特产店", "直供", "土特产"]
FARM_TAILS_BY_KIND: dict[str, list[str]] = {
    "蟹": ["蟹庄", "水产", "养殖基地"], "tea": ["茶园", "茶业", "茶厂"], "fresh": ["果园", "农场", "果业"],
    "liquor": ["酒业", "酒坊"], "crafts": ["工作室", "窑口"], "health": ["药材行", "参业"],
}

# Description sentences.
SERVICE = ["顺丰包邮，48小时内发货。", "七天无理由退换。", "有问题请联系客服。", "拍下请尽快付款，当天发货。",
           "偏远地区不包邮。", "支持货到付款。", "收到货请先检查再签收。", "量大可议价，欢迎批发。", "好评返现5元。"]
GENERIC_DESC = ["实物拍摄，所见即所得。", "厂家直销，价格实惠。", "新老客户都可享受优惠。", "适合日常使用，也适合送礼。",
                "库存有限，先到先得。", "欢迎咨询客服。", "支持七天价保。", "店铺收藏送优惠券。"]
# One sentence that fits the goods (appended to most descriptions).
CATEGORY_DESC: dict[str, list[str]] = {
    "sports-shoes": ["下单备注尺码，偏大偏小可换。", "鞋底防滑耐磨，脚感舒适。", "原盒包装，附赠鞋带。"],
    "apparel": ["下单备注尺码。", "面料柔软亲肤，不起球。", "多色可选，欢迎咨询。"],
    "bags": ["五金件光亮，走线整齐。", "容量大，内衬分隔合理。", "附防尘袋。"],
    "watches-jewelry": ["附表盒、说明书。", "表带可调节。", "支持专业检测。"],
    "phones-digital": ["支持全国联保。", "开箱激活，不退不换。", "附原装数据线。"],
    "appliances": ["一年保修，上门安装。", "功率大，噪音低。", "附中文说明书。"],
    "beauty": ["保质期至2028年。", "敏感肌可用。", "附小样。"],
    "snacks": ["保质期12个月，独立包装。", "当天生产，新鲜发货。"],
    "fresh": ["坏果包赔。", "冷链发货，保证新鲜。", "现摘现发，个大饱满。"],
    "grain-oil": ["新米上市，真空包装。", "非转基因。"],
    "tea": ["密封罐装，防潮保鲜。", "条索紧结，汤色清亮。"],
    "liquor": ["支持扫码验真。", "整箱发货，包装严实防碎。"],
    "health": ["请按说明书使用。", "保质期24个月。"],
    "medical": ["医疗器械注册证齐全。", "操作简单，老人也会用。"],
    "baby": ["保质期新鲜，支持查验批次。", "宝宝放心用。"],
    "toys": ["适合6岁以上儿童。", "颗粒光滑无毛刺。"],
    "seeds": ["发芽率高，附种植指导。", "当年新种。"],
    "home": ["用料扎实，经久耐用。", "做工精细，品质保证。"],
    "collectibles": ["精美包装，适合收藏。", "限量发售。"],
    "crafts": ["手工制作，每件略有差异。", "附收藏证书。"],
    "sports": ["轻量便携。", "用料扎实，经久耐用。"],
    "auto": ["按车型定制，下单备注车型。", "安装简单。"],
}

# Category-aware slots for ordinary goods, so sizes and brands fit the goods.
SIZES_BY_SLUG: dict[str, list[str]] = {
    "snacks": ["500g", "1kg", "3袋", "12包", "礼盒装", "家庭装", "2.5kg", "6罐"], "grain-oil": ["5kg", "10斤", "5L", "2.5kg", "1.8L"],
    "health": ["60粒", "100片", "3盒", "200粒", "30袋"], "seeds": ["50粒", "100粒", "10袋", "1kg", "5斤"],
    "medical": ["30片", "50只", "10贴", "2盒"], "baby": ["S码", "M码", "L码", "XL码", "240ml", "3罐"],
    "beauty": ["30片", "50ml", "100ml", "2支装", "套装"], "phones-digital": ["1米", "2米", "2根装", "3条装"],
    "home": ["3件套", "5只装", "1.5m", "1.8m", "500ml", "大号", "中号"], "appliances": ["1.7L", "4L", "6L", "5.5L"],
    "sports": ["183cm", "6mm", "8mm", "10mm"], "apparel": ["S-XXL", "M-4XL", "均码"], "sports-shoes": ["36-45码", "39-44码"],
    "bags": ["20寸", "24寸", "28寸", "大号"], "tea": ["250g", "500g", "礼盒装"],
}
BRANDS_BY_SLUG: dict[str, list[str]] = {
    "snacks": ["百草味", "三只松鼠", "良品铺子", "来伊份"], "grain-oil": ["金龙鱼", "福临门", "十月稻田"],
    "health": ["汤臣倍健", "养生堂", "修正"], "medical": ["可孚", "海氏海诺", "稳健"], "baby": ["贝亲", "好奇", "帮宝适", "babycare"],
    "beauty": ["珀莱雅", "自然堂", "薇诺娜", "百雀羚"], "phones-digital": ["倍思", "绿联", "漫步者", "罗技"],
    "apparel": ["南极人", "优衣库", "森马", "太平鸟"], "sports-shoes": ["回力", "特步", "鸿星尔克", "匹克"],
    "home": ["木槿生活", "悦享家", "网易严选", "南极人"], "appliances": ["小熊", "九阳", "美的", "苏泊尔"],
    "toys": ["布鲁可", "贝恩施"], "sports": ["迪卡侬", "凯乐石"], "auto": ["途虎", "3M"], "bags": ["新秀丽", "卡拉羊"],
    "watches-jewelry": ["天王", "罗西尼"], "seeds": ["寿禾"], "tea": ["八马"], "crafts": ["森之屋"],
}
NO_BRAND = ["", "", "", "无", "其他", "无品牌"]
