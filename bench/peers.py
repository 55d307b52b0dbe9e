"""The servers a benchmark runs on 127.0.0.1: the atlas and its peers, each installed on first use.

- the atlas: ``uvicorn api.main:app`` (or a factory such as ``scale_app:create_app``) from the
  project's ``.venv``, one worker per core;
- pygeoapi: its GeoJSON provider on the exported county file, under uvicorn, in
  ``bench/.venv-pygeoapi`` (PyPI ``pygeoapi``);
- TiPg: PyPI ``tipg`` in ``bench/.venv-tipg``, on a throw-away PostgreSQL 15 + PostGIS 3 cluster
  (Debian ``postgresql-15-postgis-3``) made with initdb/pg_ctl in a temporary folder, run as the
  ``postgres`` user when we are root, listening on 127.0.0.1 and a socket in that folder only;
  the county file is loaded with ``ogr2ogr`` (Debian ``gdal-bin``) into ``public.counties``;
- nginx (Debian ``nginx-light``): the precompressed county file with ``gzip_static``.

Each ``start_*`` returns a :class:`Server`; ``Server.stop()`` ends what it started, by pid.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import BENCH, ROOT, apt_install, ensure_venv, free_port, stop, wait_up

PYGEOAPI_VENV = BENCH / ".venv-pygeoapi"
TIPG_VENV = BENCH / ".venv-tipg"


@dataclass
class Server:
    """A running server: its base URL, the processes we started and how to undo the rest."""

    name: str
    base: str
    procs: list[subprocess.Popen] = field(default_factory=list)
    cleanup: list = field(default_factory=list)
    note: str = ""

    def stop(self) -> None:
        stop(self.procs)
        for undo in reversed(self.cleanup):
            try:
                undo()
            except Exception as exc:  # report, never leave the rest running
                print(f"{self.name}: cleanup failed: {exc}", file=sys.stderr)


# -- the atlas --------------------------------------------------------------------------------

def atlas_command(port: int, workers: int, app: str = "api.main:app", factory: bool = False) -> list[str]:
    """The atlas as ``./atlas serve`` runs it (``python -m api``: one load, forked workers); an
    app factory (the scale series) under uvicorn's own workers."""
    if not factory and app == "api.main:app":
        return [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--log-level", "warning"]
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    if factory:
        cmd += ["--factory", "--app-dir", str(BENCH)]
    return cmd


def start_atlas(workers: int, app: str = "api.main:app", factory: bool = False, env: dict | None = None,
                ready_path: str = "/api/layers/counties", name: str = "atlas") -> tuple[Server, float]:
    """Start the atlas under uvicorn; return it and the seconds from launch to the first 200 on
    ``ready_path`` (the start-up time a user sees)."""
    port = free_port()
    environ = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    # Byte-compiled first, as ./atlas serve does (not part of the start it times).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "api", "layers", "geo"], cwd=ROOT, check=True, capture_output=True)
    launched = time.monotonic()
    proc = subprocess.Popen(atlas_command(port, workers, app, factory), cwd=ROOT, env=environ)
    server = Server(name, f"http://127.0.0.1:{port}", [proc])
    try:
        wait_up(server.base + ready_path, seconds=600, proc=proc, status=200)
    except Exception:
        server.stop()
        raise
    return server, time.monotonic() - launched


# -- pygeoapi ---------------------------------------------------------------------------------

def _pygeoapi_config(data: Path, port: int, folder: Path) -> tuple[Path, Path]:
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
    return config, folder / "pygeoapi-openapi.yml"


def start_pygeoapi(data: Path, folder: Path, workers: int) -> Server:
    """pygeoapi's GeoJSON provider on ``data`` under uvicorn (its own virtualenv)."""
    python = ensure_venv(PYGEOAPI_VENV, ["pygeoapi", "uvicorn", "starlette"], "import pygeoapi, uvicorn, starlette")  # starlette_app needs a config to import
    port = free_port()
    config, openapi = _pygeoapi_config(data, port, folder)
    env = os.environ | {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run([str(python.parent / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)],
                   env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [str(python), "-m", "uvicorn", "pygeoapi.starlette_app:APP", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"], env=env, cwd=folder)
    server = Server("pygeoapi", f"http://127.0.0.1:{port}", [proc])
    version = subprocess.run([str(python), "-c", "import pygeoapi; print(pygeoapi.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    server.note = f"pygeoapi {version}"
    return server


def wait_pygeoapi(server: Server) -> None:
    wait_up(server.base + "/collections/counties?f=json", proc=server.procs[0])


# -- TiPg on PostGIS --------------------------------------------------------------------------

def _pg_bindir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    return versions[-1].parent


def start_postgis(data: Path, folder: Path) -> tuple[str, subprocess.Popen | None, list]:
    """A throw-away PostgreSQL cluster with PostGIS in ``folder/pg``, ``data`` loaded as
    ``public.counties`` (GiST index on geom, analysed). Returns (DSN, None, cleanup steps)."""
    apt_install("postgresql-15", "postgresql-15-postgis-3", "gdal-bin")
    bindir = _pg_bindir()
    pg = folder / "pg"
    pg.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(pg, "postgres", "postgres")
        folder.chmod(0o755)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    datadir, sockets = pg / "data", pg / "run"
    subprocess.run(as_user + ["mkdir", str(sockets)], check=True)
    subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                              "--locale=C", "--no-sync"], check=True, capture_output=True)
    options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c shared_buffers=256MB -c max_connections=200")
    subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(pg / "log"), "-w",
                              "start"], check=True, capture_output=True)
    cleanup = [lambda: subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"],
                                      capture_output=True, timeout=60)]
    psql = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    subprocess.run(psql + ["-d", "postgres", "-c", "CREATE DATABASE bench"], check=True, capture_output=True)
    subprocess.run(psql + ["-d", "bench", "-c", "CREATE EXTENSION postgis"], check=True, capture_output=True)
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", f"PG:host=127.0.0.1 port={port} user=postgres dbname=bench", str(data),
                    "-nln", "counties", "-nlt", "PROMOTE_TO_MULTI", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=gid",
                    "-lco", "SPATIAL_INDEX=GIST"], check=True, capture_output=True)
    subprocess.run(psql + ["-d", "bench", "-c", "VACUUM ANALYZE counties"], check=True, capture_output=True)
    return f"postgresql://postgres@127.0.0.1:{port}/bench", None, cleanup


def start_tipg(data: Path, folder: Path, workers: int) -> Server:
    """TiPg under uvicorn (its own virtualenv) on a PostGIS copy of ``data``."""
    python = ensure_venv(TIPG_VENV, ["tipg", "uvicorn[standard]"], "import tipg.main, uvicorn")
    dsn, _, cleanup = start_postgis(data, folder)
    port = free_port()
    env = os.environ | {"DATABASE_URL": dsn, "TIPG_NAME": "bench", "TIPG_DB_SCHEMAS": '["public"]',
                        "TIPG_MAX_FEATURES_PER_QUERY": "10000"}
    proc = subprocess.Popen(
        [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"], env=env, cwd=folder)
    server = Server("tipg", f"http://127.0.0.1:{port}", [proc], cleanup)
    version = subprocess.run([str(python), "-c", "import tipg; print(tipg.__version__)"], capture_output=True, text=True).stdout.strip()
    postgis = subprocess.run(["psql", dsn, "-Atc", "SELECT postgis_lib_version()"], capture_output=True, text=True).stdout.strip()
    server.note = f"TiPg {version} on PostgreSQL {_pg_bindir().parent.name} + PostGIS {postgis}"
    return server


def wait_tipg(server: Server) -> None:
    wait_up(server.base + "/collections/public.counties", proc=server.procs[0], status=200)


# -- nginx ------------------------------------------------------------------------------------

def start_nginx(data: Path, folder: Path) -> Server:
    """nginx serving ``data`` and its gzip -9 copy with ``gzip_static`` at /counties.geojson."""
    apt_install("nginx-light")
    www = folder / "www"
    www.mkdir(exist_ok=True)
    folder.chmod(0o755)  # nginx workers run as www-data
    shutil.copy(data, www / "counties.geojson")
    (www / "counties.geojson.gz").write_bytes(gzip.compress(data.read_bytes(), 9))
    for p in (www, www / "counties.geojson", www / "counties.geojson.gz"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    port = free_port()
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
              client_body_temp_path {folder}/nginx-body;
              types {{ application/geo+json geojson; }}
              server {{
                listen 127.0.0.1:{port};
                root {www};
                gzip_static on;
                location / {{ }}
              }}
            }}
            """
        )
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"])
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    return Server("nginx", f"http://127.0.0.1:{port}", [proc], note=f"nginx {version}")


def wait_nginx(server: Server) -> None:
    wait_up(server.base + "/counties.geojson", proc=server.procs[0], status=200)
