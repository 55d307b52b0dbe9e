"""Static files answered from memory, each compressed once per version of the file.

Starlette's ``StaticFiles`` looks a file up in a worker thread and reads it in 64 KB chunks,
each another trip through a thread; ``GZipMiddleware`` then compresses it at level 9 on the
event loop, on every request (13–15 ms for ``leaflet.js`` or ``atlas.js``). Right after a start,
when the one worker is also making the first map's layers, each of those trips waited for a
layer: the map page's scripts arrived at 680 ms instead of 190.

:class:`CompressedStaticFiles` keeps Starlette's lookup (the same path checks, 404 and 405),
made inline (a ``stat`` of a local file), and answers a file with its bytes held in memory:
read once, and compressed once at gzip level 9 where that makes it smaller. A file is
read again when its size or modification time changes. Responses carry a strong ETag per
coding and ``Vary: Accept-Encoding``; ``If-None-Match`` and ``If-Modified-Since`` get 304.
What is held is bounded in bytes (:class:`api.caching.ByteLRU`); a file over the bound is
served all the same, just not kept.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
from dataclasses import dataclass
from email.utils import formatdate
from mimetypes import guess_type

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from api.caching import ByteLRU

#: Files smaller than this are sent as they are, as GZipMiddleware does (its ``minimum_size``).
MIN_COMPRESS_BYTES = 1024


@dataclass(frozen=True)
class StaticEntry:
    """One version of a file: its bytes, its gzip form (None: not worth it) and headers."""

    stamp: tuple[int, int]  # (st_mtime_ns, st_size): a change means another version
    body: bytes
    gzip: bytes | None
    media_type: str
    etag: str
    last_modified: str

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip or b"") + 256


def _entry(full_path: str, stat_result: os.stat_result, media_type: str) -> StaticEntry:
    with open(full_path, "rb") as f:
        body = f.read()
    packed = gzip.compress(body, 9, mtime=0) if len(body) >= MIN_COMPRESS_BYTES else None
    if packed is not None and len(packed) >= len(body):
        packed = None  # an image already compressed: sent as it is
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return StaticEntry((stat_result.st_mtime_ns, stat_result.st_size), body, packed, media_type,
                       f'"{digest}"', formatdate(stat_result.st_mtime, usegmt=True))


class CompressedStaticFiles(StaticFiles):
    """``StaticFiles`` answering from memory, with a gzip form made once per file version."""

    def __init__(self, *args, max_bytes: int = 8 * 1024 * 1024, **kwargs):
        super().__init__(*args, **kwargs)
        self._entries = ByteLRU(max_bytes)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] in ("GET", "HEAD"):
            try:
                full_path, stat_result = self.lookup_path(path)  # a stat on local disk: no thread needed
            except (OSError, ValueError):
                full_path, stat_result = "", None  # Starlette's own lookup says which error
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                return self.file_response(full_path, stat_result, scope)
        return await super().get_response(path, scope)

    def file_response(self, full_path, stat_result: os.stat_result, scope: Scope, status_code: int = 200) -> Response:
        stamp = (stat_result.st_mtime_ns, stat_result.st_size)
        entry = self._entries.get(full_path)
        if entry is None or entry.stamp != stamp:
            media_type = guess_type(str(full_path))[0] or "application/octet-stream"
            entry = _entry(str(full_path), stat_result, media_type)
            self._entries.put(full_path, entry, entry.size)
        request = Headers(scope=scope)
        coded = entry.gzip is not None and "gzip" in request.get("accept-encoding", "").lower()
        headers = {"etag": entry.etag[:-1] + '-gzip"' if coded else entry.etag,
                   "last-modified": entry.last_modified}
        if entry.gzip is not None:
            headers["vary"] = "Accept-Encoding"
        if self.is_not_modified(Headers(headers), request):
            return NotModifiedResponse(Headers(headers))
        if coded:
            headers["content-encoding"] = "gzip"
        return Response(entry.gzip if coded else entry.body, status_code=status_code, headers=headers,
                        media_type=entry.media_type)
