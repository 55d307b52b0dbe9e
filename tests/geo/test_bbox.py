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
