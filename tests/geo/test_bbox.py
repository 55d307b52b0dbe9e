import pytest

from geo.bbox import BBox, parse_bbox
from geo.errors import BBoxError


def test_parses_four_numbers():
    assert parse_bbox("106,29,107.5,30.5") == BBox(106, 29, 107.5, 30.5)
    assert parse_bbox(" 106 , 29 , 107.5 , 30.5 ").as_tuple() == (106, 29, 107.5, 30.5)


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("106,29,107", "4 comma-separated", id="three-numbers"),
        pytest.param("106,29,107,30,31", "got 5", id="five-numbers"),
        pytest.param("107.5,29,106,30.5", "minlon 107.5 is greater", id="wrong-lon-order"),
        pytest.param("106,30.5,107.5,29", "minlat 30.5 is greater", id="wrong-lat-order"),
        pytest.param("106,29,200,30", "outside ±180", id="lon-out-of-range"),
        pytest.param("106,-95,107,30", "outside ±90", id="lat-out-of-range"),
        pytest.param("nan,29,107,30", "finite", id="nan"),
        pytest.param("106,inf,107,30", "finite", id="infinity"),
        pytest.param("a,29,107,30", "not a number", id="text"),
        pytest.param("", "got 1", id="empty"),
    ],
)
def test_rejects_bad_boxes_with_a_reason(text, message):
    with pytest.raises(BBoxError, match=message):
        parse_bbox(text)


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("a,29,107,30", "bbox minlon is not a number: 'a'", id="minlon-word"),
        pytest.param("106,b,107,30", "bbox minlat is not a number: 'b'", id="minlat-word"),
        pytest.param("106,29,c,30", "bbox maxlon is not a number: 'c'", id="maxlon-word"),
        pytest.param("106,29,107,d", "bbox maxlat is not a number: 'd'", id="maxlat-word"),
        pytest.param("inf,29,107,30", "bbox minlon must be finite, got 'inf'", id="minlon-inf"),
        pytest.param("106,nan,107,30", "bbox minlat must be finite, got 'nan'", id="minlat-nan"),
        pytest.param("106,29,-inf,30", "bbox maxlon must be finite, got '-inf'", id="maxlon-inf"),
        pytest.param("106,29,107,NaN", "bbox maxlat must be finite, got 'NaN'", id="maxlat-nan"),
    ],
)
def test_the_message_names_the_number_at_fault(text, message):
    with pytest.raises(BBoxError) as info:
        parse_bbox(text)
    assert str(info.value) == message


def test_long_values_are_cut_to_forty_characters_in_messages():
    word = "x" * 50
    with pytest.raises(BBoxError) as info:
        parse_bbox(f"{word},29,107,30")
    assert str(info.value) == f"bbox minlon is not a number: {'x' * 40!r}"
    huge = "1e999" + "0" * 45  # overflows to infinity
    with pytest.raises(BBoxError) as info:
        parse_bbox(f"106,{huge},107,30")
    assert str(info.value) == f"bbox minlat must be finite, got {huge[:40]!r}"


@pytest.mark.parametrize(
    "text, crs, message",
    [
        pytest.param("a,29,107,30", "EPSG:3857", "bbox values must be numbers", id="word"),
        pytest.param("0,0,inf,1", "EPSG:3857", "bbox values must be finite", id="inf"),
        pytest.param("1,2,3", "EPSG:3857", "bbox needs 4 comma-separated numbers; got 3", id="three"),
        pytest.param("1,2,3,4,5", "EPSG:4326", "bbox needs 4 comma-separated numbers; got 5", id="five"),
    ],
)
def test_bbox_in_crs_messages(text, crs, message):
    from geo.bbox import parse_bbox_in_crs

    with pytest.raises(BBoxError) as info:
        parse_bbox_in_crs(text, crs)
    assert str(info.value) == message
