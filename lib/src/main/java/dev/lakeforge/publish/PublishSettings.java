package dev.lakeforge.publish;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import dev.lakeforge.config.ConfigReader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.config.ServingSettings;
import dev.lakeforge.lake.TableName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code lakeforge publish} publishes and where (section {@code lakeforge.publish}, shipped in
 * {@code conf/publish.conf}): the gold tables with their descriptions, the catalog database they are registered in, the
 * serving database (connection in {@code lakeforge.serving}) and the friendly views created there. Every name that ends
 * up in SQL is checked to be a plain identifier before anything connects.
 *
 * @param catalogEnabled  register the tables in the metastore
 * @param catalogDatabase metastore database of the published tables ({@code gold})
 * @param servingEnabled  publish to the serving database
 * @param serving         its connection, schema and reader role
 * @param batchSize       rows per insert batch (SQLite, generic JDBC; PostgreSQL streams with COPY)
 * @param tables          the published tables, by published name
 * @param views           friendly views created in the serving database after the tables
 */
public record PublishSettings(boolean catalogEnabled, String catalogDatabase, boolean servingEnabled, ServingSettings serving,
                              int batchSize, List<PublishedTableSpec> tables, List<ViewSpec> views) {
    public static final String PATH = "lakeforge.publish";
    /** Names the serving database reserves for Lakeforge's own tables and views. */
    public static final List<String> RESERVED = List.of(PublishServingAction.DICTIONARY, PublishServingAction.PUBLISHED_TABLES);

    /**
     * One published table.
     *
     * @param name        name in the serving database and the catalog
     * @param source      lakehouse table it comes from
     * @param description what a row is, for the catalog comment and the data dictionary
     * @param columns     column descriptions (every column of the source should have one; missing ones are reported)
     * @param keys        columns to index in the serving database (one index over all of them, in this order)
     * @param optional    true: a missing source table is skipped with a note instead of failing the publish
     */
    public record PublishedTableSpec(String name, TableName source, String description, Map<String, String> columns, List<String> keys,
                                     boolean optional) {
    }

    /**
     * A view over the published tables: {@code sql} is a SELECT in the serving database's dialect (SQLite and PostgreSQL
     * share it); it is created only when every table of {@code tables} is published.
     */
    public record ViewSpec(String name, String description, String sql, List<String> tables) {
    }

    public static PublishSettings from(LakeforgeConfig config) {
        return dev.lakeforge.config.ConfigurationException.reading(() -> read(config));
    }

    private static PublishSettings read(LakeforgeConfig config) {
        ConfigReader r = config.reader();
        Config raw = config.raw();
        boolean catalog = !raw.hasPath(PATH + ".catalog.enabled") || r.bool(PATH + ".catalog.enabled");
        String database = raw.hasPath(PATH + ".catalog.database") ? r.identifier(PATH + ".catalog.database") : "gold";
        boolean serving = !raw.hasPath(PATH + ".serving.enabled") || r.bool(PATH + ".serving.enabled");
        int batch = raw.hasPath(PATH + ".batch-size") ? r.intInRange(PATH + ".batch-size", 1, 1_000_000) : 10_000;
        List<PublishedTableSpec> tables = new ArrayList<>();
        if (raw.hasPath(PATH + ".tables")) {
            ConfigObject obj = object(raw, r, PATH + ".tables", "an object with one entry per published table");
            if (obj != null) {
                for (String name : new TreeSet<>(obj.keySet())) {
                    String base = PATH + ".tables." + name;
                    if (!ConfigReader.isIdentifier(name) || RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        r.problem(base, "table name '" + name + "'", "a plain identifier (letters, digits, _) other than " + RESERVED);
                        continue;
                    }
                    if (obj.get(name).valueType() != ConfigValueType.OBJECT) {
                        r.problem(base, r.describe(base), "an object: { source = gold.x, description = \"…\", columns { … }, keys = [ … ] }");
                        continue;
                    }
                    tables.add(table(r, raw, name, base));
                }
            }
        }
        List<ViewSpec> views = new ArrayList<>();
        if (raw.hasPath(PATH + ".views")) {
            ConfigObject obj = object(raw, r, PATH + ".views", "an object with one entry per view");
            if (obj != null) {
                for (String name : new TreeSet<>(obj.keySet())) {
                    String base = PATH + ".views." + name;
                    if (!ConfigReader.isIdentifier(name) || RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))
                            || tables.stream().anyMatch(t -> t.name().equalsIgnoreCase(name))) {
                        r.problem(base, "view name '" + name + "'", "a plain identifier that is not a published table's name nor one of " + RESERVED);
                        continue;
                    }
                    String sql = r.nonEmptyString(base + ".sql").strip();
                    if (!sql.isEmpty() && !sql.regionMatches(true, 0, "select", 0, 6) && !sql.regionMatches(true, 0, "with", 0, 4)) {
                        r.problem(base + ".sql", "'" + abbreviate(sql) + "'", "a SELECT (or WITH … SELECT) statement");
                    } else if (sql.contains(";")) {
                        r.problem(base + ".sql", "'" + abbreviate(sql) + "'", "one statement, without ';'");
                    }
                    List<String> needs = r.stringList(base + ".tables");
                    for (String n : needs) {
                        if (tables.stream().noneMatch(t -> t.name().equals(n))) {
                            r.problem(base + ".tables", "'" + n + "'", "names of published tables (" + PATH + ".tables)");
                        }
                    }
                    views.add(new ViewSpec(name, raw.hasPath(base + ".description") ? r.string(base + ".description") : "", sql, List.copyOf(needs)));
                }
            }
        }
        if (tables.isEmpty() && (catalog || serving) && r.problems().isEmpty()) {
            r.problem(PATH + ".tables", "no tables", "at least one table to publish (conf/publish.conf is included by conf/application.conf)");
        }
        r.throwIfProblems();
        return new PublishSettings(catalog, database, serving, config.serving(), batch, List.copyOf(tables), List.copyOf(views));
    }

    private static PublishedTableSpec table(ConfigReader r, Config raw, String name, String base) {
        String source = r.qualifiedTable(base + ".source");
        String description = r.nonEmptyString(base + ".description");
        Map<String, String> columns = new LinkedHashMap<>();
        if (raw.hasPath(base + ".columns")) {
            ConfigObject cols = object(raw, r, base + ".columns", "an object: column = \"what it means\"");
            if (cols != null) {
                for (String c : new TreeSet<>(cols.keySet())) {
                    if (!ConfigReader.isIdentifier(c)) {
                        r.problem(base + ".columns." + c, "column name '" + c + "'", "a plain identifier (letters, digits, _)");
                    } else if (cols.get(c).valueType() != ConfigValueType.STRING) {
                        r.problem(base + ".columns." + c, r.describe(base + ".columns." + c), "a description (text)");
                    } else {
                        columns.put(c, (String) cols.get(c).unwrapped());
                    }
                }
            }
        }
        List<String> keys = r.stringList(base + ".keys");
        for (String k : keys) {
            if (!ConfigReader.isIdentifier(k)) {
                r.problem(base + ".keys", "column name '" + k + "'", "plain identifiers (letters, digits, _)");
            }
        }
        boolean optional = raw.hasPath(base + ".optional") && r.bool(base + ".optional");
        TableName src = null;
        try {
            src = source.isEmpty() ? null : TableName.parse(source);
        } catch (IllegalArgumentException e) {
            r.problem(base + ".source", "'" + source + "'", "a lakehouse table name layer.table");
        }
        return new PublishedTableSpec(name, src, description, columns, List.copyOf(keys), optional);
    }

    private static ConfigObject object(Config raw, ConfigReader r, String path, String expected) {
        try {
            return raw.getObject(path);
        } catch (ConfigException.WrongType e) {
            r.problem(path, r.describe(path), expected);
            return null;
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 57) + "…" : one;
    }

    /** The settings with only the named tables (all when {@code only} is empty); unknown names are a configuration error. */
    public PublishSettings only(List<String> only) {
        if (only.isEmpty()) {
            return this;
        }
        List<String> unknown = only.stream().filter(n -> tables.stream().noneMatch(t -> t.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("--table", unknown.toString(), "names of published tables in " + PATH + ".tables: "
                    + tables.stream().map(PublishedTableSpec::name).toList());
        }
        return new PublishSettings(catalogEnabled, catalogDatabase, servingEnabled, serving, batchSize,
                tables.stream().filter(t -> only.contains(t.name())).toList(), views);
    }
}
