package dev.lakeforge.docs;

import java.util.List;

/**
 * What the data docs pages show, read from the lakehouse once and handed to the templates. Everything is already a
 * display string or number; the templates escape every string they print.
 */
public final class SiteModel {
    private SiteModel() {
    }

    /** A link from one page to another; {@code href} is relative to the site root, or null when there is no page. */
    public record Link(String label, String href) {
    }

    /** A headed table of display values, with an optional chart (an SVG file under {@code charts/}) and a note. */
    public record Section(String title, String note, String chart, String chartAlt, List<String> header, List<List<String>> rows) {
    }

    public record RunRow(String id, String job, String runDate, String status, String startedAt, String duration, long rowsIn,
                         long rowsOut, long rejected, long quarantined, String error, String href) {
    }

    public record TableAccessRow(String table, String access, long version, long rows, String href) {
    }

    public record Metric(String name, long value) {
    }

    public record RunPage(RunRow run, String environment, String configHash, String projectVersion, List<TableAccessRow> tables,
                          List<Metric> metrics) {
    }

    public record ColumnRow(String name, String type, boolean nullable, String description) {
    }

    public record VersionRow(long version, String timestamp, String operation, String rows, String runId) {
    }

    /** One quality check's latest result and its pass/fail history over the last run dates ({@code history}: ✓, ✗). */
    public record CheckRow(String check, String kind, String action, boolean passed, long failedRows, long totalRows, String details,
                           String history) {
    }

    public record ReasonRow(String reason, long rows) {
    }

    public record TablePage(String name, String layer, String description, long rows, long version, String lastModified,
                            List<ColumnRow> columns, List<VersionRow> history, List<String> sampleHeader, List<List<String>> sample,
                            List<CheckRow> checks, String qualityChart, Link rejects, List<ReasonRow> reasons,
                            String reasonsChart, List<Link> upstream, List<Link> downstream, String href) {
    }

    public record ModelVersionRow(int version, String alias, String created, String metric, String value, String baseline,
                                  long trainRows, String runId) {
    }

    public record ModelPage(String name, String task, String algorithm, String primaryMetric, String champion, String trainingSource,
                            List<ModelVersionRow> versions, String cardHtml, String metricChart, String importanceChart,
                            List<Section> sections, List<Link> outputs, String href) {
    }

    public record LineageNode(String id, String label, String kind, String href, int x, int y, int width, int height) {
    }

    public record LineageEdge(String path) {
    }

    public record Lineage(int width, int height, List<String> columns, List<Integer> columnX, List<LineageNode> nodes,
                          List<LineageEdge> edges) {
    }
}
