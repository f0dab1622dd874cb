"""The map of Finland as SVG path strings: municipalities and regions from the TopoJSON in reference_data/.

Plain Python, no Django. The shapes are decoded once per process (functools.cache) and shared by every page.

Why our own TopoJSON decoder: decoding is thirty lines (undo the delta encoding and the quantisation, stitch
arcs into rings). Of the packages on PyPI, `topojson` is maintained but is an encoder that brings numpy and
shapely along, `pytopojson` has had no release since 2022, and `topojson-rs` is a young native extension with
two releases. None is worth a dependency for this.

Projection: plain equirectangular with the longitude scaled by cos(64°), Finland's middle latitude, so that
the country has its familiar shape. Nothing is simplified: every point of the source is kept (rounded to
0.1 map units, about 100 m, finer than the source's own 1:4.5M generalisation).
"""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"
MUNICIPALITIES_FILE = REFERENCE_DIR / "finland-municipalities-2021.topo.json"
REGIONS_FILE = REFERENCE_DIR / "finland-regions-2020.topo.json"

# Map units: the country is HEIGHT units tall; the width follows from the projection.
HEIGHT = 1000.0
MARGIN = 10.0
COS_LAT = math.cos(math.radians(64.0))

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # outer ring first, then holes


@dataclass(frozen=True)
class Shape:
    code: str  # municipality code ("091") or region code ("01")
    name_fi: str
    name_sv: str
    path: str  # SVG path data in map units


@dataclass(frozen=True)
class FinlandMap:
    width: float
    height: float
    municipalities: dict[str, Shape]
    regions: dict[str, Shape]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _decode_arcs(topology: dict[str, object]) -> list[list[Point]]:
    """Absolute lon/lat points of every arc: positions are delta-encoded and quantised on an integer grid."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:  # type: ignore[attr-defined]
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]  # type: ignore[index]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arc_indexes: Iterable[int], arcs: Sequence[list[Point]]) -> Ring:
    """Stitches arcs into a ring; a negative index ~i means arc i reversed. Arcs share their end points."""
    ring: Ring = []
    for index in arc_indexes:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        ring.extend(points[1:] if ring else points)
    return ring


def _polygons(geometry: dict[str, object], arcs: Sequence[list[Point]]) -> list[Polygon]:
    kind, parts = geometry["type"], geometry.get("arcs") or []
    if kind == "Polygon":
        return [[_ring(ring, arcs) for ring in parts]]  # type: ignore[attr-defined]
    if kind == "MultiPolygon":
        return [[_ring(ring, arcs) for ring in polygon] for polygon in parts]  # type: ignore[attr-defined]
    return []  # null geometries and points have no area to draw


def _load(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


def _features(path: Path, layer: str) -> list[tuple[dict[str, str], list[Polygon]]]:
    topology = _load(path)
    arcs = _decode_arcs(topology)
    geometries = topology["objects"][layer]["geometries"]  # type: ignore[index]
    return [(geometry.get("properties") or {}, _polygons(geometry, arcs)) for geometry in geometries]


class _Projection:
    """lon/lat → map units, north up, fitted to the bounding box of the points it was made from."""

    def __init__(self, polygons: Iterable[Polygon]) -> None:
        points = [point for polygon in polygons for ring in polygon for point in ring]
        self.west = min(lon for lon, _lat in points)
        self.north = max(lat for _lon, lat in points)
        east = max(lon for lon, _lat in points)
        south = min(lat for _lon, lat in points)
        self.scale = (HEIGHT - 2 * MARGIN) / (self.north - south)
        self.width = round((east - self.west) * COS_LAT * self.scale + 2 * MARGIN, 1)
        self.height = HEIGHT

    def __call__(self, point: Point) -> tuple[int, int]:
        """Coordinates in tenths of a map unit, so that paths can be written with exact integer deltas."""
        lon, lat = point
        x = (lon - self.west) * COS_LAT * self.scale + MARGIN
        y = (self.north - lat) * self.scale + MARGIN
        return round(x * 10), round(y * 10)


def _tenths(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def _path(polygons: Iterable[Polygon], project: _Projection) -> str:
    """SVG path data: each ring starts with an absolute move and continues with relative lines.

    Deltas are taken between already-rounded points, so rounding never accumulates along a ring.
    """
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            projected = [project(point) for point in ring]
            if len(projected) < 3:
                continue
            if projected[0] == projected[-1]:
                projected.pop()  # "z" closes the ring
            x0, y0 = projected[0]
            steps = [f"M{_tenths(x0)} {_tenths(y0)}l"]
            previous = projected[0]
            deltas = []
            for x, y in projected[1:]:
                dx, dy = x - previous[0], y - previous[1]
                if dx or dy:
                    deltas.append(f"{_tenths(dx)} {_tenths(dy)}")
                previous = (x, y)
            steps.append(" ".join(deltas))
            parts.append("".join(steps) + "z")
    return "".join(parts)


@cache
def finland_map() -> FinlandMap:
    """All 309 municipalities (by code) and 19 regions (by code), projected onto one shared grid."""
    municipalities = _features(MUNICIPALITIES_FILE, "munis")
    regions = _features(REGIONS_FILE, "landskap-2020")
    project = _Projection(polygon for _props, polygons in municipalities + regions for polygon in polygons)
    return FinlandMap(
        width=project.width,
        height=project.height,
        municipalities={
            props["id"]: Shape(props["id"], props["name_fi"], props["name_sv"], _path(polys, project))
            for props, polys in municipalities
        },
        regions={
            props["maakunta"]: Shape(props["maakunta"], props["nimi"], props["namn"], _path(polys, project))
            for props, polys in regions
        },
    )


def path_points(path: str) -> list[Point]:
    """The absolute points of a path written by this module (M, l, z only); for tests and bounding boxes."""
    points: list[Point] = []
    for ring in path.split("z"):
        if not ring:
            continue
        move, _sep, lines = ring[1:].partition("l")
        x, y = (float(v) for v in move.split())
        points.append((x, y))
        numbers = [float(v) for v in lines.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def bounding_box(path: str) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of a path written by this module."""
    points = path_points(path)
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)
