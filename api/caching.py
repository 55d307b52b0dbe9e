"""Response caches, all bounded in bytes, and FeatureCollections assembled from bytes encoded once.

How a GeoJSON request is served (``/api/layers/{id}``, ``/ogc/collections/{id}/items``):

1. the catalog selects row positions (spatial index, then filters);
2. :class:`FeatureBytes` holds each feature of a layer representation (full, or a map zoom
   level; an output CRS) encoded once, so the selected features are joined, not serialised;
3. :class:`ResultCache` keeps the joined features and their gzip form by *result* (layer,
   version, representation, selected positions), so different bboxes that select the same
   features share one stored body and one compression;
4. the members after the features (numberMatched, links…) are small and made per request;
   the gzip body is the stored compressed features followed by a compressed tail, one valid
   gzip stream (deflate blocks end on a byte boundary with a sync flush; the CRC is carried on).

:class:`RawResponseCache` in front of routing replays a stored response to a repeated URL. No
key contains the Host header: links are built from the configured public URL or are
root-relative (:mod:`api.urls`), so any client's Host cannot fill or poison a cache.

Every cache is a :class:`ByteLRU` whose share of ``Settings.cache_max_bytes`` is set in
:func:`cache_budget`.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from fastapi import Request, Response

from geo.geojson import collection_parts, encode_features

GZIP_LEVEL = 6
#: Level for compressing a result whole in the background: measured on 100 counties, 3 % larger
#: than level 6 for half the time (7 ms, not 16), which is CPU a busy server's requests keep.
WHOLE_LEVEL = 4
#: gzip member header: deflate, no name, mtime 0, no extra flags, OS unknown.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_HEAD, _ = collection_parts()
#: ETag mark of a gzip body joined from per-feature blocks, which a later request replaces with
#: the whole-compressed one: the replay cache does not keep it.
PROVISIONAL_GZIP = "-gzipb"


class ByteLRU:
    """A least-recently-used map bounded by the total size in bytes of its values.

    A value larger than the whole bound is returned to its caller but not kept.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        return None

    def put(self, key, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, gone) = self._items.popitem(last=False)
                self.bytes -= gone

    def get_or_make(self, key, make: Callable, size_of: Callable[[object], int]):
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value, size_of(value))
        return value


@dataclass(frozen=True)
class CacheBudget:
    """Bytes each cache of a worker may hold; together ``total``."""

    total: int
    raw_responses: int
    results: int
    bodies: int
    features: int
    static: int


def cache_budget(total: int) -> CacheBudget:
    """Split ``Settings.cache_max_bytes`` between the caches.

    Replayed responses and stored results get most (they are what makes repeated and
    overlapping requests cheap); encoded features need a few MiB per layer representation;
    the static files (``static/``: 2.3 MB, a third of it compressible) a thirty-second.
    """
    shares = dict(raw_responses=total * 4 // 10, results=total * 3 // 10, bodies=total // 10, static=total // 32)
    return CacheBudget(total, features=total - sum(shares.values()), **shares)


def _deflate(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """Raw deflate blocks of ``data`` ending on a byte boundary, not final (a sync flush), so
    that more blocks may follow in the same stream."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


_HEAD_DEFLATED = _deflate(_HEAD)
#: Compresses results whole off the event loop (zlib releases the GIL while it works).
_COMPRESSOR = ThreadPoolExecutor(1, thread_name_prefix="atlas-gzip")


class EncodedFeatures:
    """The features of one layer representation as GeoJSON bytes, and each one (after a
    comma) as deflate blocks compressed on its own, made on first use: a response's gzip body
    can then be joined from them with no compression at request time."""

    __slots__ = ("fragments", "_packed")

    def __init__(self, fragments: list[bytes]):
        self.fragments = fragments
        self._packed: list[bytes] | None = None

    @property
    def packed(self) -> list[bytes]:
        if self._packed is None:
            self._packed = [_deflate(b"," + f) for f in self.fragments]
        return self._packed

    @property
    def size(self) -> int:
        n = sum(map(len, self.fragments)) + 64 * len(self.fragments)
        return n + (sum(map(len, self._packed)) + 64 * len(self._packed) if self._packed is not None else 0)


class FeatureBytes:
    """Each feature of a layer representation encoded once (:func:`geo.geojson.encode_features`).

    A representation is (layer, version, ``for_map`` and zoom, output CRS); its fragments are
    aligned with the layer frame's rows, so a page's positions index them directly.
    """

    def __init__(self, max_bytes: int):
        self._lru = ByteLRU(max_bytes)

    def encoded(self, catalog, layer, for_map: bool, zoom: int | None, crs=None) -> EncodedFeatures:
        from geo.simplify import decimals_for_zoom

        key = (layer.spec.id, layer.version, for_map, zoom, crs.srs if crs is not None else None)

        def make() -> EncodedFeatures:
            frame = catalog.map_frame(layer.spec.id, zoom) if for_map else layer.frame
            # Rounded for the zoom only where the geometry is made for it (simplified_at_zoom): a
            # layer fetched once keeps its precision, as it keeps its vertices.
            decimals = decimals_for_zoom(zoom) if (for_map and zoom is not None and layer.spec.simplified_at_zoom) else None
            return EncodedFeatures(encode_features(frame, crs=crs, decimals=decimals))

        return self._lru.get_or_make(key, make, lambda e: e.size)

    def packed(self, encoded: EncodedFeatures, catalog, layer, for_map: bool, zoom: int | None, crs=None) -> list[bytes]:
        """``encoded.packed``, re-accounted in the bound once made."""
        if encoded._packed is None:
            packed = encoded.packed
            key = (layer.spec.id, layer.version, for_map, zoom, crs.srs if crs is not None else None)
            self._lru.put(key, encoded, encoded.size)
            return packed
        return encoded.packed


class StoredFeatures:
    """The opening of a FeatureCollection and its joined features, with their gzip form.

    The gzip form is a gzip header and deflate blocks ending in a sync flush (not final), so a
    compressed tail can follow; ``crc`` and ``length`` are carried on to the gzip trailer. A
    result first gets a gzip form joined from the features' own blocks (no compression at
    request time, about a third larger); when it is asked for again it is compressed whole.
    Once a gzip form exists only compressed bytes are kept (a third to a quarter of the plain
    ones, so three times as many results fit the bound): plain bytes are decompressed.
    """

    __slots__ = ("_raw", "length", "tag", "crc", "_gzip", "whole", "uses", "_pending", "_tail", "_closed")

    def __init__(self, raw: bytes, tag: str):
        self._raw: bytes | None = raw
        self.length = len(raw)
        self.tag = tag
        self.crc = zlib.crc32(raw)
        self._gzip: bytes | None = None
        self.whole = False
        self.uses = 0
        self._pending = False
        self._tail: bytes | None = None  # the tail of the last gzip body made
        # The gzip body made for a tail asked for twice in a row: (opening, tail, body).
        self._closed: tuple[bytes, bytes, bytes] | None = None

    @property
    def raw(self) -> bytes:
        """The plain bytes: kept until a gzip form exists, then decompressed from it (a
        client asking for plain bytes is rare; compressing whole, in the background, inflates
        first)."""
        raw = self._raw
        if raw is None:  # _gzip is set before _raw is let go
            raw = zlib.decompressobj(-zlib.MAX_WBITS).decompress(self._gzip[len(_GZIP_HEADER):])
        return raw

    def body(self, opening: bytes | None, tail: bytes) -> bytes:
        """The whole body: the gzip ``opening`` closed with ``tail`` (None: the plain bytes
        and the tail). A gzip body whose tail came twice in a row is kept: requests whose
        members are the same (every ``/api/layers`` bbox that selects these features) then get
        the same bytes object, with no compression or copy; pages whose links differ keep
        nothing more."""
        if opening is None:
            return self.raw + tail
        closed = self._closed
        if closed is not None and closed[0] is opening and closed[1] == tail:
            return closed[2]
        made = _gzip_close(opening, self, tail)
        if tail == self._tail:
            self._closed = (opening, tail, made)
        self._tail = tail
        return made

    def gzip_open(self, packed_blocks=None, on_whole=None) -> bytes:
        """The gzip form: joined from ``packed_blocks`` (the features' own blocks; a callable
        giving them) on first use; on a later use it is compressed whole in the background
        (zlib lets the server go on meanwhile), and served from then on. Without blocks (a
        start preparing its first responses) it is compressed whole at once."""
        self.uses += 1
        if self._gzip is None:
            if packed_blocks is not None:
                self._gzip = _GZIP_HEADER + b"".join(packed_blocks())
                self._raw = None  # a third of the size: plain bytes are decompressed when asked for
            else:
                self._compress_whole(on_whole)
        elif not self.whole and not self._pending and self.uses > 1:
            self._pending = True
            _COMPRESSOR.submit(self._compress_whole_in_background, on_whole)
        return self._gzip

    def _compress_whole_in_background(self, on_whole=None) -> None:
        # Then rest as long as it took: at most half a core goes to compressing, so a burst of
        # new results (a cold start under load) does not take the CPU its requests need.
        started = time.perf_counter()
        self._compress_whole(on_whole)
        time.sleep(time.perf_counter() - started)

    def _compress_whole(self, on_whole=None) -> None:
        self._gzip = _GZIP_HEADER + _deflate(self.raw, WHOLE_LEVEL)
        self.whole = True
        self._raw = None
        if on_whole is not None:
            on_whole()

    @property
    def size(self) -> int:
        raw, gz, closed = self._raw, self._gzip, self._closed
        return (len(raw) if raw is not None else 0) + (len(gz) if gz is not None else 0) + (len(closed[2]) if closed is not None else 0) + 200


class ResultCache:
    """Joined features by result: (layer, version, representation, selected positions)."""

    def __init__(self, max_bytes: int):
        self._lru = ByteLRU(max_bytes)

    @staticmethod
    def key(representation: tuple, positions: np.ndarray) -> tuple:
        digest = hashlib.blake2b(np.ascontiguousarray(positions, dtype=np.int64).tobytes(), digest_size=16,
                                 person=b"atlas-positions").hexdigest()
        return (representation, digest)

    def features(self, key: tuple, positions: np.ndarray, fragments: Sequence[bytes]) -> StoredFeatures:
        stored = self._lru.get(key)
        if stored is None:
            tag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
            stored = StoredFeatures(_HEAD + b",".join([fragments[i] for i in positions.tolist()]), tag)
            self._lru.put(key, stored, stored.size)
        return stored

    def touch(self, key: tuple, stored: StoredFeatures) -> None:
        """Re-account a stored result whose gzip form changed."""
        self._lru.put(key, stored, stored.size)


def _gzip_close(gzip_open: bytes, stored: StoredFeatures, tail: bytes) -> bytes:
    packer = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS, 1)
    return (gzip_open + packer.compress(tail) + packer.flush(zlib.Z_FINISH)
            + struct.pack("<II", zlib.crc32(tail, stored.crc), (stored.length + len(tail)) & 0xFFFFFFFF))


def _not_modified(request: Request, etag: str) -> bool:
    return etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]


def _wants_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def _stored(state, catalog, layer, positions: np.ndarray, for_map: bool, zoom: int | None, crs):
    representation = (layer.spec.id, layer.version, for_map, zoom, crs.srs if crs is not None else None)
    encoded = state.feature_bytes.encoded(catalog, layer, for_map, zoom, crs)
    key = state.result_cache.key(representation, positions)
    return encoded, key, state.result_cache.features(key, positions, encoded.fragments)


def prepare(state, catalog, layer, for_map: bool = False, zoom: int | None = None) -> None:
    """Store a whole layer's response (its features encoded, joined and compressed whole)
    before anyone asks: what a start does for the first map's layers (see api.app)."""
    _, key, stored = _stored(state, catalog, layer, np.arange(len(layer.frame)), for_map, zoom, None)
    if stored._gzip is None:
        stored.gzip_open(None)
        state.result_cache.touch(key, stored)


def collection_response(request: Request, catalog, layer, positions: np.ndarray, *, for_map: bool = False,
                        zoom: int | None = None, crs=None, media_type: str, headers: dict | None = None,
                        **members) -> Response:
    """A FeatureCollection of the layer's features at ``positions`` followed by ``members``.

    The features come from the result cache (made from the encoded features on a miss); the
    members are written per request. ETags are strong per representation (plain or gzip) and
    ``If-None-Match`` is answered with 304.
    """
    state = request.app.state
    encoded, key, stored = _stored(state, catalog, layer, positions, for_map, zoom, crs)
    _, tail = collection_parts(**members)
    tail_tag = hashlib.blake2b(tail, digest_size=6).hexdigest()
    wants_gzip = _wants_gzip(request)
    opening = None
    if wants_gzip:
        def blocks() -> list[bytes]:
            if not len(positions):
                return [_HEAD_DEFLATED]
            packed = state.feature_bytes.packed(encoded, catalog, layer, for_map, zoom, crs)
            first, rest = positions[0], positions[1:].tolist()
            return [_HEAD_DEFLATED, _deflate(encoded.fragments[first], 1), *[packed[i] for i in rest]]

        # A whole layer whose features have no blocks yet is compressed whole at once: making
        # every feature's blocks costs more (1,162 compressors for the first map's twelve
        # layers: 53 of 157 ms) and would be compressed whole again on the next request.
        whole_layer = len(positions) == len(encoded.fragments) and encoded._packed is None
        before = stored._gzip
        opening = stored.gzip_open(None if whole_layer else blocks, on_whole=lambda: state.result_cache.touch(key, stored))
        if stored._gzip is not before:
            state.result_cache.touch(key, stored)
    # The gzip bytes of a result change once, when it is compressed whole: so does its ETag.
    coding = ("-gzip" if opening is not None and opening is stored._gzip and stored.whole else PROVISIONAL_GZIP) if wants_gzip else ""
    etag = f'"{stored.tag}-{tail_tag}{coding}"'
    headers = dict(headers or {}) | {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    if wants_gzip:
        kept = stored._closed
        body = stored.body(opening, tail)
        if stored._closed is not kept:  # a body newly kept is counted in the bound
            state.result_cache.touch(key, stored)
        return Response(body, media_type=media_type, headers=headers | {"Content-Encoding": "gzip"})
    return Response(stored.body(None, tail), media_type=media_type, headers=headers)


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
            self._gzip = gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)
        return self._gzip

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gzip"'

    @property
    def size(self) -> int:
        return len(self.body) * 2 + 200  # room for the gzip form, made on first use


class ResponseCache:
    """Serialised bodies (downloads, search results) by a key that names everything they depend
    on: a repeated request does no geometry, JSON or compression work."""

    def __init__(self, max_bytes: int):
        self._lru = ByteLRU(max_bytes)

    def get_or_make(self, key: tuple, make) -> CachedBody:
        return self._lru.get_or_make(key, lambda: CachedBody(make()), lambda cached: cached.size)


def cached_response(request: Request, key: tuple, make, media_type: str, headers: dict | None = None) -> Response:
    """Serve ``make()``'s bytes from the cache under ``key``, gzip-encoded when the client accepts it."""
    cached = request.app.state.response_cache.get_or_make(key, make)
    wants_gzip = _wants_gzip(request)
    etag = cached.gzip_etag if wants_gzip else cached.etag
    headers = dict(headers or {}) | {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    if wants_gzip:
        return Response(cached.gzip, media_type=media_type, headers=headers | {"Content-Encoding": "gzip"})
    return Response(cached.body, media_type=media_type, headers=headers)


class RawResponseCache:
    """ASGI middleware: replays stored responses to repeated GETs without entering the app.

    The catalog does not change while the process runs, so a successful GeoJSON/JSON response
    to the same path, query string and gzip preference is the same bytes every time (links do
    not depend on the Host header: see :mod:`api.urls`). Storing them here, in front of
    routing, validation and dependencies, is what lets a repeated request cost a dictionary
    lookup. ``If-None-Match`` is answered with 304 from the stored ETag. Bounded in bytes
    (least recently used first out).
    """

    CACHEABLE_PREFIXES = (b"/api/layers/", b"/api/features/", b"/api/search", b"/ogc/collections/")
    CACHEABLE_TYPES = (b"application/geo+json", b"application/json")

    def __init__(self, app, max_bytes: int = 64 * 1024 * 1024, result_keys: Sequence[Callable] = ()):
        self.app = app
        self._lru = ByteLRU(max_bytes)
        #: Functions of the scope giving, for a route whose URL says more than its response
        #: depends on, what it does depend on (None: not theirs, or not sure): e.g. the rows a
        #: bbox selects, not the bbox (see api.routes.layers.replay_key).
        self.result_keys = tuple(result_keys)

    def _key(self, scope, gz: bool) -> tuple:
        for result_key in self.result_keys:
            key = result_key(scope)
            if key is not None:
                return ("result", scope.get("root_path", ""), key, gz)
        return (scope.get("root_path", ""), scope["path"], scope.get("query_string", b""), gz)

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
        key = self._key(scope, gz)
        hit = self._lru.get(key)
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
        etag = next((v for k, v in headers if k == b"etag"), None)
        if not ctype.startswith(self.CACHEABLE_TYPES) or etag is None or etag.endswith(PROVISIONAL_GZIP.encode() + b'"'):
            return
        body = b"".join(captured["chunks"])
        self._lru.put(key, (200, headers, body), len(body) + 64 * len(headers) + 256)
