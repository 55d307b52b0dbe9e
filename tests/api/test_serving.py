"""How GeoJSON is served: bytes encoded once, results shared by selection, gzip assembled from
stored parts, links that no Host header can change, caches bounded in bytes, search from an index."""

from __future__ import annotations

import gzip
import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.caching import ByteLRU, cache_budget
from api.settings import Settings

COUNTIES = "/ogc/collections/counties/items"


def settle() -> None:
    """Wait for the background compressions asked for so far (one thread, first in first out)."""
    from api.caching import _COMPRESSOR

    _COMPRESSOR.submit(lambda: None).result(timeout=60)


@pytest.fixture(scope="module")
def fresh(catalog):
    """A client whose caches start empty (the session client's are shared by other tests)."""
    with TestClient(create_app(Settings(raw_response_cache=False, warm_start=False), catalog)) as c:
        yield c


# --- ByteLRU --------------------------------------------------------------------------------------

def test_byte_lru_evicts_the_least_recently_used_past_its_bound():
    lru = ByteLRU(100)
    lru.put("a", "A", 40)
    lru.put("b", "B", 40)
    assert lru.get("a") == "A"  # a is now the most recent
    lru.put("c", "C", 40)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("A", None, "C")
    assert lru.bytes == 80 and len(lru) == 2


def test_byte_lru_keeps_nothing_larger_than_its_bound_and_reaccounts_a_replaced_value():
    lru = ByteLRU(100)
    lru.put("big", "X", 101)
    assert lru.get("big") is None and lru.bytes == 0
    lru.put("k", "v1", 30)
    lru.put("k", "v2", 50)
    assert lru.get("k") == "v2" and lru.bytes == 50


def test_the_budget_shares_add_up_to_the_setting():
    b = cache_budget(192 * 1024 * 1024 + 7)
    assert b.raw_responses + b.results + b.bodies + b.features + b.static == b.total
    assert min(b.raw_responses, b.results, b.bodies, b.features, b.static) > 0


# --- results shared by selection ------------------------------------------------------------------

def _features(response) -> list[str]:
    return [f["id"] for f in response.json()["features"]]


def test_two_bboxes_that_select_the_same_features_share_one_stored_result(fresh):
    plain = {"Accept-Encoding": "identity"}
    a = fresh.get("/api/layers/counties", params={"bbox": "60,0,150,60", "zoom": 6}, headers=plain)
    before = len(fresh.app.state.result_cache._lru)
    b = fresh.get("/api/layers/counties", params={"bbox": "61,1,149,59", "zoom": 6}, headers=plain)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content  # the map body has no links: the same bytes
    assert a.headers["etag"] == b.headers["etag"]
    assert len(fresh.app.state.result_cache._lru) == before  # nothing new was stored


def test_ogc_pages_share_the_features_but_keep_their_own_links(fresh):
    a = fresh.get(COUNTIES, params={"bbox": "60,0,150,60", "limit": 5})
    b = fresh.get(COUNTIES, params={"bbox": "61,1,149,59", "limit": 5})
    assert _features(a) == _features(b)
    assert a.json()["links"][0]["href"].endswith("bbox=60%2C0%2C150%2C60&limit=5")
    assert b.json()["links"][0]["href"].endswith("bbox=61%2C1%2C149%2C59&limit=5")
    assert a.headers["etag"] != b.headers["etag"]


@pytest.mark.parametrize("url", [
    "/api/layers/counties?zoom=7&bbox=106,29,107.5,30.5",
    "/api/layers/rail?zoom=5",
    COUNTIES + "?limit=7&offset=3",
    COUNTIES + "?bbox=103,30,104.5,31&limit=100&crs=http://www.opengis.net/def/crs/EPSG/0/3857",
    "/ogc/collections/zones/items?limit=1000",
    COUNTIES + "?bbox=0,0,1,1",  # nothing selected
])
def test_the_gzip_body_is_the_plain_body_compressed(fresh, url):
    plain = fresh.get(url, headers={"Accept-Encoding": "identity"})
    with fresh.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed:
        wire = b"".join(packed.iter_raw())  # as sent, before httpx decodes it
        assert packed.status_code == plain.status_code == 200
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["etag"].startswith(plain.headers["etag"][:-1] + "-gzip")
    assert gzip.decompress(wire) == plain.content
    json.loads(plain.content)
    # Once compressed whole, only the compressed bytes are kept: plain bytes are decompressed.
    for _ in range(3):
        fresh.get(url, headers={"Accept-Encoding": "gzip"})
        settle()
    assert fresh.get(url, headers={"Accept-Encoding": "identity"}).content == plain.content


@pytest.mark.parametrize("url, whole", [
    ("/api/layers/waterways?zoom=7", True),  # every feature: compressed whole at once
    ("/api/layers/waterways?zoom=7&bbox=106,29,107.5,30.5", False),  # a part: joined from the features' blocks
])
def test_a_whole_layer_is_compressed_whole_at_once_a_part_joined_from_blocks(catalog, url, whole):
    with TestClient(create_app(Settings(raw_response_cache=False, warm_start=False), catalog)) as c:
        first = c.get(url, headers={"Accept-Encoding": "gzip"})
        plain = c.get(url, headers={"Accept-Encoding": "identity"})
        assert first.status_code == 200 and first.content == plain.content
        assert first.headers["etag"].endswith('-gzipb"') is not whole  # provisional until compressed whole
        encoded = c.app.state.feature_bytes.encoded(catalog, catalog.get("waterways"), True, 7)
        assert (encoded._packed is None) is whole  # no feature's blocks made for a whole layer


def test_the_assembled_gzip_stream_decodes_with_zlib():
    """The stored compressed features, then a compressed tail, then the trailer: one stream,
    whether the features' blocks were joined or the result was compressed whole."""
    from api.caching import _HEAD, _HEAD_DEFLATED, StoredFeatures, _deflate, _gzip_close

    parts = [b'{"a":%d}' % i for i in range(500)]
    stored = StoredFeatures(_HEAD + b",".join(parts), "t")
    tail = b'],"numberMatched":500}'
    joined = stored.gzip_open(lambda: [_HEAD_DEFLATED, _deflate(parts[0], 1), *[_deflate(b"," + p) for p in parts[1:]]])
    assert not stored.whole
    assert stored.gzip_open(lambda: []) is joined  # asked again: compressed whole in the background
    settle()
    whole = stored.gzip_open(lambda: [])
    assert stored.whole and len(whole) < len(joined)
    for opening in (joined, whole):
        body = _gzip_close(opening, stored, tail)
        assert gzip.decompress(body) == stored.raw + tail
        assert json.loads(gzip.decompress(body))["numberMatched"] == 500


def test_a_result_asked_for_again_is_compressed_whole(fresh):
    url = COUNTIES + "?bbox=105.5,29.5,107,31&limit=100"
    sizes, etags = [], []
    for _ in range(4):
        with fresh.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
            sizes.append(len(b"".join(r.iter_raw())))
            etags.append(r.headers["etag"])
        settle()
    # First joined from the features' blocks, served again while it is compressed whole.
    assert sizes[0] == sizes[1] and etags[0] == etags[1]
    assert sizes[2] < sizes[1] and sizes[3] == sizes[2]
    assert etags[1] != etags[2] == etags[3]  # other bytes, another ETag


def test_the_replay_cache_keeps_the_whole_compressed_body_not_the_provisional_one(catalog):
    with TestClient(create_app(Settings(warm_start=False), catalog)) as c:
        url = "/api/layers/counties?bbox=104,29,106,31.5"
        sizes = []
        for _ in range(4):
            with c.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
                sizes.append(len(b"".join(r.iter_raw())))
            settle()
        assert sizes[0] == sizes[1] > sizes[2] == sizes[3]  # the body compressed whole is what is replayed


def test_if_none_match_is_answered_with_304(fresh):
    plain = {"Accept-Encoding": "identity"}
    first = fresh.get(COUNTIES, params={"limit": 3}, headers=plain)
    again = fresh.get(COUNTIES, params={"limit": 3}, headers=plain | {"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    fresh.get(COUNTIES, params={"limit": 4})  # gzip, joined from the features' blocks
    fresh.get(COUNTIES, params={"limit": 4})  # asked again: compressed whole in the background
    settle()
    whole = fresh.get(COUNTIES, params={"limit": 4})  # now served whole, under a new ETag
    assert fresh.get(COUNTIES, params={"limit": 4}, headers={"If-None-Match": whole.headers["etag"]}).status_code == 304


# --- links and the Host header --------------------------------------------------------------------

def test_no_host_header_reaches_a_link_or_a_cache(catalog):
    with TestClient(create_app(Settings(), catalog)) as c:
        plain = {"Accept-Encoding": "identity"}
        a = c.get(COUNTIES, params={"limit": 2}, headers=plain | {"Host": "evil.example"})
        b = c.get(COUNTIES, params={"limit": 2}, headers=plain | {"Host": "other.example"})
        assert a.content == b.content and a.headers["etag"] == b.headers["etag"]
        assert b"evil" not in a.content and b"other" not in b.content
        assert a.json()["links"][0]["href"] == "/ogc/collections/counties/items?limit=2"
        listing = c.get("/api/layers", headers={"Host": "evil.example"}).json()
        assert "evil" not in json.dumps(listing)


def test_links_are_absolute_under_the_public_url(catalog):
    with TestClient(create_app(Settings(public_url="https://atlas.example.org/cy/"), catalog)) as c:
        page = c.get(COUNTIES, params={"limit": 2}, headers={"Host": "evil.example"}).json()
        hrefs = [link["href"] for link in page["links"]]
        assert hrefs[0] == "https://atlas.example.org/cy/ogc/collections/counties/items?limit=2"
        assert hrefs[1] == "https://atlas.example.org/cy/ogc/collections/counties/items?limit=2&offset=2"
        landing = c.get("/ogc").json()
        assert all(link["href"].startswith("https://atlas.example.org/cy/") for link in landing["links"])


def test_a_public_url_must_be_absolute():
    with pytest.raises(ValueError, match="ATLAS_PUBLIC_URL"):
        Settings(public_url="atlas.example.org")


def test_the_serve_command_names_the_address_it_serves():
    from api.__main__ import public_url

    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("0.0.0.0", 80) == "http://localhost:80"
    assert public_url("::1", 8080) == "http://[::1]:8080"


# --- bounded memory -------------------------------------------------------------------------------

def test_distinct_requests_never_hold_more_than_the_budget(catalog):
    with TestClient(create_app(Settings(cache_max_bytes=2 * 1024 * 1024, warm_start=False), catalog)) as c:
        state = c.app.state
        for i in range(40):
            west = 100 + (i % 8) * 0.7
            south = 27.5 + (i // 8) * 0.9
            assert c.get(COUNTIES, params={"bbox": f"{west},{south},{west + 2.5},{south + 2.5}", "limit": 100}).status_code == 200
            assert c.get("/api/layers/counties", params={"bbox": f"{west},{south},{west + 3},{south + 3}", "zoom": 9},
                         headers={"Accept-Encoding": "gzip"}).status_code == 200
        budget = state.cache_budget
        assert state.result_cache._lru.bytes <= budget.results
        assert state.feature_bytes._lru.bytes <= budget.features
        assert state.response_cache._lru.bytes <= budget.bodies
        assert len(state.result_cache._lru) > 0


# --- search from an index -------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["万州", "wanzhou", "wz", "500101", "高铁", "成渝 高铁", "港", "x", "Tianfu", "不存在的地名"])
def test_the_search_index_finds_what_scanning_every_feature_finds(catalog, q):
    """The reference is a plain scan of every layer's search text: every word a substring."""
    index = catalog.search_index
    words = q.lower().split()
    expected = {(layer.spec.id, fid) for layer in catalog.layers.values()
                for fid, text in zip(layer.frame["id"], layer.search_text) if all(w in text for w in words)}
    got = {(index._results[i]["layer"], index._results[i]["id"]) for i in index.matches(q)}
    assert got == expected


def test_search_answers_with_an_etag_and_304(client):
    first = client.get("/api/search", params={"q": "万州"})
    assert first.status_code == 200 and first.json()["results"][0]["name_zh"].startswith("万州")
    again = client.get("/api/search", params={"q": "万州"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_start_makes_the_first_maps_layers_before_anyone_asks(catalog):
    import time

    from api.mapview import label_layers, map_layers, ranked_label_layers, start_requests

    with TestClient(create_app(Settings(raw_response_cache=False), catalog)) as c:
        available = list(catalog.layers)
        preload = start_requests(map_layers(catalog.specs, available), label_layers(catalog.specs, available), "/api", 7,
                                 ranked_label_layers(catalog.specs))
        urls = [*preload["layers"].values(), *preload["labels"].values()]
        assert urls
        results = c.app.state.result_cache._lru
        deadline = time.monotonic() + 120
        while len(results) < len(urls) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(results) >= len(urls)
        before = len(results)
        for url in urls:  # the map's own requests find them: nothing new is stored
            with c.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
                assert r.status_code == 200 and not r.headers["etag"].endswith('-gzipb"')
        assert len(results) == before


# --- replay keyed by result ---------------------------------------------------------------------

ALL_COUNTIES = ["/api/layers/counties?bbox=90,20,120,40", "/api/layers/counties?bbox=90.5,20.25,120.125,40.75"]


def _final(client, url: str, **headers):
    """The response once its result is compressed whole (what the replay cache keeps)."""
    for _ in range(4):
        r = client.get(url, headers={"Accept-Encoding": "gzip", **headers})
        settle()
    return r


def _counting(monkeypatch):
    """Count the layer GeoJSON responses the app itself makes."""
    from api.routes import layers

    made = []
    real = layers.collection_response
    monkeypatch.setattr(layers, "collection_response", lambda *a, **k: made.append(1) or real(*a, **k))
    return made


def test_a_bbox_that_selects_the_same_rows_is_replayed_without_the_app(catalog, monkeypatch):
    made = _counting(monkeypatch)
    with TestClient(create_app(Settings(warm_start=False), catalog)) as c, \
            TestClient(create_app(Settings(warm_start=False, raw_response_cache=False), catalog)) as plain:
        first = _final(c, ALL_COUNTIES[0])
        before = len(made)
        replayed = c.get(ALL_COUNTIES[1], headers={"Accept-Encoding": "gzip"})
        assert len(made) == before  # answered in front of the app
        assert replayed.status_code == 200 and replayed.content == first.content
        assert replayed.headers["etag"] == first.headers["etag"]
        # other rows, or other parameters: made by the app
        assert c.get("/api/layers/counties?bbox=104,29,106,31.5").content != first.content
        assert len(made) == before + 1
        zoomed = c.get(ALL_COUNTIES[1] + "&zoom=7")
        assert len(made) == before + 2 and zoomed.content != first.content
        # what the app itself answers for that URL
        assert replayed.content == _final(plain, ALL_COUNTIES[1]).content


@pytest.mark.parametrize("url, status", [
    ("/api/layers/counties?bbox=90,20,120,40.", 200),
    ("/api/layers/counties?bbox=90,20,120,40." + "0" * 200, 422),  # too long for the declared field
    ("/api/layers/counties?bbox=90,20,120", 400),
    ("/api/layers/counties?bbox=90,20,120,40&bbox=91,20,120,40", 200),
    ("/api/layers/nowhere?bbox=90,20,120,40", 404),
    ("/api/layers/counties?bbox=90,20,120,40&zoom=99", 422),
])
def test_the_replay_answers_only_what_the_app_would_answer_the_same(catalog, url, status):
    with TestClient(create_app(Settings(warm_start=False), catalog)) as c, \
            TestClient(create_app(Settings(warm_start=False, raw_response_cache=False), catalog)) as plain:
        _final(c, ALL_COUNTIES[0])
        got, want = c.get(url), plain.get(url)
        assert got.status_code == want.status_code == status
        assert got.content == want.content or status == 200 and json.loads(got.content) == json.loads(want.content)


def test_the_warm_up_waits_for_a_quiet_moment():
    """Not while a request is in flight, nor until QUIET seconds after the last one ended."""
    import threading
    import time

    from api.app import StartActivity

    activity = StartActivity()
    activity.QUIET, activity.LONGEST = 0.2, 10.0
    activity.in_flight = 1

    def request_ends():
        activity.in_flight, activity.last = 0, time.monotonic()

    threading.Timer(0.3, request_ends).start()
    started = time.monotonic()
    activity.wait_for_quiet()
    waited = time.monotonic() - started
    assert 0.5 <= waited < 5 and activity.warming


@pytest.mark.parametrize("warm_start", [True, False])
def test_requests_are_counted_only_while_a_warm_up_may_wait_for_them(catalog, warm_start):
    app = create_app(Settings(warm_start=warm_start), catalog)
    assert app.state.start_activity.done is not warm_start
    before = app.state.start_activity.last
    TestClient(app).get("/health")
    assert (app.state.start_activity.last > before) is warm_start


def test_the_warm_up_lets_a_request_that_comes_meanwhile_go_first(catalog, monkeypatch):
    """Between two layers the warm-up waits for a brief quiet: a visitor's request in flight
    is answered before the next layer is made. Requests are counted until it is done."""
    import threading
    import time

    import api.caching
    from api.app import warm_first_map

    app = create_app(Settings(warm_start=False, raw_response_cache=False), catalog)
    activity = app.state.start_activity
    activity.QUIET, activity.STEP_QUIET = 0.0, 0.05
    made: list[float] = []
    real = api.caching.prepare

    def prepare(*args, **kwargs):
        made.append(time.monotonic())
        if len(made) == 1:  # a request arrives while the first layer is being made
            activity.in_flight += 1

            def request_ends():
                activity.in_flight, activity.last = activity.in_flight - 1, time.monotonic()

            threading.Timer(0.4, request_ends).start()
        return real(*args, **kwargs)

    monkeypatch.setattr(api.caching, "prepare", prepare)
    warm_first_map(app)
    assert len(made) > 2 and activity.done
    assert made[1] - made[0] >= 0.4 + activity.STEP_QUIET - 0.01  # waited for the request, then a quiet
    assert max(b - a for a, b in zip(made[1:], made[2:])) < 0.4  # the others followed each other


@pytest.mark.parametrize("telemetry, looks", [(False, False), (True, True)], ids=["off (default)", "ATLAS_TELEMETRY=true"])
def test_fastapis_telemetry_looks_for_a_provider_only_when_turned_on(catalog, monkeypatch, telemetry, looks):
    """Off, no request asks OpenTelemetry for a provider (FastAPI otherwise does on every one)."""
    from opentelemetry import trace

    asked = []
    real = trace.get_tracer_provider
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: asked.append(1) or real())
    assert Settings().telemetry is False
    with TestClient(create_app(Settings(raw_response_cache=False, warm_start=False, telemetry=telemetry), catalog)) as c:
        asked.clear()
        assert c.get("/api/layers/zones").status_code == 200
    assert bool(asked) is looks
