package dev.lakeforge.testing;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * DataFrame equality for tests: same columns, same rows regardless of order (as a multiset), doubles and
 * floats equal within a tolerance.
 */
public final class DataFrameAssertions {
    public static final double DEFAULT_TOLERANCE = 1e-9;

    private DataFrameAssertions() {
    }

    public static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected) {
        assertSameRows(actual, expected, DEFAULT_TOLERANCE);
    }

    public static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected, double tolerance) {
        assertThat(actual.columns()).as("columns").containsExactly(expected.columns());
        assertSameRows(actual.collectAsList(), expected.collectAsList(), tolerance);
    }

    /** Compares the rows of {@code actual} with rows given as value arrays, in column order. */
    public static void assertRows(Dataset<Row> actual, Object[]... expected) {
        List<Row> exp = new ArrayList<>();
        for (Object[] values : expected) {
            exp.add(org.apache.spark.sql.RowFactory.create(values));
        }
        assertSameRows(actual.collectAsList(), exp, DEFAULT_TOLERANCE);
    }

    public static void assertSameRows(List<Row> actual, List<Row> expected, double tolerance) {
        List<Row> unmatched = new ArrayList<>(actual);
        List<Row> missing = new ArrayList<>();
        for (Row e : expected) {
            int found = -1;
            for (int i = 0; i < unmatched.size(); i++) {
                if (rowsEqual(unmatched.get(i), e, tolerance)) {
                    found = i;
                    break;
                }
            }
            if (found >= 0) {
                unmatched.remove(found);
            } else {
                missing.add(e);
            }
        }
        if (!missing.isEmpty() || !unmatched.isEmpty()) {
            fail("DataFrames differ (" + actual.size() + " actual rows, " + expected.size() + " expected)"
                    + "\n  expected but missing: " + show(missing) + "\n  present but not expected: " + show(unmatched));
        }
    }

    static boolean rowsEqual(Row a, Row b, double tolerance) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!valuesEqual(a.get(i), b.get(i), tolerance)) {
                return false;
            }
        }
        return true;
    }

    static boolean valuesEqual(Object a, Object b, double tolerance) {
        if (a == null || b == null) {
            return a == b;
        }
        if ((a instanceof Double || a instanceof Float) && b instanceof Number nb) {
            double x = ((Number) a).doubleValue();
            double y = nb.doubleValue();
            return Double.compare(x, y) == 0 || Math.abs(x - y) <= tolerance * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
        }
        if (b instanceof Double || b instanceof Float) {
            return valuesEqual(b, a, tolerance);
        }
        if (a instanceof BigDecimal da && b instanceof BigDecimal db) {
            return da.compareTo(db) == 0;
        }
        if (a instanceof Number na && b instanceof Number nb && !(a instanceof BigDecimal) && !(b instanceof BigDecimal)) {
            return na.longValue() == nb.longValue();
        }
        if (a instanceof Row ra && b instanceof Row rb) {
            return rowsEqual(ra, rb, tolerance);
        }
        if (a instanceof scala.collection.Seq<?> sa && b instanceof scala.collection.Seq<?> sb) {
            return Objects.equals(sa, sb);
        }
        if (a.getClass().isArray() && b.getClass().isArray()) {
            return Arrays.deepEquals(new Object[]{a}, new Object[]{b});
        }
        return a.equals(b);
    }

    private static String show(List<Row> rows) {
        if (rows.isEmpty()) {
            return "(none)";
        }
        return rows.size() > 10 ? rows.subList(0, 10) + " … (" + rows.size() + " rows)" : rows.toString();
    }
}
