"""Links in responses: under the configured public URL, else root-relative.

A link is never built from the request's Host header: any client can set it, and a cached
body would then carry one client's host to the others (or a made-up host per request would
fill the caches). With ``ATLAS_PUBLIC_URL`` (e.g. ``https://atlas.example.org/cy``) links are
absolute under it; without it they are paths from the server root (``/ogc/collections/…``),
which RFC 8288 allows and clients resolve against the document's own URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request

from api.caching import ByteLRU

_ROUTE_PATHS_KEPT = 8192


def _base(request: Request) -> str:
    public = request.app.state.settings.public_url
    return public.rstrip("/") if public else request.scope.get("root_path", "")


def _route_path(request: Request, name: str, path: tuple[tuple[str, str], ...]) -> str:
    """``app.url_path_for``, remembered per app: routes do not change once the app serves, and
    finding one walks the router (tens of µs, several times per page of items)."""
    state = request.app.state
    try:
        paths = state.route_paths
    except AttributeError:
        paths = state.route_paths = ByteLRU(_ROUTE_PATHS_KEPT)  # counted in entries (size 1 each)
    found = paths.get((name, path))
    if found is None:
        found = str(request.app.url_path_for(name, **dict(path)))
        paths.put((name, path), found, 1)
    return found


def url_for(request: Request, name: str, query: dict | None = None, **path) -> str:
    """The link to route ``name`` with its path parameters and an optional query."""
    url = _base(request) + _route_path(request, name, tuple((k, str(v)) for k, v in path.items()))
    return url + ("?" + urlencode(query) if query else "")


def url_base(request: Request) -> str:
    """What links start with: the public URL, or the root path (often empty)."""
    return _base(request)


def url_path(request: Request, name: str, **path) -> str:
    """The path of route ``name`` from the server root (a link without its base)."""
    return _route_path(request, name, tuple((k, str(v)) for k, v in path.items()))


def this_url(request: Request) -> str:
    """The link to this request's own resource, query string included."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    return _base(request) + request.scope["path"] + ("?" + query if query else "")
