package dev.lakeforge.docs;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The site's charts, drawn by JFreeChart into SVG documents (JFreeSVG): no browser script, crisp at any zoom, and the
 * text in them is XML-escaped by the SVG writer. One palette for the whole site.
 */
final class Charts {
    static final int WIDTH = 760;
    static final int HEIGHT = 320;
    private static final Paint[] PALETTE = {new Color(0x2f6f9f), new Color(0xd98a2b), new Color(0x6a9f3a), new Color(0xb3443b),
            new Color(0x7b5ea7), new Color(0x4aa3a2)};
    private static final Color PASS = new Color(0x3d8b4f);
    private static final Color FAIL = new Color(0xc0392b);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** Values per category for each series (series → category → value), as grouped bars. */
    static String bars(String title, String valueAxis, Map<String, Map<String, Double>> series, boolean horizontal) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        series.forEach((s, values) -> values.forEach((category, v) -> data.addValue(v, s, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, data,
                horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL, series.size() > 1, false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.05);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        CategoryAxis axis = plot.getDomainAxis();
        int categories = data.getColumnCount();
        if (!horizontal && categories > 5) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        axis.setMaximumCategoryLabelWidthRatio(horizontal ? 0.45f : 1.0f);
        int height = horizontal ? Math.max(HEIGHT, 60 + 22 * categories * Math.max(1, series.size())) : HEIGHT;
        return svg(chart, WIDTH, height);
    }

    /** Passed and failed checks per run date, stacked. */
    static String passFail(String title, Map<String, long[]> passedFailedByRun) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        passedFailedByRun.forEach((run, pf) -> {
            data.addValue(pf[0], "passed", run);
            data.addValue(pf[1], "failed", run);
        });
        JFreeChart chart = ChartFactory.createStackedBarChart(title, null, "checks", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        BarRenderer r = (BarRenderer) chart.getCategoryPlot().getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, PASS);
        r.setSeriesPaint(1, FAIL);
        if (passedFailedByRun.size() > 8) {
            chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        return svg(chart, WIDTH, 260);
    }

    /** Lines over dates, one per series (series → date → value). */
    static String lines(String title, String valueAxis, Map<String, Map<LocalDate, Double>> series) {
        TimeSeriesCollection data = new TimeSeriesCollection();
        series.forEach((name, points) -> {
            TimeSeries ts = new TimeSeries(name);
            points.forEach((d, v) -> ts.addOrUpdate(new Day(d.getDayOfMonth(), d.getMonthValue(), d.getYear()), v));
            data.addSeries(ts);
        });
        JFreeChart chart = ChartFactory.createTimeSeriesChart(title, null, valueAxis, data, true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setDefaultShapesVisible(true);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(i == 0 ? 2.5f : 1.6f));
        }
        return svg(chart, WIDTH, HEIGHT);
    }

    /** One series of values per category, in the given order. */
    static Map<String, Map<String, Double>> single(String name, Map<String, Double> values) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        out.put(name, values);
        return out;
    }

    static Map<String, Map<String, Double>> of(List<String> names, List<Map<String, Double>> values) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), values.get(i));
        }
        return out;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 14));
        }
        var plot = chart.getPlot();
        plot.setBackgroundPaint(new Color(0xfafbfc));
        plot.setOutlineVisible(false);
        if (plot instanceof CategoryPlot c) {
            c.setRangeGridlinePaint(new Color(0xd0d7de));
        } else if (plot instanceof XYPlot x) {
            x.setRangeGridlinePaint(new Color(0xd0d7de));
            x.setDomainGridlinePaint(new Color(0xe6e9ec));
        }
    }

    private static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        return g2.getSVGDocument();
    }
}
