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
    for p in problems:
        print(f"PROBLEM {p}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


#: Measured schematic length and documented length differing by more than this are flagged.
LENGTH_REVIEW_PCT = 40.0


def review_warnings(catalog) -> list[str]:
    """Things a reviewer should look at that are not errors.

    - a schematic line whose measured length differs from the documented one by > 40 %;
    - a row with no geometry: a project the documents name without any place, a river the
      source lacks, a layout element whose definition cannot be resolved to geometry.
    """
    out = []
    for layer_id, layer in catalog.layers.items():
        frame = layer.frame
        if "length_difference_pct" in frame.columns:
            for fid, diff, measured, documented in zip(frame["id"], frame["length_difference_pct"], frame["length_km"], frame["length_km_documented"]):
                if diff is not None and abs(diff) > LENGTH_REVIEW_PCT:
                    out.append(f"{layer_id}: {fid}: schematic length {measured} km vs documented {documented} km ({diff:+.0f}%)")
        why = frame["derivation"] if "derivation" in frame.columns else frame["notes"] if "notes" in frame.columns else None
        for i, (fid, quality) in enumerate(zip(frame["id"], frame["geometry_quality"])):
            if quality == "unlocated":
                reason = why.iloc[i] if why is not None and why.iloc[i] else "the documents name no place"
                out.append(f"{layer_id}: {fid}: not drawn: {reason}")
    return out


def cmd_coverage(args: argparse.Namespace) -> int:
    """Counts by layer, kind, status and seed; passages naming project terms no row covers."""
    from layers.coverage import counts, uncovered
    from layers.sources import SeedLibrary

    catalog = _catalog(args)
    frames = {layer.spec.id: layer.frame for layer in catalog.in_group("projects")}
    for title, counter in counts(frames).items():
        print(f"== by {title}")
        for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {key:40s} {n:5d}")
    try:
        library = SeedLibrary(Path(args.seeds), catalog.data.documents)
    except FileNotFoundError as exc:
        print(f"error: {exc} (give --seeds DIR)", file=sys.stderr)
        return 2
    seeds = sorted(p.name for p in library.seeds_dir.glob("*.txt"))
    gaps = uncovered(library, seeds, frames)
    print(f"== passages with a project term that no row quotes or names: {len(gaps)}")
    shown = gaps if args.all else gaps[: args.limit]
    for p in shown:
        print(f"  {p.seed}:{p.line}: {p.text[:100]}")
    if len(shown) < len(gaps):
        print(f"  … {len(gaps) - len(shown)} more (--all to list every one)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Chengyu Atlas layer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write every layer as GeoJSON plus catalog.json")
    p.add_argument("out_dir")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("check", help="validate data and verify every citation against the seeds")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory (default: ../shared/seeds)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("coverage", help="project counts by layer/kind/status/seed and uncovered passages")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory (default: ../shared/seeds)")
    p.add_argument("--limit", type=int, default=60, help="how many uncovered passages to print")
    p.add_argument("--all", action="store_true", help="print every uncovered passage")
    p.set_defaults(func=cmd_coverage)
    for sp in sub.choices.values():
        sp.add_argument("--data", default=None, help="directory of curated data files (default: the package's layers/data)")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
