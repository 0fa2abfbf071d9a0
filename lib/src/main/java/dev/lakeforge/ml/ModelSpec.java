package dev.lakeforge.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.lakeforge.config.ConfigReader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.ml.forecast.ForecastSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model spec: a short HOCON file saying what to learn from what.
 * <pre>
 * name = churn
 * task = classification            # regression | classification | clustering | recommendation
 * input { table = gold.customer_features, where = "snapshot = 'training'" }   # or: path, format, options
 * label = churned
 * features { numeric = [recency_days, frequency_365d], categorical = [region] }
 * algorithm = gbt                  # see {@link Algorithm}
 * tuning { method = cv, folds = 3, parallelism = 2, grid { maxDepth = [3, 5] } }
 * split { type = random, train = 0.8, seed = 42 }   # or: type = time, column = week_start
 * </pre>
 * Clustering: {@code features = [..]} (or features.numeric/categorical) and {@code k = 4} or {@code k = [2, 8]};
 * recommendation: {@code user, item, rating, implicit}.
 */
public record ModelSpec(String name, Task task, Input input, Optional<String> label, List<String> numeric, List<String> categorical,
                        Algorithm algorithm, int kMin, int kMax, String user, String item, String rating, boolean implicit,
                        Tuning tuning, Split split, Map<String, Object> params, String source,
                        Optional<ForecastSettings> forecast) {

    public enum Task { REGRESSION, CLASSIFICATION, CLUSTERING, RECOMMENDATION }

    public enum Algorithm {
        LINEAR, RANDOM_FOREST, GBT, LOGISTIC, KMEANS, ALS;

        static Algorithm defaultFor(Task t) {
            return switch (t) {
                case REGRESSION -> RANDOM_FOREST;
                case CLASSIFICATION -> GBT;
                case CLUSTERING -> KMEANS;
                case RECOMMENDATION -> ALS;
            };
        }

        boolean fits(Task t) {
            return switch (this) {
                case LINEAR -> t == Task.REGRESSION;
                case LOGISTIC -> t == Task.CLASSIFICATION;
                case RANDOM_FOREST, GBT -> t == Task.REGRESSION || t == Task.CLASSIFICATION;
                case KMEANS -> t == Task.CLUSTERING;
                case ALS -> t == Task.RECOMMENDATION;
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Where the training data comes from: a lakehouse table (optionally as of a run) or a file. */
    public record Input(Optional<String> table, Optional<String> asOfRun, Optional<String> path, String format,
                        Map<String, String> options, Optional<String> where) {
    }

    /** Hyper-parameter search: a grid over the algorithm's parameters, cross-validation or a train/validation split. */
    public record Tuning(Map<String, List<Object>> grid, String method, int folds, double trainRatio, int parallelism) {
        public boolean enabled() {
            return !grid.isEmpty();
        }
    }

    /** Held-out split: random (ratio, seed) or by time (the last share of the time column's range is held out). */
    public record Split(String type, double train, long seed, Optional<String> column) {
        public boolean byTime() {
            return "time".equals(type);
        }
    }

    public static ModelSpec read(Path file) {
        return parse(readConfig(file, "--spec"), file.getParent() == null ? Path.of("") : file.getParent());
    }

    /** A spec file's HOCON, resolved; {@code key} names where the file was given in errors. */
    static Config readConfig(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(key, file + " (no such file)", "a model spec file (HOCON), e.g. conf/models/churn.conf");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new ConfigurationException("cannot read model spec " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelSpec parse(Config c, Path relativeTo) {
        return dev.lakeforge.config.ConfigurationException.reading(() -> parseTyped(c, relativeTo));
    }

    private static ModelSpec parseTyped(Config c, Path relativeTo) {
        ConfigReader r = new ConfigReader(c, relativeTo);
        String name = r.nonEmptyString("name");
        if (!name.isBlank() && !name.matches("[a-z][a-z0-9_\\-]{0,62}")) {
            r.problem("name", "'" + name + "'", "a model name of lower-case letters, digits, _ and - (it names a folder and registry rows)");
        }
        String taskText = r.oneOf("task", "regression", "classification", "clustering", "recommendation");
        Task task = Task.valueOf(taskText.toUpperCase(Locale.ROOT));

        Optional<String> table = c.hasPath("input.table") ? Optional.of(r.qualifiedTable("input.table")) : Optional.empty();
        Optional<String> path = r.optionalString("input.path").map(p -> relativeTo.resolve(p).normalize().toString());
        if (table.isPresent() == path.isPresent()) {
            r.problem("input", r.describe("input"), "either input.table (a lakehouse table such as gold.customer_features) or input.path"
                    + " with input.format (csv, parquet, json, delta)");
        }
        String format = c.hasPath("input.format") ? r.oneOf("input.format", "csv", "parquet", "json", "delta")
                : path.map(p -> p.endsWith(".parquet") ? "parquet" : "csv").orElse("delta");
        Map<String, String> options = r.stringMap("input.options");
        Input input = new Input(table, r.optionalString("input.as-of-run"), path, format, options, r.optionalString("input.where"));

        Optional<String> label = r.optionalString("label");
        List<String> numeric = new ArrayList<>();
        List<String> categorical = new ArrayList<>();
        if (c.hasPath("features")) {
            try {
                if (c.getValue("features").valueType() == com.typesafe.config.ConfigValueType.LIST) {
                    numeric.addAll(c.getStringList("features"));
                } else {
                    if (c.hasPath("features.numeric")) {
                        numeric.addAll(c.getStringList("features.numeric"));
                    }
                    if (c.hasPath("features.categorical")) {
                        categorical.addAll(c.getStringList("features.categorical"));
                    }
                }
            } catch (ConfigException e) {
                r.problem("features", r.describe("features"), "features { numeric = [..], categorical = [..] } or a list of column names");
            }
        }
        Algorithm algorithm = Algorithm.defaultFor(task);
        if (c.hasPath("algorithm")) {
            String a = r.string("algorithm").toLowerCase(Locale.ROOT).replace('-', '_');
            a = switch (a) {
                case "linear_regression", "elastic_net", "elasticnet", "linear" -> "LINEAR";
                case "logistic_regression", "logistic" -> "LOGISTIC";
                case "random_forest", "rf" -> "RANDOM_FOREST";
                case "gbt", "gradient_boosted_trees", "gbm" -> "GBT";
                case "kmeans", "k_means" -> "KMEANS";
                case "als" -> "ALS";
                default -> "";
            };
            if (a.isEmpty()) {
                r.problem("algorithm", r.describe("algorithm"), "one of linear (elastic net), logistic, random-forest, gbt, kmeans, als");
            } else {
                algorithm = Algorithm.valueOf(a);
                if (!algorithm.fits(task)) {
                    r.problem("algorithm", "'" + algorithm.label() + "' for task " + taskText, "an algorithm for " + taskText + ": "
                            + java.util.Arrays.stream(Algorithm.values()).filter(x -> x.fits(task)).map(Algorithm::label).toList());
                }
            }
        }
        int kMin = 2;
        int kMax = 2;
        if (task == Task.CLUSTERING) {
            if (!c.hasPath("k")) {
                r.problem("k", "nothing", "the number of clusters, e.g. k = 4, or a range to search by silhouette, e.g. k = [2, 8]");
            } else if (c.getValue("k").valueType() == com.typesafe.config.ConfigValueType.LIST) {
                List<Integer> ks = c.getIntList("k");
                if (ks.size() != 2 || ks.get(0) < 2 || ks.get(1) < ks.get(0) || ks.get(1) > 100) {
                    r.problem("k", r.describe("k"), "a range [from, to] with 2 <= from <= to <= 100");
                } else {
                    kMin = ks.get(0);
                    kMax = ks.get(1);
                }
            } else {
                kMin = r.intInRange("k", 2, 1000);
                kMax = kMin;
            }
            if (numeric.isEmpty() && categorical.isEmpty()) {
                r.problem("features", "nothing", "the columns to cluster on: features = [a, b, c]");
            }
        }
        String user = "";
        String item = "";
        String rating = "";
        boolean implicit = false;
        if (task == Task.RECOMMENDATION) {
            user = r.nonEmptyString("user");
            item = r.nonEmptyString("item");
            rating = r.nonEmptyString("rating");
            implicit = c.hasPath("implicit") && r.bool("implicit");
        }
        if ((task == Task.REGRESSION || task == Task.CLASSIFICATION)) {
            if (label.isEmpty()) {
                r.problem("label", "nothing", "the column to predict for task " + taskText);
            }
            if (numeric.isEmpty() && categorical.isEmpty()) {
                r.problem("features", "nothing", "features { numeric = [..], categorical = [..] }");
            }
        }
        Map<String, List<Object>> grid = new LinkedHashMap<>();
        if (c.hasPath("tuning.grid")) {
            for (Map.Entry<String, ConfigValue> e : c.getObject("tuning.grid").entrySet()) {
                Object v = e.getValue().unwrapped();
                grid.put(e.getKey(), v instanceof List<?> l ? new ArrayList<>(l) : List.of(v));
            }
        }
        String method = c.hasPath("tuning.method") ? r.oneOf("tuning.method", "cv", "train-validation-split") : "cv";
        int folds = c.hasPath("tuning.folds") ? r.intInRange("tuning.folds", 2, 20) : 3;
        double tvs = c.hasPath("tuning.train-ratio") ? c.getDouble("tuning.train-ratio") : 0.8;
        int parallelism = c.hasPath("tuning.parallelism") ? r.intInRange("tuning.parallelism", 1, 64) : 2;
        Tuning tuning = new Tuning(grid, method, folds, tvs, parallelism);

        String splitType = c.hasPath("split.type") ? r.oneOf("split.type", "random", "time") : "random";
        double train = c.hasPath("split.train") ? c.getDouble("split.train") : 0.8;
        if (train <= 0.1 || train >= 0.99) {
            r.problem("split.train", r.describe("split.train"), "the training share, between 0.1 and 0.99 (default 0.8)");
        }
        long seed = c.hasPath("split.seed") ? c.getLong("split.seed") : 42L;
        Optional<String> splitColumn = r.optionalString("split.column");
        if ("time".equals(splitType) && splitColumn.isEmpty()) {
            r.problem("split.column", "nothing", "the date or time column to split on when split.type = time");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (c.hasPath("params")) {
            c.getObject("params").forEach((k, v) -> params.put(k, v.unwrapped()));
        }
        Optional<ForecastSettings> forecast = ForecastSettings.read(c, r);
        if (forecast.isPresent() && task != Task.REGRESSION) {
            r.problem("forecast", "a forecast block for task " + taskText, "task = regression (a forecaster is a regression over horizons)");
        }
        r.throwIfProblems();
        ModelSpec spec = new ModelSpec(name, task, input, label, List.copyOf(numeric), List.copyOf(categorical), algorithm, kMin, kMax, user,
                item, rating, implicit, tuning, new Split(splitType, train, seed, splitColumn), params,
                c.root().render(ConfigRenderOptions.concise().setJson(false)), forecast);
        ModelTrainer.checkParams(spec); // names, types and ranges of params and tuning.grid, now rather than after hours of data prep
        return spec;
    }

    /** Every column the spec reads. */
    public List<String> columns() {
        List<String> out = new ArrayList<>();
        label.ifPresent(out::add);
        out.addAll(numeric);
        out.addAll(categorical);
        if (task == Task.RECOMMENDATION) {
            out.addAll(List.of(user, item, rating));
        }
        split.column().ifPresent(c -> {
            if (!out.contains(c)) {
                out.add(c);
            }
        });
        return out;
    }
}
