"""Response cache: serialised bodies by layer version and parameters, with gzip made once.

A repeated request does no geometry, JSON or compression work: the body, its gzip form and a
strong ETag for each representation are kept, and ``If-None-Match`` is answered with 304.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

from fastapi import Request, Response

_CACHE_SIZE = 512


class CachedBody:
    """A serialised response body, its gzip form (made once) and a strong ETag for each."""

    __slots__ = ("body", "etag", "_gzip")

    def __init__(self, body: bytes):
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        self._gzip: bytes | None = None

    @property
    def gzip(self) -> bytes:
        if self._gzip is None:
            self._gzip = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzip

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gzip"'


class ResponseCache:
    """Serialised bodies by (layer version, parameters): a repeated request does no geometry,
    JSON or compression work."""

    def __init__(self, size: int = _CACHE_SIZE):
        self.size = size
        self._items: OrderedDict[tuple, CachedBody] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: tuple, make) -> CachedBody:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        cached = CachedBody(make())
        with self._lock:
            self._items[key] = cached
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return cached


def cached_response(request: Request, key: tuple, make, media_type: str, headers: dict | None = None) -> Response:
    """Serve ``make()``'s bytes from the cache under ``key``, gzip-encoded when the client accepts it."""
    cached = request.app.state.response_cache.get_or_make(key, make)
    wants_gzip = "gzip" in request.headers.get("accept-encoding", "").lower()
    etag = cached.gzip_etag if wants_gzip else cached.etag
    headers = dict(headers or {}) | {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    if wants_gzip:
        return Response(cached.gzip, media_type=media_type, headers=headers | {"Content-Encoding": "gzip"})
    return Response(cached.body, media_type=media_type, headers=headers)




class RawResponseCache:
    """ASGI middleware: replays stored responses to repeated GETs without entering the app.

    The catalog does not change while the process runs, so a successful GeoJSON/JSON response
    to the same path, query string, host and gzip preference is the same bytes every time.
    Storing them here, in front of routing, validation and dependencies, is what lets a
    repeated request cost a dictionary lookup. ``If-None-Match`` is answered with 304 from the
    stored ETag. Bounded by entry count and total bytes (least recently used first out).
    """

    CACHEABLE_PREFIXES = (b"/api/layers/", b"/api/features/", b"/ogc/collections/")
    CACHEABLE_TYPES = (b"application/geo+json", b"application/json")

    def __init__(self, app, max_entries: int = 4096, max_bytes: int = 256 * 1024 * 1024):
        self.app = app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def _header(scope, name: bytes) -> bytes:
        for key, value in scope.get("headers", ()):
            if key == name:
                return value
        return b""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].encode().startswith(self.CACHEABLE_PREFIXES):
            await self.app(scope, receive, send)
            return
        accept = self._header(scope, b"accept")
        if b"f=html" in scope.get("query_string", b"") or (b"text/html" in accept and b"json" not in accept):
            await self.app(scope, receive, send)
            return
        gz = b"gzip" in self._header(scope, b"accept-encoding").lower()
        key = (scope["path"], scope.get("query_string", b""), self._header(scope, b"host"), gz)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is not None:
            status, headers, body = hit
            etag = next((v for k, v in headers if k == b"etag"), None)
            inm = self._header(scope, b"if-none-match")
            if etag and etag in [t.strip() for t in inm.split(b",")]:
                await send({"type": "http.response.start", "status": 304, "headers": [(k, v) for k, v in headers if k in (b"etag", b"cache-control", b"vary")]})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        captured: dict = {"chunks": []}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["chunks"].append(message.get("body", b""))
                if not message.get("more_body"):
                    self._store(key, captured)
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key, captured) -> None:
        if captured.get("status") != 200:
            return
        headers = captured["headers"]
        ctype = next((v for k, v in headers if k == b"content-type"), b"")
        if not ctype.startswith(self.CACHEABLE_TYPES) or not any(k == b"etag" for k, _ in headers):
            return
        body = b"".join(captured["chunks"])
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (200, headers, body)
            self._bytes += len(body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, _, old) = self._items.popitem(last=False)
                self._bytes -= len(old)
