"""OGC paging proven: walking ``next`` (and back along ``prev``) gives exactly the unpaged answer.

For each query (filters, bbox, bbox-crs, datetime, crs, q) the page size is chosen from the
unpaged count so that one walk ends on a full page (count a multiple of the limit: the last
page must not link to an empty one) and another on a partial page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

UNPAGED = 1000
GEOJSON = "application/geo+json"

#: (layer, query parameters): every selection the items endpoint offers, alone and together.
QUERIES = [
    pytest.param("rail", {"kind": "metro"}, id="rail-kind"),
    pytest.param("rail", {"kind": "high_speed,intercity"}, id="rail-two-kinds"),
    pytest.param("counties", {}, id="counties-all"),
    pytest.param("counties", {"bbox": "106,29,107.5,30.5"}, id="counties-bbox"),
    pytest.param("counties", {"bbox": "29,106,30.5,107.5", "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326",
                              "crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}, id="counties-bbox-crs-3857"),
    pytest.param("highways", {"datetime": "2025-06-01T00:00:00Z"}, id="highways-datetime"),
    pytest.param("waterways", {"datetime": "2021/2030", "crs": "http://www.opengis.net/def/crs/EPSG/0/4326"}, id="waterways-interval-4326"),
    pytest.param("rail", {"zones": "zone:wandakai", "datetime": "../2025", "crs": "http://www.opengis.net/def/crs/EPSG/0/4490"},
                 id="rail-zone-open-interval-4490"),
    pytest.param("rail", {"cross_border": "true", "bbox": "104,28,110,32.5"}, id="rail-cross-border-bbox"),
    pytest.param("hubs", {"status": "planned,under_construction", "q": "物流"}, id="hubs-status-q"),
]


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + ("?" + parts.query if parts.query else "")


def link(page: dict, rel: str) -> str | None:
    hrefs = [l["href"] for l in page["links"] if l["rel"] == rel]
    assert len(hrefs) <= 1, (rel, hrefs)
    return path_of(hrefs[0]) if hrefs else None


def get(client, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith(GEOJSON)
    return r.json()


def unpaged(client, layer: str, params: dict) -> list[dict]:
    page = get(client, f"/ogc/collections/{layer}/items?" + "&".join(f"{k}={v}" for k, v in (params | {"limit": UNPAGED}).items()))
    assert page["numberMatched"] == page["numberReturned"] == len(page["features"]) < UNPAGED
    assert link(page, "next") is None and link(page, "prev") is None
    return page["features"]


def limits_for(count: int) -> dict[str, int]:
    """A page size that divides ``count`` and one that does not, each giving two pages or more."""
    assert count >= 3, f"a query for paging needs at least 3 features, got {count}"
    dividing = max(d for d in range(1, count // 2 + 1) if count % d == 0)
    remainder = next(k for k in range(max(2, count // 3), count) if count % k)
    return {"multiple": dividing, "remainder": remainder}


def walk(client, url: str, rel: str, limit: int, matched: int, params: dict) -> list[dict]:
    """Follow ``rel`` links from ``url`` to the end; every page is checked on the way."""
    pages, seen_urls = [], set()
    while url:
        assert url not in seen_urls, f"{rel} links loop back to {url}"
        seen_urls.add(url)
        page = get(client, url)
        features = page["features"]
        assert features, f"empty page at {url}"
        assert page["numberMatched"] == matched, url
        assert page["numberReturned"] == len(features) <= limit
        query = dict(parse_qsl(urlsplit(url).query))
        for key, value in params.items():  # every filter travels with the links
            assert query.get(key) == value, (key, url)
        assert int(query.get("limit", limit)) == limit
        pages.append((int(query.get("offset", 0)), features))
        url = link(page, rel)
    return pages


@pytest.mark.parametrize("shape", ["multiple", "remainder"])
@pytest.mark.parametrize("layer, params", QUERIES)
def test_next_then_prev_walks_give_the_unpaged_answer(client, layer, params, shape):
    expected = unpaged(client, layer, params)
    matched = len(expected)
    limit = limits_for(matched)[shape]
    assert (matched % limit == 0) is (shape == "multiple")
    first = f"/ogc/collections/{layer}/items?" + "&".join(f"{k}={v}" for k, v in (params | {"limit": limit}).items())

    forward = walk(client, first, "next", limit, matched, params)
    assert [offset for offset, _ in forward] == list(range(0, matched, limit))
    assert len(forward) == -(-matched // limit) >= 2
    assert all(len(features) == limit for _, features in forward[:-1])
    assert len(forward[-1][1]) == (limit if shape == "multiple" else matched % limit)
    ids = [f["id"] for _, features in forward for f in features]
    assert len(ids) == len(set(ids)), "a feature came twice"
    assert [f for _, features in forward for f in features] == expected  # same features, same order, same CRS

    # From the last page back along prev: the same pages, down to the first, which has no prev.
    last_offset = forward[-1][0]
    last = first + f"&offset={last_offset}"
    backward = walk(client, last, "prev", limit, matched, params)
    assert [offset for offset, _ in backward] == [offset for offset, _ in reversed(forward)]
    assert [f for _, features in reversed(backward) for f in features] == expected


def test_limits_for_covers_both_shapes():
    assert limits_for(7) == {"multiple": 1, "remainder": 2}
    assert limits_for(221) == {"multiple": 17, "remainder": 73}
    assert limits_for(12) == {"multiple": 6, "remainder": 5}
    with pytest.raises(AssertionError):
        limits_for(2)


@pytest.mark.parametrize("layer, params", QUERIES)
def test_a_page_past_the_end_is_empty_and_links_back(client, layer, params):
    matched = len(unpaged(client, layer, params))
    url = f"/ogc/collections/{layer}/items?" + "&".join(f"{k}={v}" for k, v in (params | {"limit": 5, "offset": matched}).items())
    page = get(client, url)
    assert page["numberMatched"] == matched and page["numberReturned"] == 0 and page["features"] == []
    assert link(page, "next") is None
    prev = link(page, "prev")
    assert dict(parse_qsl(urlsplit(prev).query))["offset"] == str(max(0, matched - 5))


def test_default_and_clamped_page_sizes_walk_the_same(client, settings):
    expected = [f["id"] for f in unpaged(client, "counties", {})]
    page = get(client, "/ogc/collections/counties/items")
    assert page["numberReturned"] == settings.default_limit
    assert [f["id"] for f in page["features"]] == expected[: settings.default_limit]
    nxt = dict(parse_qsl(urlsplit(link(page, "next")).query))
    assert nxt == {"limit": str(settings.default_limit), "offset": str(settings.default_limit)}
    r = client.get(f"/ogc/collections/counties/items?limit={settings.max_limit + 1}")
    assert [f["id"] for f in r.json()["features"]] == expected and "clamped" in r.headers["warning"]
