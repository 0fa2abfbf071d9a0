package dev.lakeforge.lake;

import java.util.regex.Pattern;

/**
 * The name of a lakehouse table: {@code layer.table}, e.g. {@code silver.customers}. Both parts are plain
 * identifiers, so a name can be used in a path and in SQL without quoting games.
 */
public record TableName(String layer, String table) {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public TableName {
        if (layer == null || !PART.matcher(layer).matches() || table == null || !PART.matcher(table).matches()) {
            throw new IllegalArgumentException("Invalid table name '" + layer + "." + table
                    + "': expected layer.table, each a letter or _ followed by letters, digits or _");
        }
    }

    public static TableName parse(String qualified) {
        if (qualified == null) {
            throw new IllegalArgumentException("Invalid table name: null");
        }
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot != qualified.lastIndexOf('.')) {
            throw new IllegalArgumentException("Invalid table name '" + qualified
                    + "': expected layer.table, e.g. silver.customers or ops.job_runs");
        }
        return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    public static TableName of(String layer, String table) {
        return new TableName(layer, table);
    }

    @Override
    public String toString() {
        return layer + "." + table;
    }
}
