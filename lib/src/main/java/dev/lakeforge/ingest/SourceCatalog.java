package dev.lakeforge.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.lakeforge.config.ConfigProblem;
import dev.lakeforge.config.ConfigReader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.quality.Expectation;
import dev.lakeforge.quality.Reference;
import dev.lakeforge.quality.TableChecks;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.UnresolvedNamedLambdaVariable;
import org.apache.spark.sql.catalyst.expressions.LambdaFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sources declared under {@code lakeforge.sources}, read and validated before Spark starts: every
 * column a key, a rule or a check names must be declared, every expression must parse, every name must be a
 * plain identifier.
 */
public final class SourceCatalog {
    public static final String PATH = "lakeforge.sources";
    private static final Set<String> RESERVED = Set.of("rejects", "ingest_ledger", "job_runs", "quality_results", "refine_watermarks");
    private static final Set<String> METADATA_PREFIX = Set.of("_");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceCatalog.class);
    /** The keys a source reads (a typo in one would silently leave a default in force): relative to the source. */
    private static final Set<String> KNOWN = Set.of("format", "path", "password-env", "schema", "primary-key", "event-time", "required",
            "schema-evolution", "silver.mode", "silver.partition-by", "silver.trim", "silver.lower", "silver.upper", "silver.flag-missing",
            "silver.units", "expectations", "references", "checks.min-row-count-ratio", "checks.max-row-count-ratio", "checks.unique-key",
            "checks.freshness", "checks.action", "zorder-by");
    /** Keys under which any name goes (connector options, per-column formats, unit factors). */
    private static final List<String> FREE_FORM = List.of("options", "silver.formats");
    private static final Map<String, Set<String>> KNOWN_IN_LISTS = Map.of("expectations", Set.of("name", "sql", "action"),
            "references", Set.of("column", "table", "key"), "silver.units", Set.of("column", "unit-column", "to", "factors"));

    private final Map<String, SourceSpec> sources;
    private final List<String> warnings;

    private SourceCatalog(Map<String, SourceSpec> sources, List<String> warnings) {
        this.sources = sources;
        this.warnings = List.copyOf(warnings);
    }

    /** Keys of the sources that nothing reads, each with the known key it is probably a typo of. */
    public List<String> warnings() {
        return warnings;
    }

    public static SourceCatalog from(LakeforgeConfig config) {
        return dev.lakeforge.config.ConfigurationException.reading(() -> readAll(config));
    }

    private static SourceCatalog readAll(LakeforgeConfig config) {
        ConfigReader r = config.reader();
        Config raw = config.raw();
        Map<String, SourceSpec> out = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        if (raw.hasPath(PATH)) {
            ConfigObject obj;
            try {
                obj = raw.getObject(PATH);
            } catch (ConfigException.WrongType e) {
                throw new ConfigurationException(PATH, r.describe(PATH), "an object with one entry per source");
            }
            for (String name : obj.keySet()) {
                String base = PATH + "." + name;
                if (!ConfigReader.isIdentifier(name) || RESERVED.contains(name)) {
                    r.problem(base, "source name '" + name + "'", "a plain identifier (letters, digits, _) that is not one of " + RESERVED);
                    continue;
                }
                if (!(obj.get(name) instanceof ConfigObject)) {
                    r.problem(base, r.describe(base), "an object describing the source (format, path, schema, primary-key, …)");
                    continue;
                }
                SourceSpec spec = read(r, raw, name, base);
                if (spec != null) {
                    out.put(name, spec);
                }
                unknownKeys(((ConfigObject) obj.get(name)).toConfig(), base, warnings);
            }
        }
        r.throwIfProblems();
        warnings.forEach(LOG::warn);
        return new SourceCatalog(out, warnings);
    }

    private static void unknownKeys(Config source, String base, List<String> warnings) {
        for (Map.Entry<String, ConfigValue> e : source.entrySet()) {
            String key = e.getKey();
            if (FREE_FORM.stream().anyMatch(f -> key.startsWith(f + "."))) {
                continue;
            }
            if (!KNOWN.contains(key)) {
                warnings.add(unknownKey(base + "." + key, e.getValue(), KNOWN.stream().map(k -> base + "." + k).collect(java.util.stream.Collectors.toSet())));
                continue;
            }
            Set<String> inItems = KNOWN_IN_LISTS.get(key);
            if (inItems != null && e.getValue() instanceof com.typesafe.config.ConfigList list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof ConfigObject item) {
                        String at = base + "." + key + "[" + i + "]";
                        for (Map.Entry<String, ConfigValue> f : item.toConfig().entrySet()) {
                            String sub = f.getKey();
                            if (!inItems.contains(sub) && !(key.equals("silver.units") && sub.startsWith("factors."))) {
                                warnings.add(unknownKey(at + "." + sub, f.getValue(),
                                        inItems.stream().map(k -> at + "." + k).collect(java.util.stream.Collectors.toSet())));
                            }
                        }
                    }
                }
            }
        }
    }

    private static String unknownKey(String path, ConfigValue value, Set<String> known) {
        String suggestion = dev.lakeforge.config.ConfigLoader.nearest(path, known);
        return "Unknown configuration key " + path + " (from " + value.origin().description() + ")"
                + (suggestion != null ? " — did you mean " + suggestion + "?" : " — it is ignored");
    }

    /**
     * An expectation is a test of one row: it may name the source's declared columns only and may not read other tables
     * (a subquery would let a configuration file read any table of the lakehouse into the quarantine's reasons).
     */
    private static void checkRowExpression(ConfigReader r, String key, String sql, Expression parsed, List<String> columns) {
        if (parsed.find(e -> e instanceof SubqueryExpression).isDefined()) {
            r.problem(key, "'" + sql + "' (a subquery)", "a test of one row over the source's columns, without subqueries");
            return;
        }
        if (columns.isEmpty()) {
            return; // the schema did not parse: reported already
        }
        Set<String> declared = new java.util.HashSet<>();
        columns.forEach(c -> declared.add(c.toLowerCase(Locale.ROOT)));
        parsed.foreach(e -> { // variables of lambdas (x -> …) parse as attributes too
            if (e instanceof LambdaFunction f) {
                f.arguments().foreach(a -> a instanceof UnresolvedNamedLambdaVariable v
                        ? declared.add(v.nameParts().head().toLowerCase(Locale.ROOT)) : Boolean.FALSE);
            }
            return scala.runtime.BoxedUnit.UNIT;
        });
        Set<String> unknown = new java.util.TreeSet<>();
        parsed.foreach(e -> {
            if (e instanceof UnresolvedAttribute a && !declared.contains(a.nameParts().head().toLowerCase(Locale.ROOT))) {
                unknown.add(a.name());
            }
            return scala.runtime.BoxedUnit.UNIT;
        });
        if (!unknown.isEmpty()) {
            r.problem(key, "'" + sql + "' (naming " + String.join(", ", unknown) + ")", "an expression over the declared columns " + columns);
        }
    }

    private static SourceSpec read(ConfigReader r, Config raw, String name, String base) {
        String format = r.oneOf(base + ".format", SourceSpec.CSV, SourceSpec.JSON, SourceSpec.PARQUET, SourceSpec.JDBC);
        String path = SourceSpec.JDBC.equals(format) ? r.optionalString(base + ".path").orElse("") : r.nonEmptyString(base + ".path");
        if (path.contains("..")) {
            r.problem(base + ".path", r.describe(base + ".path"), "a glob inside the landing folder (no '..')");
        }
        Map<String, String> options = r.stringMap(base + ".options");
        Optional<String> passwordEnv = r.optionalString(base + ".password-env");
        if (SourceSpec.JDBC.equals(format) && !options.containsKey("url")) {
            r.problem(base + ".options.url", "nothing", "a JDBC URL for a jdbc source");
        }
        if (SourceSpec.JDBC.equals(format) && !options.containsKey("dbtable") && !options.containsKey("query")) {
            r.problem(base + ".options", r.describe(base + ".options"), "dbtable or query for a jdbc source");
        }

        String ddl = r.nonEmptyString(base + ".schema");
        StructType schema = new StructType();
        try {
            schema = StructType.fromDDL(ddl);
            for (StructField f : schema.fields()) {
                if (!ConfigReader.isIdentifier(f.name()) || f.name().startsWith("_")) {
                    r.problem(base + ".schema", "column '" + f.name() + "'",
                            "column names that are plain identifiers not starting with _ (reserved for Lakeforge metadata)");
                }
                if (!isSupported(f.dataType())) {
                    r.problem(base + ".schema", "column " + f.name() + " " + f.dataType().sql(),
                            "column types STRING, INT, BIGINT, DOUBLE, DECIMAL(p,s), BOOLEAN, DATE or TIMESTAMP");
                }
            }
        } catch (Exception e) {
            r.problem(base + ".schema", r.describe(base + ".schema") + " (" + firstLine(e.getMessage()) + ")",
                    "Spark DDL such as \"order_id STRING, quantity INT, updated_at TIMESTAMP\"");
        }
        List<String> columns = List.of(schema.fieldNames());

        List<String> key = columnList(r, raw, base + ".primary-key", columns, true);
        String eventTime = r.nonEmptyString(base + ".event-time");
        requireColumn(r, base + ".event-time", eventTime, columns);
        if (!columns.isEmpty() && columns.contains(eventTime)) {
            DataType t = schema.apply(eventTime).dataType();
            if (t.sql().equals("STRING") || t.sql().equals("BOOLEAN")) {
                r.problem(base + ".event-time", "column " + eventTime + " of type " + t.sql(), "a TIMESTAMP, DATE or numeric column");
            }
        }
        List<String> required = columnList(r, raw, base + ".required", columns, false);
        String evolution = raw.hasPath(base + ".schema-evolution") ? r.oneOf(base + ".schema-evolution", "add-columns", "fail") : "add-columns";

        String silver = base + ".silver";
        String mode = raw.hasPath(silver + ".mode") ? r.oneOf(silver + ".mode", "upsert", "scd2", "append") : "upsert";
        List<String> partitionBy = columnList(r, raw, silver + ".partition-by", columns, false);
        boolean trim = !raw.hasPath(silver + ".trim") || r.bool(silver + ".trim");
        List<String> lower = columnList(r, raw, silver + ".lower", columns, false);
        List<String> upper = columnList(r, raw, silver + ".upper", columns, false);
        List<String> flagMissing = columnList(r, raw, silver + ".flag-missing", columns, false);
        List<SourceSpec.UnitRule> units = new ArrayList<>();
        if (raw.hasPath(silver + ".units")) {
            List<? extends ConfigObject> list = objectList(r, raw, silver + ".units");
            for (int i = 0; i < list.size(); i++) {
                Config u = list.get(i).toConfig();
                String at = silver + ".units[" + i + "]";
                String column = stringIn(r, u, at, "column");
                String unitColumn = stringIn(r, u, at, "unit-column");
                requireColumn(r, at + ".column", column, columns);
                requireColumn(r, at + ".unit-column", unitColumn, columns);
                Map<String, Double> factors = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, ConfigValue> e : u.getObject("factors").entrySet()) {
                        factors.put(e.getKey(), ((Number) e.getValue().unwrapped()).doubleValue());
                    }
                } catch (Exception e) {
                    r.problem(at + ".factors", "a bad or missing factors object", "factors { g = 0.001, kg = 1 } (unit name = multiplier)");
                }
                units.add(new SourceSpec.UnitRule(column, unitColumn, stringIn(r, u, at, "to"), factors));
            }
        }

        Map<String, String> formats = r.stringMap(silver + ".formats");
        for (Map.Entry<String, String> f : formats.entrySet()) {
            requireColumn(r, silver + ".formats", f.getKey(), columns);
            try {
                java.time.format.DateTimeFormatter.ofPattern(f.getValue());
            } catch (IllegalArgumentException e) {
                r.problem(silver + ".formats." + f.getKey(), "'" + f.getValue() + "'", "a date/time pattern such as MMM d yyyy or dd.MM.yyyy");
            }
        }

        List<Expectation> expectations = new ArrayList<>();
        if (raw.hasPath(base + ".expectations")) {
            List<? extends ConfigObject> list = objectList(r, raw, base + ".expectations");
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Config e = list.get(i).toConfig();
                String at = base + ".expectations[" + i + "]";
                String ename = stringIn(r, e, at, "name");
                if (!ConfigReader.isIdentifier(ename)) {
                    r.problem(at + ".name", "'" + ename + "'", "an identifier naming the expectation");
                }
                if (!names.add(ename)) {
                    r.problem(at + ".name", "'" + ename + "' (used twice)", "a name unique within the source");
                }
                String sql = stringIn(r, e, at, "sql");
                try {
                    checkRowExpression(r, at + ".sql", sql, CatalystSqlParser$.MODULE$.parseExpression(sql), columns);
                } catch (Exception ex) {
                    r.problem(at + ".sql", "'" + sql + "' (" + firstLine(ex.getMessage()) + ")", "a Spark SQL boolean expression");
                }
                String action = e.hasPath("action") ? stringIn(r, e, at, "action") : "quarantine";
                Expectation.Action a;
                try {
                    a = Expectation.Action.parse(action);
                } catch (IllegalArgumentException ex) {
                    r.problem(at + ".action", "'" + action + "'", "one of warn, quarantine, fail");
                    a = Expectation.Action.QUARANTINE;
                }
                expectations.add(new Expectation(ename, sql, a));
            }
        }

        List<Reference> references = new ArrayList<>();
        if (raw.hasPath(base + ".references")) {
            List<? extends ConfigObject> list = objectList(r, raw, base + ".references");
            for (int i = 0; i < list.size(); i++) {
                Config e = list.get(i).toConfig();
                String at = base + ".references[" + i + "]";
                String column = stringIn(r, e, at, "column");
                requireColumn(r, at + ".column", column, columns);
                String table = stringIn(r, e, at, "table");
                try {
                    TableName.parse(table);
                } catch (IllegalArgumentException ex) {
                    r.problem(at + ".table", "'" + table + "'", "a table name layer.table such as silver.customers");
                }
                String refKey = e.hasPath("key") ? e.getString("key") : column;
                if (!ConfigReader.isIdentifier(refKey)) {
                    r.problem(at + ".key", "'" + refKey + "'", "a column name");
                }
                references.add(new Reference(column, table, refKey));
            }
        }

        TableChecks checks = TableChecks.none();
        String c = base + ".checks";
        if (raw.hasPath(c)) {
            Optional<Double> min = raw.hasPath(c + ".min-row-count-ratio") ? Optional.of(ratio(r, raw, c + ".min-row-count-ratio")) : Optional.empty();
            Optional<Double> max = raw.hasPath(c + ".max-row-count-ratio") ? Optional.of(ratio(r, raw, c + ".max-row-count-ratio")) : Optional.empty();
            boolean unique = raw.hasPath(c + ".unique-key") && r.bool(c + ".unique-key");
            Optional<Duration> fresh = raw.hasPath(c + ".freshness") ? Optional.of(r.duration(c + ".freshness", Duration.ofMinutes(1))) : Optional.empty();
            Expectation.Action action = raw.hasPath(c + ".action")
                    ? Expectation.Action.parse(r.oneOf(c + ".action", "warn", "fail")) : Expectation.Action.WARN;
            checks = new TableChecks(min, max, unique, fresh, action);
        }
        List<String> zorder = columnList(r, raw, base + ".zorder-by", columns, false);

        if ("scd2".equals(mode) && key.isEmpty()) {
            r.problem(base + ".primary-key", "an empty key", "the business key of the dimension for silver.mode = scd2");
        }
        return new SourceSpec(name, format, path, options, passwordEnv, schema, key, eventTime, required, evolution, mode,
                partitionBy, trim, lower, upper, List.copyOf(units), Map.copyOf(formats), flagMissing, List.copyOf(expectations),
                List.copyOf(references), checks, zorder);
    }

    private static boolean isSupported(DataType t) {
        String sql = t.sql();
        return sql.equals("STRING") || sql.equals("INT") || sql.equals("BIGINT") || sql.equals("DOUBLE") || sql.startsWith("DECIMAL")
                || sql.equals("BOOLEAN") || sql.equals("DATE") || sql.equals("TIMESTAMP") || sql.equals("FLOAT") || sql.equals("SMALLINT");
    }

    private static double ratio(ConfigReader r, Config raw, String path) {
        try {
            double v = raw.getDouble(path);
            if (v < 0) {
                r.problem(path, r.describe(path), "a non-negative number");
            }
            return v;
        } catch (ConfigException e) {
            r.problem(path, r.describe(path), "a number such as 0.5");
            return 0;
        }
    }

    private static List<? extends ConfigObject> objectList(ConfigReader r, Config raw, String path) {
        try {
            return raw.getObjectList(path);
        } catch (ConfigException e) {
            r.problem(path, r.describe(path), "a list of objects [ { … }, { … } ]");
            return List.of();
        }
    }

    private static String stringIn(ConfigReader r, Config c, String at, String key) {
        try {
            String v = c.getString(key);
            if (v.isBlank()) {
                r.problem(at + "." + key, "an empty string", "a value");
            }
            return v;
        } catch (ConfigException e) {
            r.problem(at + "." + key, c.hasPath(key) ? "a value of the wrong type" : "nothing (the key is missing)", "a string");
            return "";
        }
    }

    private static List<String> columnList(ConfigReader r, Config raw, String path, List<String> columns, boolean requiredKey) {
        if (!raw.hasPath(path)) {
            if (requiredKey) {
                r.problem(path, "nothing (the key is missing)", "a list of key columns, e.g. [order_id, line_no]");
            }
            return List.of();
        }
        List<String> list;
        try {
            list = raw.getStringList(path);
        } catch (ConfigException e) {
            r.problem(path, r.describe(path), "a list of column names, e.g. [order_id, line_no]");
            return List.of();
        }
        for (String col : list) {
            requireColumn(r, path, col, columns);
        }
        if (requiredKey && list.isEmpty()) {
            r.problem(path, "an empty list", "at least one key column");
        }
        return List.copyOf(list);
    }

    private static void requireColumn(ConfigReader r, String path, String column, Collection<String> columns) {
        if (!columns.isEmpty() && !columns.contains(column)) {
            r.problem(path, "column '" + column + "'", "one of the declared columns " + columns);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    public Collection<SourceSpec> all() {
        return sources.values();
    }

    public List<String> names() {
        return List.copyOf(sources.keySet());
    }

    public SourceSpec get(String name) {
        SourceSpec s = sources.get(name);
        if (s == null) {
            throw new ConfigurationException("--source", "'" + name + "'", "one of the configured sources " + sources.keySet());
        }
        return s;
    }

    public boolean isEmpty() {
        return sources.isEmpty();
    }

    /** The problem of a configuration that declares no source (nothing for ingest, refine or a benchmark to do). */
    public static final ConfigProblem NO_SOURCES = new ConfigProblem(PATH, "no sources",
            "at least one source (conf/application.conf includes conf/sources.conf; a --conf file must declare its own)");

    /** This catalog, or a {@link ConfigurationException} when it declares no source. */
    public SourceCatalog requireSources() {
        if (isEmpty()) {
            throw new ConfigurationException(List.of(NO_SOURCES));
        }
        return this;
    }

    /** Sources in dependency order: a source comes after every source its references point to. */
    public List<SourceSpec> inDependencyOrder() {
        List<SourceSpec> ordered = new ArrayList<>();
        Set<String> done = new java.util.HashSet<>();
        List<SourceSpec> pending = new ArrayList<>(sources.values());
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                SourceSpec s = it.next();
                boolean ready = s.references().stream().map(ref -> TableName.parse(ref.table()))
                        .filter(t -> t.layer().equals("silver") && sources.containsKey(t.table()) && !t.table().equals(s.name()))
                        .allMatch(t -> done.contains(t.table()));
                if (ready) {
                    ordered.add(s);
                    done.add(s.name());
                    it.remove();
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new ConfigurationException(PATH, "references that form a cycle among " + pending.stream().map(SourceSpec::name).toList(),
                        "references between sources without cycles");
            }
        }
        return ordered;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
