"""Command line: ``python -m layers export OUT_DIR`` and ``python -m layers check [--seeds DIR]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _catalog(args: argparse.Namespace):
    """The catalog on ``--data DIR`` (or ATLAS_DATA_DIR, else the package's data), loaded."""
    import os

    from layers.catalog import Catalog

    return Catalog(data_dir=getattr(args, "data", None) or os.environ.get("ATLAS_DATA_DIR") or None).load()


def cmd_export(args: argparse.Namespace) -> int:
    """Write ``<layer>.geojson`` for every layer and ``catalog.json``."""
    from geo.geojson import dumps, feature_collection

    catalog = _catalog(args)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for layer_id, layer in catalog.layers.items():
        (out / f"{layer_id}.geojson").write_bytes(dumps(feature_collection(layer.frame)))
        entry = layer.spec.as_dict() | {"feature_count": len(layer.frame), "bbox": layer.bbox, "version": layer.version}
        entries.append(entry)
        print(f"{layer_id}: {len(layer.frame)} features")
    (out / "catalog.json").write_bytes(
        json.dumps({"layers": entries, "errors": catalog.errors}, ensure_ascii=False, indent=2).encode("utf-8")
    )
    for layer_id, err in catalog.errors.items():
        print(f"{layer_id}: NOT EXPORTED: {err}", file=sys.stderr)
    return 1 if catalog.errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate every layer and every citation; print a summary; non-zero on any problem."""
    from layers.sources import Citation, SeedLibrary

    problems: list[str] = []
    catalog = _catalog(args)
    for layer_id, err in catalog.errors.items():
        problems.append(f"{layer_id}: {err}")
    try:
        seeds = SeedLibrary(Path(args.seeds), catalog.data.documents)
    except FileNotFoundError as exc:
        print(f"error: {exc} (give --seeds DIR)", file=sys.stderr)
        return 2
    n_citations = 0
    for layer_id, layer in catalog.layers.items():
        for fid, sources in zip(layer.frame["id"], layer.frame["sources"]):
            for s in sources or []:
                n_citations += 1
                citation = Citation(seed=s["seed"], doc=s["doc"], quote=s["quote"])
                reason = seeds.check(citation)
                if reason:
                    problems.append(f"{layer_id}: {fid}: {reason}: {s['seed']} [{s['doc']}] “{s['quote']}”")
    warnings = review_warnings(catalog)
    for layer_id, layer in catalog.layers.items():
        print(f"{layer_id:16s} {len(layer.frame):5d} features")
    print(f"{n_citations} citations checked against {seeds.seeds_dir}")
    for w in warnings:
        print(f"REVIEW {w}")
    print(f"{len(warnings)} warning(s) for review")
    if getattr(args, "spatial", False):
        print_spatial(catalog)
    for p in problems:
        print(f"PROBLEM {p}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


def print_spatial(catalog) -> None:
    """The gazetteer against its second source, what is unlocated, lines far from their places."""
    from layers import spatial

    g = catalog.data.gazetteer
    print("== spatial: gazetteer against a second source (cpca, GCJ-02 converted to WGS84)")
    print(f"  county seats:      {spatial.seat_vs_second_source(g, ('seat',))}")
    print(f"  prefecture cities: {spatial.seat_vs_second_source(g, ('city_seat',))}")
    print(f"  seats vs the Tianditu label points used before: {spatial.seat_vs_label_point(g)}")
    missing = spatial.unlocated(catalog)
    print(f"== spatial: unlocated features: {sum(map(len, missing.values()))}")
    for layer_id, ids in missing.items():
        print(f"  {layer_id} ({len(ids)}): {', '.join(ids)}")
    far = spatial.lines_far_from_named_places(catalog)
    print(f"== spatial: lines passing more than {spatial.LINE_PLACE_TOLERANCE_KM:g} km from a place they name: {len(far)}")
    for fid, place, km in far:
        print(f"  {fid}: {place} {km} km")


#: Measured schematic length and documented length differing by more than this are flagged.
LENGTH_REVIEW_PCT = 40.0


def review_warnings(catalog) -> list[str]:
    """Things a reviewer should look at that are not errors.

    - a schematic line whose measured length differs from the documented one by > 40 %;
    - a row with no geometry: a project the documents name without any place, a river the
      source lacks, a layout element whose definition cannot be resolved to geometry;
    - a project whose status the rules could not decide (``status_confidence: low``).
    """
    out = []
    for layer_id, layer in catalog.layers.items():
        frame = layer.frame
        if "length_difference_pct" in frame.columns:
            for fid, diff, measured, documented in zip(frame["id"], frame["length_difference_pct"], frame["length_km"], frame["length_km_documented"]):
                if diff is not None and abs(diff) > LENGTH_REVIEW_PCT:
                    out.append(f"{layer_id}: {fid}: schematic length {measured} km vs documented {documented} km ({diff:+.0f}%)")
        if "status_confidence" in frame.columns:
            for fid, confidence, rule in zip(frame["id"], frame["status_confidence"], frame["status_rule"]):
                if confidence == "low":
                    out.append(f"{layer_id}: {fid}: status low-confidence: {rule}")
        why = frame["derivation"] if "derivation" in frame.columns else frame["notes"] if "notes" in frame.columns else None
        for i, (fid, quality) in enumerate(zip(frame["id"], frame["geometry_quality"])):
            if quality == "unlocated":
                reason = why.iloc[i] if why is not None and why.iloc[i] else "the documents name no place"
                out.append(f"{layer_id}: {fid}: not drawn: {reason}")
    return out


def verb_report(catalog) -> str:
    """Every distinct verb phrase of the project rows' mentions, with its count, class and rule (Markdown)."""
    from collections import Counter

    from layers.projects import STATUS_RULES, classify_verb

    counts: Counter = Counter()
    for layer in [*catalog.in_group("projects"), *catalog.in_group("context")]:
        if "mentions" not in layer.frame.columns:
            continue
        for mentions in layer.frame["mentions"]:
            counts.update(m["status_zh"] for m in mentions if m["status_zh"])
    by_class: dict[str, list[tuple[str, int, str | None]]] = {}
    import re

    for verb, n in counts.items():
        cls, rule = classify_verb(verb)
        word = re.search(rule, verb).group(0) if rule else None
        by_class.setdefault(cls if rule else "unmatched", []).append((verb, n, word))
    lines = [
        "# Verb phrases of the project mentions",
        "",
        "Generated by `python -m layers verbs --out docs/status-verbs.md`: every distinct verb as written",
        "(`status_zh`) in the mentions of the project and network layers, with its count and the class the",
        "ordered rules in `layers/projects.py` (`STATUS_RULES`) give it. `none` verbs use, lean on or",
        "optimise an existing facility and name no works; `unmatched` verbs match no rule and are",
        "treated like `none` (the row's status is then low-confidence unless another mention decides).",
        "",
        f"{sum(counts.values())} mentions with a verb, {len(counts)} distinct phrases.",
        "",
        "| rule (first match wins) | class |",
        "|---|---|",
        *(f"| `{pattern}` | {cls} |" for pattern, cls in STATUS_RULES),
        "",
    ]
    order = [cls for _, cls in STATUS_RULES] + ["unmatched"]
    for cls in dict.fromkeys(order):
        rows = sorted(by_class.get(cls, []), key=lambda r: (-r[1], r[0]))
        if not rows:
            continue
        lines += [f"## {cls} ({sum(n for _, n, _ in rows)} mentions, {len(rows)} phrases)", "", "| verb as written | count | matched word |", "|---|---|---|"]
        lines += [f"| {v} | {n} | {('`' + r + '`') if r else '—'} |" for v, n, r in rows]
        lines.append("")
    return "\n".join(lines)


def cmd_verbs(args: argparse.Namespace) -> int:
    """Write (or print) the verb report."""
    text = verb_report(_catalog(args))
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Counts by layer, kind, status and seed; per kind, the passages no row covers."""
    from layers.coverage import counts, coverage_by_kind
    from layers.sources import SeedLibrary

    catalog = _catalog(args)
    try:
        library = SeedLibrary(Path(args.seeds), catalog.data.documents)
    except FileNotFoundError as exc:
        print(f"error: {exc} (give --seeds DIR)", file=sys.stderr)
        return 2
    seeds = sorted(p.name for p in library.seeds_dir.glob("*.txt"))
    if args.entities:
        return print_entities(catalog, library, seeds, args.out)
    frames = {layer_id: layer.frame for layer_id, layer in catalog.layers.items() if "sources" in layer.frame.columns}
    for title, counter in counts({k: catalog.layers[k].frame for k in frames if catalog.spec(k).group in ("projects", "context", "zones")}).items():
        print(f"== by {title}")
        for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {key:40s} {n:5d}")
    by_kind = coverage_by_kind(library, seeds, frames)
    print("== passages naming each kind, and those no row of any layer quotes or names")
    for kind, (total, gaps) in by_kind.items():
        print(f"  {kind:16s} {total:5d} passages, {total - len(gaps):5d} covered ({(total - len(gaps)) / max(total, 1):.0%}), {len(gaps):4d} uncovered")
    for kind, (total, gaps) in by_kind.items():
        shown = gaps if args.all else gaps[: args.limit]
        print(f"== uncovered: {kind} ({len(gaps)})")
        for p in shown:
            print(f"  {p.seed}:{p.line}: {p.text[:100]}")
        if len(shown) < len(gaps):
            print(f"  … {len(gaps) - len(shown)} more (--all to list every one)")
    return 0


def print_entities(catalog, library, seeds: list[str], out: str | None) -> int:
    """Entity-level coverage: per kind, the seeds' named entities a row denotes; the report to ``out``."""
    from layers.coverage import check_entities, coverage_table, entity_report

    frames = {layer_id: layer.frame for layer_id, layer in catalog.layers.items()}
    check = check_entities(library, seeds, frames, catalog.data_dir)
    print("== named entities of the seeds (extracted from the text alone) that a row of any layer denotes")
    for line in coverage_table(check):
        print("  " + line)
    for kind, (_, _, missing) in check.coverage.items():
        if missing:
            print(f"== unmatched: {kind} ({len(missing)}): " + "、".join(sorted(r.names[0] for r in missing)))
    for p in check.problems:
        print(f"PROBLEM {p}")
    if out:
        Path(out).write_text(entity_report(check, seeds), encoding="utf-8")
        print(f"wrote {out}")
    return 1 if check.problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Chengyu Atlas layer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write every layer as GeoJSON plus catalog.json")
    p.add_argument("out_dir")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("check", help="validate data and verify every citation against the seeds")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory (default: ../shared/seeds)")
    p.add_argument("--spatial", action="store_true", help="also print position statistics, unlocated rows and lines far from their places")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("verbs", help="every verb phrase of the project mentions with its count and status class")
    p.add_argument("--out", default=None, help="write the Markdown report here (e.g. docs/status-verbs.md)")
    p.set_defaults(func=cmd_verbs)
    p = sub.add_parser("coverage", help="project counts by layer/kind/status/seed and uncovered passages")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory (default: ../shared/seeds)")
    p.add_argument("--limit", type=int, default=15, help="how many uncovered passages to print per kind")
    p.add_argument("--all", action="store_true", help="print every uncovered passage")
    p.add_argument("--entities", action="store_true",
                   help="entity-level coverage: the named things the seeds mention, per kind, and which rows denote them")
    p.add_argument("--out", default=None, help="with --entities: write the Markdown report here (e.g. docs/coverage-entities.md)")
    p.set_defaults(func=cmd_coverage)
    for sp in sub.choices.values():
        sp.add_argument("--data", default=None, help="directory of curated data files (default: the package's layers/data)")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
