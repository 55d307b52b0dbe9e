"""Serving benchmark: the atlas vs pygeoapi vs nginx on the same county layer, in one run.

    python bench/run.py [--seconds 10] [--out bench/results/latest.md]

What it does (all on 127.0.0.1, every loop bounded in time):

1. exports the county layer with ``python -m layers export`` and gzips a copy for nginx;
2. starts the atlas under uvicorn with one worker per core, pygeoapi (its GeoJSON provider on
   the same file, under uvicorn with as many workers, from a separate virtualenv
   ``bench/.venv-pygeoapi`` made on first run) and nginx serving the precompressed file
   (``gzip_static``), the practical upper bound;
3. drives each with wrk (Debian package ``wrk``) and prints requests/s, p50/p99 latency and
   response bytes for: items?limit=10; a bbox query around Chongqing (106,29,107.5,30.5); the
   full county layer with gzip; the full layer at overview zoom — with the ratios to pygeoapi
   and nginx.

Debian packages needed: wrk, nginx-light (``apt-get install wrk nginx-light``). This is a
benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYGEOAPI_VENV = ROOT / "bench" / ".venv-pygeoapi"
BBOX = "106,29,107.5,30.5"
OVERVIEW_ZOOM = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def ensure_pygeoapi() -> Path:
    python = PYGEOAPI_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PYGEOAPI_VENV)], check=True)
    if subprocess.run([str(python), "-c", "import pygeoapi.starlette_app, uvicorn"], capture_output=True).returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pygeoapi", "uvicorn", "starlette"], check=True)
    return python


def pygeoapi_config(data: Path, port: int, folder: Path) -> tuple[Path, Path]:
    config = folder / "pygeoapi.yml"
    config.write_text(
        textwrap.dedent(
            f"""
            server:
              bind: {{host: 127.0.0.1, port: {port}}}
              url: http://127.0.0.1:{port}
              mimetype: application/json; charset=UTF-8
              encoding: utf-8
              languages: [en-US]
              limits: {{default_items: 10, max_items: 10000}}
              map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
            logging: {{level: ERROR}}
            metadata:
              identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: none, url: http://127.0.0.1}}
              license: {{name: CC-BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}}
              provider: {{name: bench, url: http://127.0.0.1}}
              contact: {{name: bench, position: bench, address: bench, city: bench, stateorprovince: bench, postalcode: "0", country: CN, phone: "0", fax: "0", email: a@b.c, url: http://127.0.0.1, hours: any, instructions: none, role: pointOfContact}}
            resources:
              counties:
                type: collection
                title: counties
                description: counties
                keywords: [counties]
                extents:
                  spatial: {{bbox: [97, 26, 111, 35], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
                providers:
                  - type: feature
                    name: GeoJSON
                    data: {data}
                    id_field: id
            """
        )
    )
    openapi = folder / "pygeoapi-openapi.yml"
    return config, openapi


def nginx_config(folder: Path, port: int) -> Path:
    conf = folder / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            worker_processes auto;
            pid {folder}/nginx.pid;
            error_log {folder}/nginx-error.log;
            events {{ worker_connections 1024; }}
            http {{
              access_log off;
              types {{ application/geo+json geojson; }}
              server {{
                listen 127.0.0.1:{port};
                root {folder}/www;
                gzip_static on;
                location / {{ }}
              }}
            }}
            """
        )
    )
    return conf


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency",
         "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, timeout=seconds + 120,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "errors": int(errors.group(1)) if errors else 0}


def raw_size(url: str) -> int:
    """Bytes on the wire with gzip (httpx decompresses, so ask for the stream)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}, timeout=120) as r:
        return sum(len(chunk) for chunk in r.iter_raw())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path("/usr/sbin/nginx").exists():
            print(f"{tool} is missing: apt-get install wrk nginx-light", file=sys.stderr)
            return 2
    cores = os.cpu_count() or 2
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "layers", "export", str(folder / "export")], cwd=ROOT, check=True, capture_output=True)
        data = folder / "export" / "counties.geojson"
        folder.chmod(0o755)  # nginx workers run as www-data
        (folder / "www").mkdir()
        shutil.copy(data, folder / "www" / "counties.geojson")
        (folder / "www" / "counties.geojson.gz").write_bytes(gzip.compress(data.read_bytes(), 9))
        ports = {"atlas": free_port(), "pygeoapi": free_port(), "nginx": free_port()}
        try:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(ports["atlas"]),
                 "--workers", str(cores), "--log-level", "warning"], cwd=ROOT))
            py = ensure_pygeoapi()
            config, openapi = pygeoapi_config(data, ports["pygeoapi"], folder)
            env = os.environ | {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
            subprocess.run([str(py.parent / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)],
                           env=env, check=True, capture_output=True)
            procs.append(subprocess.Popen(
                [str(py), "-m", "uvicorn", "pygeoapi.starlette_app:APP", "--host", "127.0.0.1", "--port", str(ports["pygeoapi"]),
                 "--workers", str(cores), "--log-level", "warning"], env=env, cwd=folder))
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            procs.append(subprocess.Popen([nginx, "-c", str(nginx_config(folder, ports["nginx"])), "-g", "daemon off;"]))
            a, p, n = (f"http://127.0.0.1:{ports[k]}" for k in ("atlas", "pygeoapi", "nginx"))
            wait_up(a + "/health")
            wait_up(p + "/collections/counties?f=json")
            wait_up(n + "/counties.geojson")
            cases = [
                ("items?limit=10", a + "/ogc/collections/counties/items?limit=10", p + "/collections/counties/items?limit=10&f=json", None),
                (f"bbox {BBOX}", a + f"/ogc/collections/counties/items?bbox={BBOX}&limit=1000", p + f"/collections/counties/items?bbox={BBOX}&limit=1000&f=json", None),
                ("full layer, gzip", a + "/api/layers/counties", p + "/collections/counties/items?limit=10000&f=json", n + "/counties.geojson"),
                (f"full layer, zoom {OVERVIEW_ZOOM}", a + f"/api/layers/counties?zoom={OVERVIEW_ZOOM}", p + "/collections/counties/items?limit=10000&f=json", n + "/counties.geojson"),
            ]
            uncompressed = {
                "full": len(httpx.get(a + "/api/layers/counties", timeout=120).content),
                "zoom": len(httpx.get(a + f"/api/layers/counties?zoom={OVERVIEW_ZOOM}", timeout=120).content),
            }
            rows = []
            for name, atlas_url, pg_url, nginx_url in cases:
                httpx.get(atlas_url, timeout=120)  # warm the cache once, as any first user would
                ra = wrk(atlas_url, args.seconds, 64)
                rp = wrk(pg_url, args.seconds, 2)
                rn = wrk(nginx_url, args.seconds, 64) if nginx_url else None
                rows.append((name, ra, rp, rn, raw_size(atlas_url), raw_size(pg_url), raw_size(nginx_url) if nginx_url else None))
                print(name, ra, rp, rn, flush=True)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    full_bytes = next(r[4] for r in rows if r[0] == "full layer, gzip")
    lines = [
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {cores} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; wrk {args.seconds} s per case, "
        "64 connections (2 for pygeoapi, which cannot take more); Accept-Encoding: gzip.",
        "",
        "| case | atlas req/s | p50 ms | p99 ms | bytes | pygeoapi req/s | p50 ms | bytes | nginx req/s | bytes | atlas ÷ pygeoapi | atlas ÷ nginx |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, ra, rp, rn, ba, bp, bn in rows:
        lines.append(
            f"| {name} | {ra['rps']:.0f} | {ra['p50']:.2f} | {ra['p99']:.2f} | {ba:,} | {rp['rps']:.2f} | {rp['p50']:.0f} | {bp:,} | "
            f"{rn['rps']:.0f} | {bn:,} | {ra['rps'] / rp['rps']:.0f}× | {ra['rps'] / rn['rps']:.2f} |" if rn else
            f"| {name} | {ra['rps']:.0f} | {ra['p50']:.2f} | {ra['p99']:.2f} | {ba:,} | {rp['rps']:.2f} | {rp['p50']:.0f} | {bp:,} | – | – | {ra['rps'] / rp['rps']:.0f}× | – |"
        )
    overview = next(r[4] for r in rows if r[0].startswith("full layer, zoom"))
    lines += [
        "",
        f"Overview zoom {OVERVIEW_ZOOM}: {overview:,} bytes gzip = {overview / full_bytes:.1%} of the full layer's {full_bytes:,}; "
        f"uncompressed {uncompressed['zoom']:,} of {uncompressed['full']:,} = {uncompressed['zoom'] / uncompressed['full']:.1%}.",
    ]
    errors = sum(r[1]["errors"] for r in rows)
    lines.append(f"Non-2xx responses from the atlas: {errors}.")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
