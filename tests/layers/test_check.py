import subprocess
import sys

import pytest

from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.sources import Citation, SeedLibrary, squash


def test_squash_removes_pdf_line_breaks_and_spaces():
    assert squash("总面积 2.41 万\n平方公里") == "总面积2.41万平方公里"


def test_check_command_passes_on_the_curated_data(seeds_dir):
    out = subprocess.run([sys.executable, "-m", "layers", "check", "--seeds", str(seeds_dir)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "0 problem(s)" in out.stdout


def test_check_command_fails_without_seeds(tmp_path):
    out = subprocess.run([sys.executable, "-m", "layers", "check", "--seeds", str(tmp_path / "none")], capture_output=True, text=True)
    assert out.returncode != 0 and "seed directory not found" in out.stderr


@pytest.mark.parametrize(
    "citation, reason",
    [
        pytest.param(Citation(seed="000_997ade5b59c3b5b6.txt", doc="wdk_plan", quote="万州区、达州市、开州区"), None, id="verbatim"),
        pytest.param(Citation(seed="000_997ade5b59c3b5b6.txt", doc="wdk_plan", quote="万州区、达州市、开州县"), "not found", id="altered"),
        pytest.param(Citation(seed="004_a9d4b781dc1e95d7.txt", doc="platforms", quote="万州区、达州市、开州区"), "not found", id="wrong-document"),
        pytest.param(Citation(seed="000_997ade5b59c3b5b6.txt", doc="nope", quote="万州"), "unknown document", id="unknown-doc"),
    ],
)
def test_citation_check(seeds_dir, citation, reason):
    result = SeedLibrary(seeds_dir, CuratedData(DATA_DIR).documents).check(citation)
    if reason is None:
        assert result is None
    else:
        assert reason in result
