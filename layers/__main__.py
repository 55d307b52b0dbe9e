"""Command line: ``python -m layers export OUT_DIR`` and ``python -m layers check [--seeds DIR]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _catalog():
    from layers.catalog import Catalog

    return Catalog().load()


def cmd_export(args: argparse.Namespace) -> int:
    """Write ``<layer>.geojson`` for every layer and ``catalog.json``."""
    from geo.geojson import dumps, feature_collection

    catalog = _catalog()
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
    catalog = _catalog()
    for layer_id, err in catalog.errors.items():
        problems.append(f"{layer_id}: {err}")
    try:
        seeds = SeedLibrary(Path(args.seeds))
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
    for layer_id, layer in catalog.layers.items():
        print(f"{layer_id:16s} {len(layer.frame):5d} features")
    print(f"{n_citations} citations checked against {seeds.seeds_dir}")
    for p in problems:
        print(f"PROBLEM {p}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Chengyu Atlas layer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write every layer as GeoJSON plus catalog.json")
    p.add_argument("out_dir")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("check", help="validate data and verify every citation against the seeds")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="seed directory (default: ../shared/seeds)")
    p.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
