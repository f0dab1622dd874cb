"""The map of Finland decoded from TopoJSON: no database needed."""

import re

import pytest

from organisations.finland_map import (
    HEIGHT,
    FinlandMap,
    _decode_arcs,
    _ring,
    bounding_box,
    finland_map,
    path_points,
)


@pytest.fixture(scope="module")
def fmap() -> FinlandMap:
    return finland_map()


def test_every_municipality_and_region_has_a_shape(fmap):
    assert len(fmap.municipalities) == 309
    assert len(fmap.regions) == 19
    assert all(shape.path for shape in fmap.municipalities.values())
    assert all(shape.path for shape in fmap.regions.values())
    assert set(fmap.regions) == {f"{n:02d}" for n in [*range(1, 20), 21] if n != 3}  # no region 03 since 1998


def test_every_point_is_inside_the_view_box(fmap):
    x0, y0, width, height = (float(v) for v in fmap.view_box.split())
    assert (x0, y0, height) == (0, 0, HEIGHT)
    assert 400 < width < 650  # Finland is about half as wide as it is tall
    for shape in [*fmap.municipalities.values(), *fmap.regions.values()]:
        min_x, min_y, max_x, max_y = bounding_box(shape.path)
        assert min_x >= 0, shape.code
        assert min_y >= 0, shape.code
        assert max_x <= width, shape.code
        assert max_y <= height, shape.code


def test_helsinki_is_south_of_rovaniemi_and_utsjoki_is_furthest_north(fmap):
    helsinki = bounding_box(fmap.municipalities["091"].path)
    rovaniemi = bounding_box(fmap.municipalities["698"].path)
    utsjoki = bounding_box(fmap.municipalities["890"].path)
    assert helsinki[1] > rovaniemi[3]  # larger y is further south
    assert utsjoki[1] == min(bounding_box(s.path)[1] for s in fmap.municipalities.values())


def test_names_come_along(fmap):
    assert (fmap.municipalities["091"].name_fi, fmap.municipalities["091"].name_sv) == ("Helsinki", "Helsingfors")
    assert fmap.regions["01"].name_fi == "Uusimaa"


def test_the_two_files_line_up(fmap):
    """Helsinki lies inside Uusimaa's bounding box: both layers share one projection."""
    hx0, hy0, hx1, hy1 = bounding_box(fmap.municipalities["091"].path)
    ux0, uy0, ux1, uy1 = bounding_box(fmap.regions["01"].path)
    assert ux0 <= hx0
    assert hx1 <= ux1
    assert uy0 <= hy0
    assert hy1 <= uy1


def test_paths_are_plain_svg_path_data(fmap):
    path = fmap.municipalities["091"].path
    assert re.fullmatch(r"(M-?[\d.]+ -?[\d.]+l[-\d. ]*z)+", path)
    assert len(path_points(path)) > 10


def test_the_map_is_memoised():
    assert finland_map() is finland_map()


def test_arcs_are_delta_decoded_and_dequantised():
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10.0, 60.0]}, "arcs": [[[2, 3], [1, 0], [0, -1]]]}
    assert _decode_arcs(topology) == [[(11.0, 66.0), (11.5, 66.0), (11.5, 64.0)]]


def test_a_negative_arc_index_is_the_arc_reversed_and_shared_points_are_not_repeated():
    arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)], [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]]
    assert _ring([0, ~1], arcs) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
