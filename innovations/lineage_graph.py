"""Layout of the lineage drawing: ancestors on the left, the innovation in the middle, adopters to the right.

Plain Python, no Django: the input is a list of nodes with a depth (negative for ancestors, 0 for the
innovation itself, positive for adopters) and the key of the node it came from; the output is the position of
every node and the end points of every edge, in SVG user units. Each depth is a column; within a column the
nodes are ordered by the row of their parent (so that the branches of a tree do not cross; nodes without a drawn
parent come last) and the columns are centred on the tallest one. `limit_columns` thins a wide tree first, so
that a popular innovation's fifty adopters do not make a drawing as tall as the page.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NodeIn:
    key: Hashable
    depth: int
    parent: Hashable | None = None


@dataclass(frozen=True)
class PlacedNode:
    key: Hashable
    depth: int
    column: int
    row: int
    x: float  # top-left corner of the box
    y: float
    width: float
    height: float

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class PlacedEdge:
    source: Hashable
    target: Hashable
    x1: float  # right edge of the source box
    y1: float
    x2: float  # left edge of the target box
    y2: float

    @property
    def mid_x(self) -> float:
        return (self.x1 + self.x2) / 2

    @property
    def mid_y(self) -> float:
        return (self.y1 + self.y2) / 2


@dataclass(frozen=True)
class Layout:
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    width: float
    height: float

    def node(self, key: Hashable) -> PlacedNode:
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)


def layered_layout(
    nodes: Sequence[NodeIn],
    *,
    node_width: float = 200,
    node_height: float = 56,
    column_gap: float = 72,
    row_gap: float = 16,
    margin: float = 8,
) -> Layout:
    """Places the nodes in columns by depth; see the module docstring.

    A node whose parent is not among the nodes (an invisible draft ended the branch) gets no edge. Keys must be
    unique; the first of duplicate keys wins.
    """
    unique: dict[Hashable, NodeIn] = {}
    for node in nodes:
        unique.setdefault(node.key, node)
    if not unique:
        return Layout(nodes=[], edges=[], width=0, height=0)

    min_depth = min(node.depth for node in unique.values())
    columns: dict[int, list[NodeIn]] = {}
    for node in unique.values():  # input order is kept as the tie-breaker
        columns.setdefault(node.depth - min_depth, []).append(node)

    # Order each column by its parents' rows, column by column from the left, so siblings stay together.
    rows: dict[Hashable, int] = {}
    for column in sorted(columns):
        last = len(unique)  # after every real row: nodes without a drawn parent go to the bottom
        indexed = sorted(enumerate(columns[column]), key=lambda pair: (rows.get(pair[1].parent, last), pair[0]))
        columns[column] = [node for _index, node in indexed]
        for row, node in enumerate(columns[column]):
            rows[node.key] = row

    tallest = max(len(members) for members in columns.values())
    height = 2 * margin + tallest * node_height + (tallest - 1) * row_gap
    column_count = max(columns) + 1
    width = 2 * margin + column_count * node_width + (column_count - 1) * column_gap

    placed: dict[Hashable, PlacedNode] = {}
    for column, members in columns.items():
        used = len(members) * node_height + (len(members) - 1) * row_gap
        top = margin + (tallest * node_height + (tallest - 1) * row_gap - used) / 2
        x = margin + column * (node_width + column_gap)
        for row, node in enumerate(members):
            placed[node.key] = PlacedNode(
                key=node.key,
                depth=node.depth,
                column=column,
                row=row,
                x=x,
                y=top + row * (node_height + row_gap),
                width=node_width,
                height=node_height,
            )

    edges = []
    for node in unique.values():
        parent = placed.get(node.parent) if node.parent is not None else None
        if parent is None or parent.key == node.key:
            continue
        child = placed[node.key]
        edges.append(
            PlacedEdge(
                source=parent.key,
                target=child.key,
                x1=parent.x + parent.width,
                y1=parent.centre_y,
                x2=child.x,
                y2=child.centre_y,
            )
        )
    ordered = sorted(placed.values(), key=lambda n: (n.column, n.row))
    return Layout(nodes=ordered, edges=edges, width=width, height=height)


def limit_columns(nodes: Sequence[NodeIn], *, max_per_column: int) -> tuple[list[NodeIn], dict[int, int]]:
    """Keeps at most `max_per_column` nodes of each depth above 0 (in input order) and drops the descendants of
    dropped nodes; returns the kept nodes and, per depth, how many were left out. Ancestors and the innovation
    itself (depth <= 0) are a chain and always kept."""
    kept: list[NodeIn] = []
    kept_keys: set[Hashable] = set()
    per_depth: dict[int, int] = {}
    hidden: dict[int, int] = {}
    for node in nodes:
        room = per_depth.get(node.depth, 0) < max_per_column
        fits = node.depth <= 0 or (node.parent in kept_keys and room)
        if fits and node.key not in kept_keys:
            kept.append(node)
            kept_keys.add(node.key)
            per_depth[node.depth] = per_depth.get(node.depth, 0) + 1
        elif not fits:
            hidden[node.depth] = hidden.get(node.depth, 0) + 1
    return kept, hidden
