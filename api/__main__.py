"""``python -m api --host 127.0.0.1 --port 8000``: serve the atlas with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys


def public_url(host: str, port: int) -> str:
    """The base URL links name when ATLAS_PUBLIC_URL is not set: the address being served.

    Links are never taken from a request's Host header (see api.urls), and root-relative links
    trip some OGC clients (GDAL's OAPIF driver joins them to the API's path), so the command
    that knows the address says it.
    """
    if host in {"0.0.0.0", "::", ""}:
        host = "localhost"
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Serve the Chengyu Atlas")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--public-url", default=None,
                        help="base URL of links in responses (default: ATLAS_PUBLIC_URL, else http://HOST:PORT)")
    args = parser.parse_args(argv)
    if args.public_url:
        os.environ["ATLAS_PUBLIC_URL"] = args.public_url
    elif not os.environ.get("ATLAS_PUBLIC_URL"):
        os.environ["ATLAS_PUBLIC_URL"] = public_url(args.host, args.port)
        if args.host in {"0.0.0.0", "::"}:
            print(f"serving on all interfaces: links name {os.environ['ATLAS_PUBLIC_URL']}; "
                  "set ATLAS_PUBLIC_URL (or --public-url) to the address clients use", file=sys.stderr)
    if hasattr(os, "fork"):
        from api.workers import serve

        return serve(args.host, args.port, args.workers, args.log_level)
    import uvicorn  # no fork (Windows): uvicorn's own workers, each loading everything

    uvicorn.run("api.main:app", host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
