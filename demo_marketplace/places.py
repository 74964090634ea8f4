"""A small gazetteer of Chinese places and the many ways sellers write a ship-from location.

Why: GI infringement hinges on whether the origin lies inside a protected region, and platforms
show origins in every style ("江苏 苏州", "苏州市相城区", "Suzhou, Jiangsu"). The catalogue needs real
administrative names (so a matcher's region resolver can work on them) and a ground-truth full
path per place (``Place.path``) to decide inside/outside without parsing its own output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """One place: province, prefecture-level city, optional district/county (full and short forms)."""

    province: str  # 江苏省 / 上海市 / 新疆维吾尔自治区
    prov_short: str  # 江苏 / 上海 / 新疆
    prov_en: str
    city: str  # 苏州市 ("" for municipalities)
    city_short: str
    city_en: str
    district: str = ""  # 相城区 / 安溪县 / 五常市
    district_short: str = ""
    district_en: str = ""

    @property
    def path(self) -> str:
        """Full administrative path, e.g. 江苏省苏州市相城区: a region contains a place iff it is a prefix."""
        return f"{self.province}{self.city}{self.district}"

    def inside(self, regions: list[str]) -> bool:
        return any(self.path.startswith(region) for region in regions)


def _p(spec: str) -> Place:
    """Parse 'province|short|en ; city|short|en ; district|short|en' (city/district optional)."""
    parts = [s.strip() for s in spec.split(";")]
    prov = parts[0].split("|")
    city = parts[1].split("|") if len(parts) > 1 and parts[1] else ["", "", ""]
    dist = parts[2].split("|") if len(parts) > 2 else ["", "", ""]
    return Place(prov[0], prov[1], prov[2], city[0], city[1], city[2], dist[0], dist[1], dist[2])


# Places used as ordinary origins and seller homes (cities, some with a district).
_GENERAL = """
北京市|北京|Beijing ; ; 朝阳区|朝阳|Chaoyang
北京市|北京|Beijing ; ; 海淀区|海淀|Haidian
天津市|天津|Tianjin ; ; 南开区|南开|Nankai
上海市|上海|Shanghai ; ; 闵行区|闵行|Minhang
上海市|上海|Shanghai ; ; 松江区|松江|Songjiang
重庆市|重庆|Chongqing ; ; 渝北区|渝北|Yubei
河北省|河北|Hebei ; 石家庄市|石家庄|Shijiazhuang
河北省|河北|Hebei ; 保定市|保定|Baoding ; 白沟新城|白沟|Baigou
山西省|山西|Shanxi ; 太原市|太原|Taiyuan
辽宁省|辽宁|Liaoning ; 沈阳市|沈阳|Shenyang ; 铁西区|铁西|Tiexi
辽宁省|辽宁|Liaoning ; 大连市|大连|Dalian
吉林省|吉林|Jilin ; 长春市|长春|Changchun
黑龙江省|黑龙江|Heilongjiang ; 哈尔滨市|哈尔滨|Harbin ; 道里区|道里|Daoli
黑龙江省|黑龙江|Heilongjiang ; 齐齐哈尔市|齐齐哈尔|Qiqihar
江苏省|江苏|Jiangsu ; 南京市|南京|Nanjing ; 江宁区|江宁|Jiangning
江苏省|江苏|Jiangsu ; 无锡市|无锡|Wuxi ; 惠山区|惠山|Huishan
江苏省|江苏|Jiangsu ; 泰州市|泰州|Taizhou ; 兴化市|兴化|Xinghua
江苏省|江苏|Jiangsu ; 宿迁市|宿迁|Suqian
浙江省|浙江|Zhejiang ; 杭州市|杭州|Hangzhou ; 余杭区|余杭|Yuhang
浙江省|浙江|Zhejiang ; 金华市|金华|Jinhua ; 义乌市|义乌|Yiwu
浙江省|浙江|Zhejiang ; 宁波市|宁波|Ningbo
浙江省|浙江|Zhejiang ; 温州市|温州|Wenzhou
浙江省|浙江|Zhejiang ; 湖州市|湖州|Huzhou
安徽省|安徽|Anhui ; 合肥市|合肥|Hefei
安徽省|安徽|Anhui ; 宣城市|宣城|Xuancheng
安徽省|安徽|Anhui ; 芜湖市|芜湖|Wuhu
福建省|福建|Fujian ; 莆田市|莆田|Putian
福建省|福建|Fujian ; 泉州市|泉州|Quanzhou ; 晋江市|晋江|Jinjiang
福建省|福建|Fujian ; 福州市|福州|Fuzhou
福建省|福建|Fujian ; 厦门市|厦门|Xiamen
江西省|江西|Jiangxi ; 南昌市|南昌|Nanchang
山东省|山东|Shandong ; 济南市|济南|Jinan ; 历下区|历下|Lixia
山东省|山东|Shandong ; 临沂市|临沂|Linyi
山东省|山东|Shandong ; 潍坊市|潍坊|Weifang ; 寿光市|寿光|Shouguang
山东省|山东|Shandong ; 青岛市|青岛|Qingdao
河南省|河南|Henan ; 郑州市|郑州|Zhengzhou
湖北省|湖北|Hubei ; 武汉市|武汉|Wuhan ; 洪山区|洪山|Hongshan
湖北省|湖北|Hubei ; 宜昌市|宜昌|Yichang ; 秭归县|秭归|Zigui
湖南省|湖南|Hunan ; 长沙市|长沙|Changsha
广东省|广东|Guangdong ; 广州市|广州|Guangzhou ; 白云区|白云|Baiyun
广东省|广东|Guangdong ; 深圳市|深圳|Shenzhen ; 福田区|福田|Futian
广东省|广东|Guangdong ; 东莞市|东莞|Dongguan
广东省|广东|Guangdong ; 汕头市|汕头|Shantou ; 澄海区|澄海|Chenghai
广东省|广东|Guangdong ; 佛山市|佛山|Foshan
广西壮族自治区|广西|Guangxi ; 南宁市|南宁|Nanning
广西壮族自治区|广西|Guangxi ; 柳州市|柳州|Liuzhou
海南省|海南|Hainan ; 海口市|海口|Haikou
四川省|四川|Sichuan ; 成都市|成都|Chengdu ; 武侯区|武侯|Wuhou
四川省|四川|Sichuan ; 广汉市|广汉|Guanghan
贵州省|贵州|Guizhou ; 贵阳市|贵阳|Guiyang
云南省|云南|Yunnan ; 昆明市|昆明|Kunming
云南省|云南|Yunnan ; 曲靖市|曲靖|Qujing ; 宣威市|宣威|Xuanwei
陕西省|陕西|Shaanxi ; 西安市|西安|Xi'an
陕西省|陕西|Shaanxi ; 渭南市|渭南|Weinan ; 蒲城县|蒲城|Pucheng
甘肃省|甘肃|Gansu ; 天水市|天水|Tianshui
青海省|青海|Qinghai ; 海西蒙古族藏族自治州|海西|Haixi
宁夏回族自治区|宁夏|Ningxia ; 银川市|银川|Yinchuan
新疆维吾尔自治区|新疆|Xinjiang ; 乌鲁木齐市|乌鲁木齐|Urumqi
新疆维吾尔自治区|新疆|Xinjiang ; 阿克苏地区|阿克苏|Aksu
内蒙古自治区|内蒙古|Inner Mongolia ; 呼和浩特市|呼和浩特|Hohhot
"""

# Places inside (or right next to) the GI regions of the demo register: used for gi_inside and
# for hard gi_outside cases (a sibling district of a district-level region).
_GI = """
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 相城区|相城|Xiangcheng
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 吴中区|吴中|Wuzhong
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 昆山市|昆山|Kunshan
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 常熟市|常熟|Changshu
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 工业园区|工业园区|Suzhou Industrial Park
江苏省|江苏|Jiangsu ; 苏州市|苏州|Suzhou ; 姑苏区|姑苏|Gusu
浙江省|浙江|Zhejiang ; 杭州市|杭州|Hangzhou ; 西湖区|西湖|Xihu
浙江省|浙江|Zhejiang ; 杭州市|杭州|Hangzhou ; 富阳区|富阳|Fuyang
浙江省|浙江|Zhejiang ; 杭州市|杭州|Hangzhou ; 淳安县|淳安|Chun'an
黑龙江省|黑龙江|Heilongjiang ; 哈尔滨市|哈尔滨|Harbin ; 五常市|五常|Wuchang
黑龙江省|黑龙江|Heilongjiang ; 哈尔滨市|哈尔滨|Harbin ; 方正县|方正|Fangzheng
江西省|江西|Jiangxi ; 赣州市|赣州|Ganzhou ; 信丰县|信丰|Xinfeng
江西省|江西|Jiangxi ; 赣州市|赣州|Ganzhou ; 寻乌县|寻乌|Xunwu
新疆维吾尔自治区|新疆|Xinjiang ; 巴音郭楞蒙古自治州|巴州|Bayingolin ; 库尔勒市|库尔勒|Korla
新疆维吾尔自治区|新疆|Xinjiang ; 巴音郭楞蒙古自治州|巴州|Bayingolin ; 尉犁县|尉犁|Yuli
山东省|山东|Shandong ; 烟台市|烟台|Yantai ; 栖霞市|栖霞|Qixia
山东省|山东|Shandong ; 烟台市|烟台|Yantai ; 蓬莱区|蓬莱|Penglai
浙江省|浙江|Zhejiang ; 金华市|金华|Jinhua ; 婺城区|婺城|Wucheng
浙江省|浙江|Zhejiang ; 金华市|金华|Jinhua ; 东阳市|东阳|Dongyang
河南省|河南|Henan ; 信阳市|信阳|Xinyang ; 浉河区|浉河|Shihe
河南省|河南|Henan ; 信阳市|信阳|Xinyang ; 光山县|光山|Guangshan
福建省|福建|Fujian ; 泉州市|泉州|Quanzhou ; 安溪县|安溪|Anxi
福建省|福建|Fujian ; 漳州市|漳州|Zhangzhou ; 华安县|华安|Hua'an
宁夏回族自治区|宁夏|Ningxia ; 中卫市|中卫|Zhongwei ; 中宁县|中宁|Zhongning
宁夏回族自治区|宁夏|Ningxia ; 中卫市|中卫|Zhongwei ; 沙坡头区|沙坡头|Shapotou
江西省|江西|Jiangxi ; 抚州市|抚州|Fuzhou ; 南丰县|南丰|Nanfeng
江西省|江西|Jiangxi ; 抚州市|抚州|Fuzhou ; 临川区|临川|Linchuan
广东省|广东|Guangdong ; 江门市|江门|Jiangmen ; 新会区|新会|Xinhui
广东省|广东|Guangdong ; 江门市|江门|Jiangmen ; 蓬江区|蓬江|Pengjiang
贵州省|贵州|Guizhou ; 遵义市|遵义|Zunyi ; 仁怀市|仁怀|Renhuai
贵州省|贵州|Guizhou ; 遵义市|遵义|Zunyi ; 汇川区|汇川|Huichuan
辽宁省|辽宁|Liaoning ; 盘锦市|盘锦|Panjin ; 大洼区|大洼|Dawa
上海市|上海|Shanghai ; ; 浦东新区|浦东|Pudong
上海市|上海|Shanghai ; ; 嘉定区|嘉定|Jiading
上海市|上海|Shanghai ; ; 奉贤区|奉贤|Fengxian
上海市|上海|Shanghai ; ; 金山区|金山|Jinshan
上海市|上海|Shanghai ; ; 崇明区|崇明|Chongming
甘肃省|甘肃|Gansu ; 兰州市|兰州|Lanzhou ; 七里河区|七里河|Qilihe
吉林省|吉林|Jilin ; 白山市|白山|Baishan ; 抚松县|抚松|Fusong
吉林省|吉林|Jilin ; 通化市|通化|Tonghua ; 集安市|集安|Ji'an
吉林省|吉林|Jilin ; 延边朝鲜族自治州|延边|Yanbian ; 敦化市|敦化|Dunhua
云南省|云南|Yunnan ; 文山壮族苗族自治州|文山|Wenshan ; 砚山县|砚山|Yanshan
云南省|云南|Yunnan ; 文山壮族苗族自治州|文山|Wenshan ; 文山市|文山市|Wenshan City
江西省|江西|Jiangxi ; 景德镇市|景德镇|Jingdezhen ; 珠山区|珠山|Zhushan
福建省|福建|Fujian ; 泉州市|泉州|Quanzhou ; 德化县|德化|Dehua
江苏省|江苏|Jiangsu ; 无锡市|无锡|Wuxi ; 宜兴市|宜兴|Yixing
安徽省|安徽|Anhui ; 宿州市|宿州|Suzhou ; 砀山县|砀山|Dangshan
山东省|山东|Shandong ; 济南市|济南|Jinan ; 章丘区|章丘|Zhangqiu
"""

GENERAL_PLACES: tuple[Place, ...] = tuple(_p(line) for line in _GENERAL.strip().splitlines())
GI_PLACES: tuple[Place, ...] = tuple(_p(line) for line in _GI.strip().splitlines())
ALL_PLACES: tuple[Place, ...] = GENERAL_PLACES + GI_PLACES

# Where counterfeit sellers tend to be (realism: repeat infringers cluster in a few hubs).
HUB_PLACES: tuple[Place, ...] = tuple(
    p for p in GENERAL_PLACES if p.city_short in {"莆田", "广州", "深圳", "义乌", "泉州", "东莞", "保定", "临沂"}
    or p.district_short in {"义乌", "晋江", "白云", "福田", "白沟"}
)


def places_inside(regions: list[str]) -> list[Place]:
    """Known places whose path lies inside one of ``regions`` (finest level known)."""
    return [p for p in ALL_PLACES if p.inside(regions)]


def places_outside(regions: list[str]) -> list[Place]:
    return [p for p in ALL_PLACES if not p.inside(regions)]


def needs_district(place: Place, regions: list[str]) -> bool:
    """True when only the district proves ``place`` is inside ``regions`` (a district-level region)."""
    return not any(region in (place.province, place.province + place.city) for region in regions)


def format_place(place: Place, rng: random.Random, need_district: bool = False) -> str:
    """Write ``place`` the way some seller or platform would. ``need_district`` keeps the district in."""
    municipality = place.city == ""
    d, ds, de = place.district, place.district_short, place.district_en
    if municipality:
        styles = [
            f"{place.prov_short} {d}", f"{place.province}{d}", f"{place.prov_short}{d}",
            f"{de}, {place.prov_en}" if de else f"{place.prov_en}", f"{place.prov_short} {ds}",
        ]
        if not need_district:
            styles += [place.prov_short, place.province]
        return rng.choice(styles)
    styles = []
    if d:
        styles += [
            f"{place.city}{d}", f"{place.province}{place.city}{d}", f"{place.prov_short} {place.city_short} {d}",
            f"{place.prov_short} {ds}", f"{de}, {place.city_en}, {place.prov_en}",
            f"{place.city_short}{d}",
        ]
    if not (need_district and d):
        styles += [
            f"{place.prov_short} {place.city_short}", f"{place.prov_short}{place.city_short}",
            f"{place.city_en}, {place.prov_en}", f"{place.province}{place.city}", f"{place.city_short}",
            f"{place.province} {place.city}",
        ]
    return rng.choice(styles)
