package dev.lakeforge.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The lineage graph (sources → bronze → silver → gold → models → results → published) and its layout: one column per
 * kind of node, nodes in a column ordered by where their inputs sit (one barycentre pass, which keeps most edges
 * short), edges as curves from the right side of a node to the left side of the next.
 */
final class LineageGraph {
    /** Column order and titles. */
    enum Kind {
        SOURCE("Landing sources"), BRONZE("Bronze"), SILVER("Silver"), GOLD("Gold"), MODEL("Models"), RESULT("Model results"),
        PUBLISHED("Published (BI)");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    private record Node(String id, String label, Kind kind, String href) {
    }

    /** Boxes are as wide as their column's longest label (12 px sans-serif: about 7 px a character). */
    static final int MIN_NODE_WIDTH = 90;
    static final double CHAR_WIDTH = 7.0;
    static final int NODE_HEIGHT = 24;
    static final int COLUMN_GAP = 46;
    static final int ROW_GAP = 8;
    static final int TOP = 34;

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<List<String>> edges = new LinkedHashSet<>();

    LineageGraph node(String id, String label, Kind kind, String href) {
        nodes.putIfAbsent(id, new Node(id, label, kind, href));
        return this;
    }

    /** An edge between two nodes; nodes not declared are left out with their edges. */
    LineageGraph edge(String from, String to) {
        edges.add(List.of(from, to));
        return this;
    }

    boolean has(String id) {
        return nodes.containsKey(id);
    }

    /** Ids of the nodes with an edge into {@code id}. */
    List<String> upstream(String id) {
        return edges.stream().filter(e -> e.get(1).equals(id) && nodes.containsKey(e.get(0))).map(e -> e.get(0)).toList();
    }

    List<String> downstream(String id) {
        return edges.stream().filter(e -> e.get(0).equals(id) && nodes.containsKey(e.get(1))).map(e -> e.get(1)).toList();
    }

    String href(String id) {
        Node n = nodes.get(id);
        return n == null ? null : n.href();
    }

    String label(String id) {
        Node n = nodes.get(id);
        return n == null ? id : n.label();
    }

    SiteModel.Lineage layout() {
        List<Kind> used = nodes.values().stream().map(Node::kind).distinct().sorted().toList();
        Map<String, Integer> y = new LinkedHashMap<>();
        Map<String, Integer> x = new LinkedHashMap<>();
        Map<String, Integer> w = new LinkedHashMap<>();
        List<String> titles = new ArrayList<>();
        List<Integer> columnX = new ArrayList<>();
        int height = TOP;
        int left = 10;
        for (Kind kind : used) {
            List<Node> column = new ArrayList<>(nodes.values().stream().filter(n -> n.kind() == kind).toList());
            int width = Math.max(MIN_NODE_WIDTH, column.stream().mapToInt(n -> 14 + (int) Math.ceil(CHAR_WIDTH * n.label().length())).max().orElse(0));
            titles.add(kind.title);
            columnX.add(left);
            column.sort(Comparator.comparingDouble((Node n) -> barycentre(n.id(), y)).thenComparing(Node::label));
            int top = TOP;
            for (Node n : column) {
                x.put(n.id(), left);
                y.put(n.id(), top);
                w.put(n.id(), width);
                top += NODE_HEIGHT + ROW_GAP;
            }
            height = Math.max(height, top);
            left += width + COLUMN_GAP;
        }
        List<SiteModel.LineageNode> outNodes = new ArrayList<>();
        for (Node n : nodes.values()) {
            outNodes.add(new SiteModel.LineageNode(n.id(), n.label(), n.kind().name().toLowerCase(Locale.ROOT), n.href(), x.get(n.id()),
                    y.get(n.id()), w.get(n.id()), NODE_HEIGHT));
        }
        List<SiteModel.LineageEdge> outEdges = new ArrayList<>();
        for (List<String> e : edges) {
            if (!x.containsKey(e.get(0)) || !x.containsKey(e.get(1))) {
                continue;
            }
            int x1 = x.get(e.get(0)) + w.get(e.get(0));
            int y1 = y.get(e.get(0)) + NODE_HEIGHT / 2;
            int x2 = x.get(e.get(1));
            int y2 = y.get(e.get(1)) + NODE_HEIGHT / 2;
            int mid = (x1 + x2) / 2;
            outEdges.add(new SiteModel.LineageEdge(String.format(Locale.ROOT, "M%d %d C%d %d, %d %d, %d %d", x1, y1, mid, y1, mid, y2, x2, y2)));
        }
        return new SiteModel.Lineage(left - COLUMN_GAP + 10, height + 10, titles, columnX, outNodes, outEdges);
    }

    /** The mean position of a node's inputs already placed (columns are laid out left to right); none: keep by name. */
    private double barycentre(String id, Map<String, Integer> placed) {
        return upstream(id).stream().filter(placed::containsKey).mapToInt(placed::get).average().orElse(Double.MAX_VALUE / 2);
    }
}
