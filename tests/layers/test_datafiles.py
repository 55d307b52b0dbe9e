import pytest

from layers import zones
from layers.datafiles import load_rows
from layers.errors import LayerDataError


def test_bad_row_names_file_row_and_reason(tmp_path):
    path = tmp_path / "zones.yaml"
    path.write_text(
        "- id: zone:ok\n  name_zh: 甲\n  name_en: A\n  kind: new_area\n  plan_doc: platforms\n"
        "  members: [{adcode: 500101, name_zh: 万州区}]\n  members_text: 万州\n"
        "  sources: [{seed: 000_997ade5b59c3b5b6.txt, doc: wdk_plan, quote: 万州区}]\n"
        "- id: zone:bad\n  name_zh: 乙\n  name_en: B\n  kind: not_a_kind\n  plan_doc: platforms\n"
        "  members: [{adcode: 500101, name_zh: 万州区}]\n  members_text: 万州\n"
        "  sources: [{seed: 000_997ade5b59c3b5b6.txt, doc: wdk_plan, quote: 万州区}]\n",
        encoding="utf-8",
    )
    with pytest.raises(LayerDataError) as info:
        load_rows(path, zones.ZoneRow, layer="zones")
    message = str(info.value)
    assert "zones.yaml" in message and "row 2 (zone:bad)" in message and "kind" in message


@pytest.mark.parametrize(
    "content, reason",
    [
        pytest.param("a: [1, 2", "not valid YAML", id="broken-yaml"),
        pytest.param("key: value\n", "expected a YAML list", id="not-a-list"),
        pytest.param("- just text\n", "not a mapping", id="row-not-mapping"),
    ],
)
def test_malformed_files(tmp_path, content, reason):
    path = tmp_path / "x.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LayerDataError, match=reason):
        load_rows(path, zones.ZoneRow, layer="zones")


def test_missing_file(tmp_path):
    with pytest.raises(LayerDataError, match="missing"):
        load_rows(tmp_path / "nope.yaml", zones.ZoneRow, layer="zones")
