"""api.static: static files from memory, compressed once per version of the file."""

from __future__ import annotations

import os

import pytest
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount
from starlette.testclient import TestClient

import api.static
from api.static import MIN_COMPRESS_BYTES, CompressedStaticFiles

SCRIPT = ("// a script long enough to compress\n" + "var atlas = { layers: [1, 2, 3] };\n" * 200).encode()


@pytest.fixture()
def site(tmp_path):
    (tmp_path / "atlas.js").write_bytes(SCRIPT)
    (tmp_path / "tiny.css").write_bytes(b"body { margin: 0; }\n")
    (tmp_path / "noise.bin").write_bytes(os.urandom(4096))  # compresses to more than itself
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_bytes(b"<p>hi</p>")
    (tmp_path.parent / "secret.txt").write_bytes(b"outside")
    return tmp_path


def client(directory, max_bytes=8 * 1024 * 1024, middleware=False) -> TestClient:
    app = Starlette(routes=[Mount("/static", CompressedStaticFiles(directory=directory, max_bytes=max_bytes))])
    if middleware:
        app.add_middleware(GZipMiddleware, minimum_size=1024)
    return TestClient(app)


def test_a_file_is_sent_whole_gzip_encoded_or_as_it_is(site):
    c = client(site)
    coded = c.get("/static/atlas.js", headers={"Accept-Encoding": "gzip"})
    plain = c.get("/static/atlas.js", headers={"Accept-Encoding": "identity"})
    assert coded.status_code == plain.status_code == 200
    assert coded.headers["content-encoding"] == "gzip" and coded.content == SCRIPT  # httpx decodes it
    assert int(coded.headers["content-length"]) < len(SCRIPT) // 5
    assert "content-encoding" not in plain.headers and plain.content == SCRIPT
    assert int(plain.headers["content-length"]) == len(SCRIPT)
    assert coded.headers["content-type"] == plain.headers["content-type"] == "text/javascript; charset=utf-8"
    assert coded.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert coded.headers["etag"] != plain.headers["etag"]  # one strong ETag per coding
    assert coded.headers["last-modified"] == plain.headers["last-modified"]


@pytest.mark.parametrize("name", ["tiny.css", "noise.bin"])
def test_small_or_incompressible_files_are_sent_as_they_are(site, name):
    response = client(site).get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert response.content == (site / name).read_bytes()
    assert "vary" not in response.headers


def test_the_middleware_does_not_compress_again(site):
    """A compressed file passes GZipMiddleware untouched: compressed once, not per request."""
    response = client(site, middleware=True).get("/static/atlas.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == SCRIPT  # one layer of gzip: compressed twice, one decoding would not give it
    raw = client(site).get("/static/atlas.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-length"] == raw.headers["content-length"]


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_conditional_requests_get_304_per_coding(site, encoding):
    c = client(site)
    first = c.get("/static/atlas.js", headers={"Accept-Encoding": encoding})
    again = c.get("/static/atlas.js", headers={"Accept-Encoding": encoding, "If-None-Match": f'"other", {first.headers["etag"]}'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    since = c.get("/static/atlas.js", headers={"Accept-Encoding": encoding, "If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    other = "identity" if encoding == "gzip" else "gzip"
    crossed = c.get("/static/atlas.js", headers={"Accept-Encoding": other, "If-None-Match": first.headers["etag"]})
    assert crossed.status_code == 200  # the other coding's ETag is another representation


def test_a_file_is_read_and_compressed_once_per_version(site, monkeypatch):
    made = []
    real = api.static._entry
    monkeypatch.setattr(api.static, "_entry", lambda *a: made.append(a[0]) or real(*a))
    c = client(site)
    for _ in range(3):
        assert c.get("/static/atlas.js", headers={"Accept-Encoding": "gzip"}).content == SCRIPT
    assert len(made) == 1
    changed = SCRIPT + b"var more = true;\n"
    (site / "atlas.js").write_bytes(changed)
    os.utime(site / "atlas.js", ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert c.get("/static/atlas.js", headers={"Accept-Encoding": "gzip"}).content == changed
    assert len(made) == 2


def test_a_file_over_the_bound_is_served_but_not_kept(site, monkeypatch):
    made = []
    real = api.static._entry
    monkeypatch.setattr(api.static, "_entry", lambda *a: made.append(a[0]) or real(*a))
    c = client(site, max_bytes=MIN_COMPRESS_BYTES)
    for _ in range(2):
        assert c.get("/static/atlas.js").content == SCRIPT
    assert len(made) == 2


@pytest.mark.parametrize("path, status", [
    ("/static/nothing.js", 404),
    ("/static/../secret.txt", 404),
    ("/static/%2e%2e/secret.txt", 404),
    ("/static/sub", 404),  # a directory (no HTML mode)
    ("/static/atlas.js%00.txt", 404),
])
def test_what_is_not_a_served_file_is_refused_as_starlette_does(site, path, status):
    assert client(site).get(path).status_code == status


def test_only_get_and_head(site):
    c = client(site)
    assert c.post("/static/atlas.js").status_code == 405
    head = c.head("/static/atlas.js", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b"" and head.headers["content-encoding"] == "gzip"


def test_the_app_serves_its_static_files_compressed():
    from api.app import STATIC_DIR, create_app
    from api.settings import Settings
    from layers.catalog import Catalog

    app = create_app(Settings(), Catalog())  # unloaded: static files need no layers
    c = TestClient(app)
    response = c.get("/static/atlas.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.content == (STATIC_DIR / "atlas.js").read_bytes()
    assert response.headers["etag"].endswith('-gzip"')
