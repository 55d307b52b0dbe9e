from layers.coverage import PROJECT_TERMS, counts, sentences, uncovered
from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.sources import SeedLibrary


def test_sentences_carry_their_start_line(seeds_dir):
    lib = SeedLibrary(seeds_dir, CuratedData(DATA_DIR).documents)
    ss = sentences(lib, "001_6b7a754335b2d0e1.txt")
    hit = next(s for s in ss if "万开达" in s.text)
    assert "万开达" in "".join(lib.lines("001_6b7a754335b2d0e1.txt")[hit.line - 1 : hit.line + 3]).replace(" ", "")


def test_uncovered_passages_shrink_when_a_row_quotes_them(seeds_dir, catalog):
    lib = SeedLibrary(seeds_dir, CuratedData(DATA_DIR).documents)
    frames = {k: catalog.layers[k].frame for k in ("rail",)}
    gaps = uncovered(lib, ["000_997ade5b59c3b5b6.txt"], frames)
    assert all(PROJECT_TERMS.search(p.text) for p in gaps)
    quoted = [m["quote"] for ms in frames["rail"]["mentions"] for m in ms if m["seed"] == "000_997ade5b59c3b5b6.txt"]
    assert quoted
    assert not any(q.replace(" ", "") in p.text for p in gaps for q in quoted)


def test_counts(catalog):
    c = counts({"rail": catalog.layers["rail"].frame})
    assert c["layer"]["rail"] == len(catalog.layers["rail"].frame)
    assert sum(c["status"].values()) == c["layer"]["rail"]
