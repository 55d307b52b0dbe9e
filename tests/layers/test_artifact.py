"""The built catalog on disk (layers/artifact.py): used when valid, rebuilt when stale or corrupt."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace

import pytest

import layers.registry
from layers import artifact
from layers.catalog import Catalog
from layers.datafiles import DATA_DIR
from layers.registry import LayerDef
from tests.conftest import TINY_SPEC, fixed, tiny_frame


@pytest.fixture
def counted(monkeypatch):
    """A one-layer registry whose builder counts its calls, installed as the default registry."""
    calls = []

    def build(ctx):
        calls.append(1)
        return tiny_frame()

    registry = [LayerDef(TINY_SPEC, build)]
    monkeypatch.setattr(layers.registry, "REGISTRY", registry)
    return registry, calls


def test_a_valid_artifact_skips_the_build_and_gives_the_same_layers(tmp_path, counted):
    registry, calls = counted
    first = Catalog(registry).load(artifact_dir=tmp_path)
    assert len(calls) == 1 and len(list(tmp_path.glob("catalog-*.pickle"))) == 1
    second = Catalog(registry).load(artifact_dir=tmp_path)
    assert len(calls) == 1  # read, not built
    a, b = first.get("tiny"), second.get("tiny")
    assert a.version == b.version and a.frame.equals(b.frame) and list(a.search_text) == list(b.search_text)
    assert second.feature("tiny:b")[1]["name_zh"].iloc[0] == "乙区"
    # The map's frames came with it: the same simplified geometry, not made again.
    assert ("tiny", None) in second._zoom_frames
    assert second.map_frame("tiny").geometry.equals(first.map_frame("tiny").geometry)


def test_a_corrupt_artifact_is_rebuilt_with_a_warning(tmp_path, counted, caplog):
    registry, calls = counted
    Catalog(registry).load(artifact_dir=tmp_path)
    (path,) = tmp_path.glob("catalog-*.pickle")
    path.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="layers.artifact"):
        rebuilt = Catalog(registry).load(artifact_dir=tmp_path)
    assert len(calls) == 2 and "unreadable" in caplog.text and str(path) in caplog.text
    assert rebuilt.get("tiny").frame["id"].tolist() == ["tiny:a", "tiny:b"]
    assert artifact.load(path) is not None  # replaced by a good one


def test_a_stale_artifact_is_rebuilt_and_replaced(tmp_path, counted):
    registry, calls = counted
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cache = tmp_path / "cache"
    Catalog(registry, data_dir=data).load(artifact_dir=cache)
    with open(data / "zones.yaml", "a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    Catalog(registry, data_dir=data).load(artifact_dir=cache)
    assert len(calls) == 2 and len(list(cache.glob("catalog-*.pickle"))) == 2  # the old one may serve another checkout
    for n in range(artifact.KEEP + 2):
        with open(data / "zones.yaml", "a", encoding="utf-8") as f:
            f.write(f"\n# edit {n}\n")
        Catalog(registry, data_dir=data).load(artifact_dir=cache)
    assert len(list(cache.glob("catalog-*.pickle"))) == artifact.KEEP


def test_the_fingerprint_follows_the_data_files(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = artifact.fingerprint(data)
    assert artifact.fingerprint(data) == before
    (data / "sites.yaml").write_text((data / "sites.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert artifact.fingerprint(data) != before


def test_layers_other_than_the_registrys_never_use_an_artifact(tmp_path, counted):
    registry, calls = counted
    other = [LayerDef(replace(TINY_SPEC), fixed(tiny_frame))]  # same id, another builder
    Catalog(other).load(artifact_dir=tmp_path)
    assert not list(tmp_path.glob("catalog-*.pickle"))


def test_a_build_with_errors_is_not_stored(tmp_path, monkeypatch):
    def broken(ctx):
        raise FileNotFoundError("missing")

    registry = [LayerDef(TINY_SPEC, fixed(tiny_frame)), LayerDef(replace(TINY_SPEC, id="broken"), broken)]
    monkeypatch.setattr(layers.registry, "REGISTRY", registry)
    cat = Catalog(registry).load(artifact_dir=tmp_path)
    assert "broken" in cat.errors and not list(tmp_path.glob("catalog-*.pickle"))


# --- kept_text: a text made from the code and settings, kept beside the build --------------------

def test_kept_text_is_made_once_per_key_and_read_back(tmp_path):
    made = []

    def make(text):
        return lambda: made.append(text) or text

    assert artifact.kept_text(tmp_path, "page", "k1", make("one")) == "one"
    assert artifact.kept_text(tmp_path, "page", "k1", make("changed")) == "one"  # read, not made
    assert artifact.kept_text(tmp_path, "page", "k2", make("two")) == "two"  # another key: made
    assert made == ["one", "two"]
    assert artifact.kept_text(None, "page", "k1", make("off")) == "off"  # no directory: always made


def test_kept_text_keeps_the_newest_few_per_stem(tmp_path):
    import os
    import time

    for i in range(artifact.KEEP + 2):
        artifact.kept_text(tmp_path, "page", f"k{i}", lambda: "x")
        os.utime(tmp_path / f"page-k{i}.txt", (time.time() - 100 + i, time.time() - 100 + i))
    artifact.kept_text(tmp_path, "other", "k", lambda: "y")
    left = sorted(p.name for p in tmp_path.glob("page-*.txt"))
    assert len(left) == artifact.KEEP and "page-k0.txt" not in left
    assert (tmp_path / "other-k.txt").exists()


def test_the_source_digest_follows_files_versions_and_values():
    a = artifact.source_digest(("geo",), ("shapely",), "x")
    assert a == artifact.source_digest(("geo",), ("shapely",), "x")
    assert a != artifact.source_digest(("geo",), ("shapely",), "y")
    assert a != artifact.source_digest(("geo", "layers"), ("shapely",), "x")
