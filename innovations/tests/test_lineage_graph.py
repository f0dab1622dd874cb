"""The lineage drawing's layout: plain maths, no database."""

from hypothesis import given
from hypothesis import strategies as st

from innovations.lineage_graph import NodeIn, layered_layout, limit_columns


def test_empty_input_gives_an_empty_drawing():
    layout = layered_layout([])
    assert layout.nodes == []
    assert layout.edges == []
    assert (layout.width, layout.height) == (0, 0)


def test_a_single_innovation_is_one_box_inside_the_margins():
    layout = layered_layout([NodeIn("me", 0)], node_width=100, node_height=40, margin=5)
    (node,) = layout.nodes
    assert (node.x, node.y, node.column, node.row) == (5, 5, 0, 0)
    assert (layout.width, layout.height) == (110, 50)
    assert layout.edges == []


def test_ancestors_left_innovation_middle_adopters_right():
    # grandparent -> parent -> me -> two adopters, one of which was adopted again
    nodes = [
        NodeIn("grandparent", -2),
        NodeIn("parent", -1, "grandparent"),
        NodeIn("me", 0, "parent"),
        NodeIn("a", 1, "me"),
        NodeIn("b", 1, "me"),
        NodeIn("b1", 2, "b"),
    ]
    layout = layered_layout(nodes, node_width=100, column_gap=50, margin=0)
    xs = {node.key: node.x for node in layout.nodes}
    assert xs == {"grandparent": 0, "parent": 150, "me": 300, "a": 450, "b": 450, "b1": 600}
    assert layout.width == 700
    assert {(edge.source, edge.target) for edge in layout.edges} == {
        ("grandparent", "parent"),
        ("parent", "me"),
        ("me", "a"),
        ("me", "b"),
        ("b", "b1"),
    }


def test_edges_run_from_the_right_side_of_the_source_to_the_left_side_of_the_target():
    layout = layered_layout([NodeIn("me", 0), NodeIn("a", 1, "me")], node_width=100, node_height=40, column_gap=20)
    (edge,) = layout.edges
    me, a = layout.node("me"), layout.node("a")
    assert (edge.x1, edge.y1) == (me.x + 100, me.y + 20)
    assert (edge.x2, edge.y2) == (a.x, a.y + 20)
    assert edge.mid_x == (edge.x1 + edge.x2) / 2


def test_columns_are_centred_on_the_tallest_one():
    nodes = [NodeIn("me", 0), NodeIn("a", 1, "me"), NodeIn("b", 1, "me"), NodeIn("c", 1, "me")]
    layout = layered_layout(nodes, node_height=40, row_gap=10, margin=0)
    assert layout.height == 3 * 40 + 2 * 10
    me, b = layout.node("me"), layout.node("b")
    assert me.centre_y == b.centre_y == layout.height / 2


def test_children_follow_the_order_of_their_parents():
    # The adopters of "second" are listed first in the input, but "second" sits below "first".
    nodes = [
        NodeIn("me", 0),
        NodeIn("first", 1, "me"),
        NodeIn("second", 1, "me"),
        NodeIn("second-child", 2, "second"),
        NodeIn("first-child", 2, "first"),
    ]
    layout = layered_layout(nodes)
    assert layout.node("first-child").row < layout.node("second-child").row


def test_a_missing_parent_draws_no_edge_and_duplicates_are_ignored():
    layout = layered_layout([NodeIn("me", 0, "invisible"), NodeIn("a", 1, "me"), NodeIn("a", 1, "me")])
    assert [node.key for node in layout.nodes] == ["me", "a"]
    assert [(edge.source, edge.target) for edge in layout.edges] == [("me", "a")]


def test_nodes_without_a_drawn_parent_go_to_the_bottom_of_their_column():
    nodes = [NodeIn("me", 0), NodeIn("more", 1), NodeIn("a", 1, "me"), NodeIn("b", 1, "me")]
    layout = layered_layout(nodes)
    assert [node.key for node in layout.nodes if node.column == 1] == ["a", "b", "more"]


def test_limit_columns_keeps_the_first_adopters_and_counts_the_rest():
    nodes = [
        NodeIn("parent", -1),
        NodeIn("me", 0, "parent"),
        *(NodeIn(f"a{i}", 1, "me") for i in range(5)),
        NodeIn("a0-child", 2, "a0"),
        NodeIn("a4-child", 2, "a4"),  # its parent is not drawn, so neither is it
    ]
    kept, hidden = limit_columns(nodes, max_per_column=3)
    assert [node.key for node in kept] == ["parent", "me", "a0", "a1", "a2", "a0-child"]
    assert hidden == {1: 2, 2: 1}


def test_limit_columns_never_drops_the_chain_of_ancestors():
    nodes = [NodeIn(f"anc{i}", -i, f"anc{i + 1}") for i in range(4, 0, -1)] + [NodeIn("me", 0, "anc1")]
    kept, hidden = limit_columns(nodes, max_per_column=1)
    assert kept == nodes
    assert hidden == {}


@st.composite
def trees(draw: st.DrawFn) -> list[NodeIn]:
    """A chain of ancestors and a random tree of adopters, as the selector returns them."""
    ancestors = draw(st.integers(0, 4))
    nodes = [NodeIn(f"anc{i}", -i, f"anc{i + 1}" if i < ancestors else None) for i in range(ancestors, 0, -1)]
    nodes.append(NodeIn("anc0", 0, "anc1" if ancestors else None))
    parents = [nodes[-1]]
    for index in range(draw(st.integers(0, 30))):
        parent = draw(st.sampled_from(parents))
        node = NodeIn(f"n{index}", parent.depth + 1, parent.key)
        if node.depth <= 4:
            nodes.append(node)
            parents.append(node)
    return nodes


@given(trees())
def test_boxes_never_overlap_and_stay_inside_the_drawing(nodes):
    layout = layered_layout(nodes, node_width=100, node_height=40, row_gap=10, column_gap=30, margin=4)
    assert len(layout.nodes) == len(nodes)
    for node in layout.nodes:
        assert node.x >= 0
        assert node.y >= 0
        assert node.x + node.width <= layout.width
        assert node.y + node.height <= layout.height
    for first in layout.nodes:
        for second in layout.nodes:
            if first.key != second.key and first.column == second.column:
                assert abs(first.y - second.y) >= 40 + 10
    # Every node but the root of the chain has exactly one incoming edge, going left to right.
    assert len(layout.edges) == len(nodes) - 1
    assert all(edge.x1 < edge.x2 for edge in layout.edges)
