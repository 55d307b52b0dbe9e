"""What every benchmark script shares: install steps, ports, waiting, wrk runs, Lua, search terms, RSS.

Nothing here asserts a time. Install steps run on first use: Debian packages through
``apt-get`` (as root, or through ``sudo``), Python peers in their own virtualenvs under
``bench/``, so the project's ``.venv`` never gets a peer's dependencies.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua" / "distinct.lua"


# -- installs -------------------------------------------------------------------------------

def _installed(package: str) -> bool:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.strip().endswith("install ok installed")


def apt_install(*packages: str) -> None:
    """Install Debian packages that are missing (``apt-get install -y``; ``apt-get update`` and
    a retry if the first try fails). Raises if they still cannot be installed."""
    missing = [p for p in packages if not _installed(p)]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(missing)} with apt-get", file=sys.stderr, flush=True)
    install = sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, capture_output=True).returncode:
        subprocess.run(sudo + ["apt-get", "update", "-q"], env=env, capture_output=True)
        result = subprocess.run(install, env=env, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"apt-get install {' '.join(missing)} failed:\n{result.stderr[-2000:]}")


def ensure_venv(path: Path, packages: list[str], check: str) -> Path:
    """A virtualenv at ``path`` in which ``python -c check`` succeeds (``pip install packages``
    first if it does not). Returns its python."""
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    if subprocess.run([str(python), "-c", check], capture_output=True).returncode:
        print(f"installing {' '.join(packages)} into {path.relative_to(ROOT)}", file=sys.stderr, flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages], check=True)
    return python


# -- processes ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float = 180, proc: subprocess.Popen | None = None, status: int | None = None) -> float:
    """Poll ``url`` every 50 ms until it answers (below 500, or exactly ``status``); returns the
    seconds waited. Raises if it does not within ``seconds`` or ``proc`` exits first."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode} before answering")
        try:
            code = httpx.get(url, timeout=30).status_code
            if (status is None and code < 500) or code == status:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM each process (ours, by pid), then kill any still running after 20 s."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def uvicorn_workers(pid: int) -> list[int]:
    """Worker pids of a server: the children of uvicorn's master (started by multiprocessing
    spawn) or of ``python -m api`` (forked: the same command line as their parent)."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != pid:
                continue
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if b"resource_tracker" not in cmdline and (
                b"spawn_main" in cmdline or b"uvicorn" in cmdline or cmdline == (Path(f"/proc/{pid}/cmdline")).read_bytes()):
            workers.append(int(stat.parent.name))
    return sorted(workers) or [pid]


def rss_mib(pid: int) -> float:
    """Resident memory of one process, MiB (0 if it is gone)."""
    try:
        m = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0.0
    return int(m.group(1)) / 1024 if m else 0.0


# -- wrk --------------------------------------------------------------------------------------

_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_wrk(out: str) -> dict:
    """requests/s, p50/p99 (ms), requests, bytes per request (headers included), errors."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not rps:
        raise RuntimeError(f"wrk printed no result:\n{out[-2000:]}")

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return {"us": value / 1000, "ms": value, "s": value * 1000, "m": value * 60_000}[unit]

    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read", out)
    requests = int(total.group(1)) if total else 0
    read = float(total.group(2)) * _UNITS[total.group(3)] if total else 0.0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    done = requests > 0  # none completed within the run: no rate or latency to report
    return {
        "rps": float(rps.group(1)) if done else float("nan"),
        "p50": pct("50") if done else float("nan"),
        "p99": pct("99") if done else float("nan"),
        "requests": requests,
        "bytes": read / requests if requests else float("nan"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def wait_for_quiet_cpu(idle: float = 0.9, window: float = 0.5, longest: float = 60.0) -> float:
    """Wait until the machine is quiet: the CPUs at least ``idle`` idle over ``window`` seconds,
    or ``longest`` seconds have passed. Returns the seconds waited.

    A server does not stop when wrk does: a peer that queued seconds of work at 64 connections
    (TiPg answers a paging request in 1.7 s at the median) goes on with it after the run, on
    the cores the next measurement needs. Each measurement starts on a quiet machine instead.
    """
    started = time.monotonic()
    while time.monotonic() - started < longest:
        idle0, total0 = _cpu_times()
        time.sleep(window)
        idle1, total1 = _cpu_times()
        if total1 > total0 and (idle1 - idle0) / (total1 - total0) >= idle:
            break
    return time.monotonic() - started


def wrk_command(base: str, seconds: int, connections: int, path: str | None = None, lua: list[str] | None = None,
                gzip: bool = True, timeout: int = 60) -> list[str]:
    """The wrk command line: one repeated URL (``path``), or distinct requests (``lua``: the
    KIND=PATH / OPTION=VALUE arguments of bench/lua/distinct.lua)."""
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s", "--latency"]
    if gzip:
        cmd += ["-H", "Accept-Encoding: gzip"]
    if lua:
        return cmd + ["-s", str(LUA), base, "--", *lua]
    return cmd + [base + (path or "/")]


def wrk(base: str, seconds: int, connections: int, path: str | None = None, lua: list[str] | None = None,
        gzip: bool = True) -> dict:
    """Run wrk once, on a quiet machine (:func:`wait_for_quiet_cpu`), and return
    :func:`parse_wrk`'s figures, with the seconds waited for quiet as ``waited``."""
    waited = wait_for_quiet_cpu()
    cmd = wrk_command(base, seconds, connections, path, lua, gzip)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180)
    return parse_wrk(out.stdout + out.stderr) | {"waited": waited}


# -- data the scripts draw from --------------------------------------------------------------

def search_terms(base: str, folder: Path) -> Path:
    """Write real names to draw ``q=`` from: name_zh, its first two characters, name_en and its
    first (pinyin) word, of the counties and of every project layer, read from the running
    atlas's /api/layers. Returns the file (one term per line)."""
    catalogue = httpx.get(base + "/api/layers", timeout=60).json()["layers"]
    ids = ["counties"] + [e["id"] for e in catalogue if e.get("group") == "projects" and e.get("status", "ok") == "ok"]
    terms: set[str] = set()
    for layer_id in ids:
        for f in httpx.get(f"{base}/api/layers/{layer_id}", timeout=120).json()["features"]:
            p = f["properties"]
            zh, en = (p.get("name_zh") or "").strip(), (p.get("name_en") or "").strip()
            if zh:
                terms |= {zh, zh[:2]}
            if en:
                terms |= {en.lower(), en.split()[0].lower()}
    terms = {t for t in terms if t and "\n" not in t and len(t) <= 100}
    path = folder / "search-terms.txt"
    path.write_text("\n".join(sorted(terms)) + "\n", encoding="utf-8")
    return path
