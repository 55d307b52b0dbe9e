"""Mutation testing: do the tests notice small deliberate bugs in the code the answers rest on?

    python bench/mutation.py [--only NAME ...] [--source DIR] [--out bench/results/mutation]
                             [--budget-min 45]

What it does (targets and their tests are listed in ``bench/mutation.toml``):

1. makes ``bench/.venv-mutmut`` on first run (git-ignored): mutmut (the pinned version) and the
   project's dependencies, at the versions of the project's ``.venv`` when there is one. The
   project's own environment is not touched;
2. for each target, copies the project (``geo``, ``layers``, ``api``, ``static``, ``tests``,
   ``pyproject.toml``) into a scratch folder under ``--out`` and runs ``mutmut run`` there, on
   that one module (or the listed functions of it), with only the target's fast tests. The
   scratch copy's test session builds the layer catalog once and shares it with every mutant
   (mutmut forks its workers from the process that collected the test statistics), so a mutant
   costs its tests, not a rebuild; code that only runs while the catalog is built is therefore
   judged by the unit tests alone;
3. for a target with ``status_rules = true``, applies its own operator to the
   ``STATUS_RULES`` table (mutmut 3 mutates only code inside functions): every word of every
   rule is dropped in turn, and each pair of neighbouring rules is swapped; the target's tests
   run on each variant;
4. writes ``report.md`` and ``report.json`` under ``--out``: per module the mutants, how many
   were killed (a test failed), timed out (counted as killed: the mutant made the tests hang),
   survived, or had no test reaching them (counted as survivors), the score, and every
   survivor with its diff.

Survivors judged equivalent (no test could tell them apart) are listed with a reason in
``bench/MUTATION.md``. This is not part of CI: a full run takes about 25 minutes on 2 cores.
``--budget-min`` bounds the whole run: a target that would start after the budget is spent is
reported as not run, and a target's mutmut run is stopped when the budget runs out (its
checked mutants are still reported).
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bench" / "mutation.toml"
VENV = ROOT / "bench" / ".venv-mutmut"
COPIED = ("geo", "layers", "api", "static", "tests", "pyproject.toml")
KILLED = {"killed", "timeout"}

#: Appended to the scratch copy's tests/conftest.py: one catalog per mutmut process tree.
CATALOG_ONCE = '''

# --- appended by bench/mutation.py (scratch copy only): the catalog is built once and shared
# with every forked mutant run, instead of once per mutant. ---
import sys as _mutation_sys


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    cache = _mutation_sys.modules.setdefault("_atlas_mutation_cache", type(_mutation_sys)("_atlas_mutation_cache"))
    if not hasattr(cache, "catalog"):
        cache.catalog = Catalog().load()
    assert not cache.catalog.errors, cache.catalog.errors
    return cache.catalog
'''


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(version: str) -> None:
    """bench/.venv-mutmut with mutmut==version and the project's dependencies."""
    marker = VENV / f".mutmut-{version}"
    if marker.exists():
        return
    log(f"creating {VENV.relative_to(ROOT)} (mutmut {version} and the project's dependencies)")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    command = [str(venv_python()), "-m", "pip", "install", "-q", f"mutmut=={version}", *requirements]
    project_python = ROOT / ".venv" / "bin" / "python"
    if project_python.exists():  # same versions as the project's environment
        frozen = subprocess.run([str(project_python), "-m", "pip", "freeze", "--exclude-editable"],
                                capture_output=True, text=True, check=True).stdout
        constraints = VENV / "constraints.txt"
        constraints.write_text("\n".join(line for line in frozen.splitlines() if not line.startswith("mutmut")) + "\n")
        command += ["-c", str(constraints)]
    subprocess.run(command, check=True)
    marker.write_text(version)


def copy_project(source: Path, dest: Path) -> None:
    """A scratch copy of the parts of the project the tests need."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "mutants")
    for name in COPIED:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    shared = source.parent / "shared"
    if shared.is_dir():  # tests find the seeds at <root>/../shared/seeds; mutmut's root is dest/mutants
        (dest / "shared").symlink_to(shared.resolve())
    conftest = dest / "tests" / "conftest.py"
    conftest.write_text(conftest.read_text(encoding="utf-8") + CATALOG_ONCE, encoding="utf-8")


def toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(str(v)) for v in values) + "]"


def write_mutmut_config(work: Path, target: dict, pytest_args: list[str]) -> None:
    block = "\n".join([
        "",
        "[tool.mutmut]",
        'source_paths = ["geo", "layers", "api"]',
        f"only_mutate = {toml_list([target['mutate']])}",
        'also_copy = ["static"]',
        f"pytest_add_cli_args = {toml_list(pytest_args)}",
        f"pytest_add_cli_args_test_selection = {toml_list(target['tests'])}",
        "use_git_change_detection = false",
        "",
    ])
    path = work / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


def scratch_env() -> dict[str, str]:
    env = os.environ.copy()
    env.pop("CI", None)  # the scratch copy is a developer run, not CI
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def mutmut(work: Path, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run mutmut in ``work``; on timeout its whole process group (the forked workers too) is ended."""
    proc = subprocess.Popen([str(VENV / "bin" / "mutmut"), *args], cwd=work, env=scratch_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            stdout, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
        raise subprocess.TimeoutExpired(proc.args, timeout, stdout, stderr) from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def run_mutmut_target(target: dict, work: Path, pytest_args: list[str], max_children: int, seconds: float) -> dict:
    """Run mutmut on one target in its scratch copy; return the status of every mutant."""
    write_mutmut_config(work, target, pytest_args)
    names = [f"{module_name(target['mutate'])}.x_{f}__mutmut_*" for f in target.get("functions", [])]
    started = time.monotonic()
    stopped_early = False
    try:
        run = mutmut(work, "run", "--max-children", str(max_children), *names, timeout=max(seconds, 60))
        output = run.stdout[-4000:] + run.stderr[-4000:]
        returncode = run.returncode
    except subprocess.TimeoutExpired as exc:
        stopped_early = True
        output = str(exc.stdout or "")[-2000:]
        returncode = None
    results = mutmut(work, "results", "--all", "true").stdout
    statuses: dict[str, str] = {}
    for line in results.splitlines():
        m = re.match(r"\s+(\S+): (.+)$", line)
        if m:
            statuses[m.group(1)] = m.group(2).strip()
    if names:
        wanted = [re.compile(re.escape(n).replace(r"\*", ".*") + "$") for n in names]
        statuses = {k: v for k, v in statuses.items() if any(w.match(k) for w in wanted)}
    survivors = {}
    for name, status in sorted(statuses.items()):
        if status not in KILLED:
            survivors[name] = {"status": status, "diff": mutmut(work, "show", name).stdout.strip()}
    return {
        "engine": "mutmut",
        "statuses": statuses,
        "survivors": survivors,
        "seconds": round(time.monotonic() - started),
        "stopped_early": stopped_early,
        "returncode": returncode,
        "log_tail": output[-1500:] if returncode not in (0, None) else "",
    }


# --- the STATUS_RULES operator ---------------------------------------------------------------

def status_rule_variants(source: str) -> list[tuple[str, str, str]]:
    """(name, description, mutated source) for every word dropped and every neighbour swap."""
    tree = ast.parse(source)
    table = None
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "STATUS_RULES":
            table = node.value
    if not isinstance(table, ast.Tuple):
        raise SystemExit("STATUS_RULES not found as a tuple literal in layers/projects.py")
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    encoded = source.encode("utf-8")

    def span(node: ast.AST) -> tuple[int, int]:
        return offsets[node.lineno - 1] + node.col_offset, offsets[node.end_lineno - 1] + node.end_col_offset

    def replace(spans_and_texts) -> str:
        out, last = [], 0
        for (start, end), text in sorted(spans_and_texts):
            out += [encoded[last:start], text.encode("utf-8")]
            last = end
        out.append(encoded[last:])
        return b"".join(out).decode("utf-8")

    rules = [(elt.elts[0], elt.elts[0].value, elt.elts[1].value) for elt in table.elts]
    variants = []
    for i, (node, pattern, status) in enumerate(rules):
        words = pattern.split("|")
        for j, word in enumerate(words):
            rest = "|".join(words[:j] + words[j + 1:])
            variants.append((f"STATUS_RULES.drop[{i}:{word}]", f"drop {word!r} from the {status} rule",
                             replace([(span(node), repr(rest) if rest else repr("(?!)"))])))
    for i in range(len(rules) - 1):
        a, b = table.elts[i], table.elts[i + 1]
        variants.append((f"STATUS_RULES.swap[{i},{i + 1}]", f"swap the {rules[i][2]} and {rules[i + 1][2]} rules",
                         replace([(span(a), ast.get_source_segment(source, b)), (span(b), ast.get_source_segment(source, a))])))
    return variants


def run_status_rules(target: dict, source: Path, work: Path, pytest_args: list[str], workers: int, seconds: float) -> dict:
    """Apply every STATUS_RULES variant in turn; the target's tests must fail on each."""
    started = time.monotonic()
    variants = status_rule_variants((source / "layers" / "projects.py").read_text(encoding="utf-8"))
    slots = []
    for k in range(workers):
        slot = work.parent / f"{work.name}-rules-{k}"
        copy_project(source, slot)
        slots.append(slot)
    env = scratch_env()

    def judge(k: int) -> list[tuple[str, str, str, str]]:
        out = []
        for name, description, text in variants[k::workers]:
            if time.monotonic() - started > seconds:
                out.append((name, description, "not checked", ""))
                continue
            (slots[k] / "layers" / "projects.py").write_text(text, encoding="utf-8")
            run = subprocess.run([str(venv_python()), "-m", "pytest", "-x", "-q", *pytest_args, *target["tests"]],
                                 cwd=slots[k], env=env, capture_output=True, text=True, timeout=600)
            status = {0: "survived", 1: "killed"}.get(run.returncode, f"killed (pytest exit {run.returncode})")
            out.append((name, description, "killed" if status.startswith("killed") else status, status))
        return out

    with ThreadPoolExecutor(workers) as pool:
        judged = [row for rows in pool.map(judge, range(workers)) for row in rows]
    for slot in slots:
        shutil.rmtree(slot, ignore_errors=True)
    statuses = {name: status for name, _, status, _ in judged}
    survivors = {name: {"status": status, "diff": description} for name, description, status, _ in judged if status not in KILLED}
    return {"engine": "STATUS_RULES operator", "statuses": statuses, "survivors": survivors,
            "seconds": round(time.monotonic() - started), "stopped_early": any(s == "not checked" for s in statuses.values())}


# --- report ---------------------------------------------------------------------------------

def summarise(statuses: dict[str, str]) -> dict:
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    total = len(statuses)
    killed = sum(n for s, n in counts.items() if s in KILLED)
    return {"total": total, "killed": killed, "counts": counts, "score": round(100 * killed / total, 1) if total else None}


def write_report(out: Path, results: dict, started: dt.datetime, budget_min: float) -> None:
    rows, parts = [], []
    all_statuses: dict[str, str] = {}
    for name, result in results.items():
        for engine in result.get("runs", []):
            all_statuses |= {f"{name}::{k}": v for k, v in engine["statuses"].items()}
        s = summarise({k: v for engine in result.get("runs", []) for k, v in engine["statuses"].items()})
        note = result.get("note", "")
        if any(engine.get("stopped_early") for engine in result.get("runs", [])):
            note = (note + "; " if note else "") + "stopped by the time budget"
        rows.append(f"| {name} | {s['total']} | {s['killed']} | {s['total'] - s['killed']} | "
                    f"{'' if s['score'] is None else str(s['score']) + ' %'} | {', '.join(f'{k} {v}' for k, v in sorted(s['counts'].items()))} | {note} |")
        for engine in result.get("runs", []):
            for mutant, info in engine["survivors"].items():
                parts.append(f"### {name}: `{mutant}` ({info['status']})\n\n```diff\n{info['diff']}\n```\n")
    total = summarise(all_statuses)
    text = [
        "# Mutation testing report",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}; "
        f"`python bench/mutation.py` (budget {budget_min:g} min, took {(dt.datetime.now(dt.timezone.utc) - started).total_seconds() / 60:.1f} min).",
        "",
        "Score = (killed + timed out) / all mutants; mutants no test reaches count as survivors.",
        "",
        "| module | mutants | killed | not killed | score | by status | note |",
        "|---|---|---|---|---|---|---|",
        *rows,
        f"| **all** | {total['total']} | {total['killed']} | {total['total'] - total['killed']} | {total['score']} % | | |",
        "",
        "## Surviving mutants",
        "",
        *parts,
    ]
    (out / "report.md").write_text("\n".join(text), encoding="utf-8")
    (out / "report.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="target names (or parts of them) to run; default all")
    parser.add_argument("--source", type=Path, default=ROOT, help="project folder to copy (default: this checkout)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "mutation")
    parser.add_argument("--budget-min", type=float, default=45.0, help="stop starting work after this many minutes")
    args = parser.parse_args(argv)

    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    settings = config["mutmut"]
    ensure_venv(settings["version"])
    targets = [t for t in config["target"] if not args.only or any(o in t["name"] for o in args.only)]
    args.out.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.timezone.utc)
    deadline = time.monotonic() + args.budget_min * 60
    results: dict[str, dict] = {}
    for target in targets:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            results[target["name"]] = {"runs": [], "note": "not run: time budget spent"}
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", target["mutate"].lower()).strip("-")
        work = args.out / "work" / slug
        log(f"{target['name']}: copying the project to {work}")
        copy_project(args.source.resolve(), work)
        runs = []
        log(f"{target['name']}: mutmut on {target['mutate']} with {', '.join(target['tests'])}")
        runs.append(run_mutmut_target(target, work, settings["pytest_args"], settings["max_children"], remaining))
        log(f"{target['name']}: {summarise(runs[-1]['statuses'])}")
        if target.get("status_rules"):
            remaining = deadline - time.monotonic()
            log(f"{target['name']}: STATUS_RULES word-drop and swap operator")
            runs.append(run_status_rules(target, args.source.resolve(), work, settings["pytest_args"], settings["max_children"], max(remaining, 0)))
            log(f"{target['name']}: {summarise(runs[-1]['statuses'])}")
        results[target["name"]] = {"runs": runs, "tests": target["tests"]}
        write_report(args.out, results, started, args.budget_min)
    write_report(args.out, results, started, args.budget_min)
    log(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
