package dev.lakeforge.ml;

import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.runs.RunRecordStore;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.apache.spark.sql.functions.col;

/**
 * Loads a spec's input (a lakehouse table, possibly as of a run, or a CSV/Parquet/JSON file) and checks it
 * against the spec before any training: every column exists, the label has the right type and at least two
 * classes, there are rows. Problems are reported as configuration errors naming the spec key.
 */
public final class TrainingData {
    private TrainingData() {
    }

    /** The loaded data, with where it came from (table and Delta version, or the path). */
    public record Loaded(Dataset<Row> data, String source, long version) {
    }

    public static Loaded load(Lakehouse lakehouse, ModelSpec.Input input, String runsTable) {
        if (input.table().isPresent()) {
            TableName name;
            try {
                name = TableName.parse(input.table().get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("input.table", "'" + input.table().get() + "'", "a lakehouse table layer.table");
            }
            if (!lakehouse.exists(name)) {
                throw new ConfigurationException("input.table", "'" + name + "' (no such table in " + lakehouse.root() + ")",
                        "an existing lakehouse table; run the pipeline first");
            }
            long version;
            if (input.asOfRun().isPresent()) {
                RunRecordStore runs = new RunRecordStore(lakehouse, TableName.parse(runsTable));
                Row run = runs.byId(input.asOfRun().get()).orElseThrow(() -> new ConfigurationException("input.as-of-run",
                        "'" + input.asOfRun().get() + "'", "the id of a recorded run (lakeforge runs)"));
                Long v = runs.versionsWritten(run).get(name.toString());
                if (v == null) {
                    v = runs.versionsRead(run).get(name.toString());
                }
                if (v == null) {
                    throw new ConfigurationException("input.as-of-run", "run " + input.asOfRun().get() + ", which did not touch " + name,
                            "a run that wrote or read the input table");
                }
                version = v;
            } else {
                OptionalLong v = lakehouse.version(name);
                version = v.orElseThrow();
            }
            Dataset<Row> df = lakehouse.readAsOf(name, version);
            return new Loaded(filter(df, input), name.toString(), version);
        }
        String path = input.path().orElseThrow();
        DataFrameReader reader = lakehouse.spark().read().format(input.format());
        if ("csv".equals(input.format())) {
            reader = reader.option("header", "true").option("inferSchema", "true").option("escape", "\"");
        }
        for (Map.Entry<String, String> o : input.options().entrySet()) {
            reader = reader.option(o.getKey(), o.getValue());
        }
        Dataset<Row> df;
        try {
            df = reader.load(path);
        } catch (Exception e) {
            throw new ConfigurationException("input.path", "'" + path + "' (" + e.getMessage().lines().findFirst().orElse("") + ")",
                    "a readable " + input.format() + " file or folder");
        }
        return new Loaded(filter(df, input), path, -1);
    }

    /** A lakehouse table's current rows, optionally filtered — with the same errors as a spec's input (no such table, bad condition). */
    public static Dataset<Row> readTable(Lakehouse lakehouse, TableName table, String where) {
        Optional<String> condition = where == null || where.isBlank() ? Optional.empty() : Optional.of(where);
        return load(lakehouse, new ModelSpec.Input(Optional.of(table.toString()), Optional.empty(), Optional.empty(), "delta", Map.of(),
                condition), "ops.job_runs").data();
    }

    private static Dataset<Row> filter(Dataset<Row> df, ModelSpec.Input input) {
        if (input.where().isEmpty()) {
            return df;
        }
        try {
            Dataset<Row> out = df.where(input.where().get());
            out.schema();
            return out;
        } catch (Exception e) {
            throw new ConfigurationException("input.where", "'" + input.where().get() + "' (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", "a Spark SQL condition over the input's columns");
        }
    }

    /** Checks the spec against the data; returns the data reduced to the spec's columns, rows without a label dropped. */
    public static Dataset<Row> validate(Dataset<Row> df, ModelSpec spec) {
        List<String> available = Arrays.asList(df.columns());
        List<String> problems = new ArrayList<>();
        for (String c : spec.columns()) {
            if (!available.contains(c)) {
                problems.add("column '" + c + "' is not in the input");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("features / label", String.join("; ", problems), "columns of the input: " + available);
        }
        Dataset<Row> out = df.select(spec.columns().stream().map(c -> col("`" + c + "`")).toArray(org.apache.spark.sql.Column[]::new));
        for (String c : spec.numeric()) {
            DataType t = out.schema().apply(c).dataType();
            if (!(t instanceof NumericType) && !t.equals(DataTypes.BooleanType)) {
                throw new ConfigurationException("features.numeric", "column '" + c + "' of type " + t.sql(),
                        "numeric columns (move text columns to features.categorical)");
            }
        }
        if (spec.label().isPresent()) {
            String label = spec.label().get();
            DataType t = out.schema().apply(label).dataType();
            out = out.where(col("`" + label + "`").isNotNull());
        }
        if (out.isEmpty()) {
            throw new ConfigurationException("input", "no rows" + (spec.label().isPresent() ? " with a label" : ""),
                    "an input with rows to learn from");
        }
        if (spec.label().isPresent()) {
            String label = spec.label().get();
            DataType t = out.schema().apply(label).dataType();
            if (spec.task() == ModelSpec.Task.REGRESSION && !(t instanceof NumericType)) {
                throw new ConfigurationException("label", "column '" + label + "' of type " + t.sql(),
                        "a numeric label for regression (a text label means classification: task = classification)");
            }
            if (spec.task() == ModelSpec.Task.CLASSIFICATION) {
                List<Row> classes = out.select(col("`" + label + "`")).distinct().limit(101).collectAsList();
                if (classes.size() < 2) {
                    throw new ConfigurationException("label", "column '" + label + "' with " + classes.size() + " class(es) "
                            + classes.stream().map(r -> String.valueOf(r.get(0))).toList(), "at least two classes to tell apart");
                }
                if (classes.size() > 100) {
                    throw new ConfigurationException("label", "column '" + label + "' with more than 100 distinct values",
                            "a class label (for a continuous target use task = regression)");
                }
                if (classes.size() > 2 && spec.algorithm() == ModelSpec.Algorithm.GBT) {
                    throw new ConfigurationException("algorithm", "gbt for a label with " + classes.size() + " classes",
                            "random-forest or logistic (Spark's gradient-boosted trees classify two classes only)");
                }
            }
        }
        if (spec.task() == ModelSpec.Task.RECOMMENDATION) {
            DataType t = out.schema().apply(spec.rating()).dataType();
            if (!(t instanceof NumericType)) {
                throw new ConfigurationException("rating", "column '" + spec.rating() + "' of type " + t.sql(), "a numeric rating or strength");
            }
        }
        return out;
    }
}
