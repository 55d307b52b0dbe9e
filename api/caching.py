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


