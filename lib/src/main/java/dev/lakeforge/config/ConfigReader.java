package dev.lakeforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a resolved {@link Config}, collecting every problem instead of stopping at the
 * first. Sections call it; {@link #throwIfProblems()} ends the reading.
 */
public final class ConfigReader {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern QUALIFIED_TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}\\.[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final Config config;
    private final Path home;
    private final List<ConfigProblem> problems;

    public ConfigReader(Config config, Path home) {
        this(config, home, new ArrayList<>());
    }

    private ConfigReader(Config config, Path home, List<ConfigProblem> problems) {
        this.config = config;
        this.home = home;
        this.problems = problems;
    }

    public Config config() {
        return config;
    }

    public Path home() {
        return home;
    }

    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    public void problem(String key, String found, String expected) {
        problems.add(new ConfigProblem(key, found, expected));
    }

    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** What a key holds, for messages: its value and the file and line it came from. */
    public String describe(String path) {
        if (!config.hasPathOrNull(path)) {
            return "nothing (the key is missing)";
        }
        if (config.getIsNull(path)) {
            return "null";
        }
        ConfigValue v = config.getValue(path);
        String shown = Secrets.isSecretKey(path) ? Secrets.MASK : v.render(com.typesafe.config.ConfigRenderOptions.concise());
        return shown + " (" + v.valueType().name().toLowerCase() + ", from " + v.origin().description() + ")";
    }

    private boolean present(String path, String expected) {
        try {
            if (!config.hasPath(path)) {
                problem(path, describe(path), expected);
                return false;
            }
            return true;
        } catch (ConfigException.BadPath e) {
            problem(path, "a malformed key", expected);
            return false;
        }
    }

    public String string(String path) {
        String expected = "a string";
        if (!present(path, expected)) {
            return "";
        }
        ConfigValueType t = config.getValue(path).valueType();
        if (t == ConfigValueType.OBJECT || t == ConfigValueType.LIST) {
            problem(path, describe(path), expected);
            return "";
        }
        String s = config.getString(path);
        if (s.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')) {
            problem(path, describe(path),
                    "text without control characters such as NUL");
            return "";
        }
        return s;
    }

    public String nonEmptyString(String path) {
        String s = string(path);
        if (config.hasPath(path) && s.isBlank() && problemsFor(path).isEmpty()) {
            problem(path, describe(path), "a non-empty string");
        }
        return s;
    }

    private List<ConfigProblem> problemsFor(String path) {
        return problems.stream().filter(p -> p.key().equals(path)).toList();
    }

    public Optional<String> optionalString(String path) {
        if (!config.hasPath(path)) {
            return Optional.empty();
        }
        String s = string(path);
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    public int intInRange(String path, int min, int max) {
        String expected = "an integer from " + min + " to " + max;
        if (!present(path, expected)) {
            return min;
        }
        try {
            int v = config.getInt(path);
            if (v < min || v > max) {
                problem(path, describe(path), expected);
            }
            return v;
        } catch (ConfigException.WrongType e) {
            problem(path, describe(path), expected);
            return min;
        }
    }

    public boolean bool(String path) {
        String expected = "true or false";
        if (!present(path, expected)) {
            return false;
        }
        try {
            return config.getBoolean(path);
        } catch (ConfigException.WrongType e) {
            problem(path, describe(path), expected);
            return false;
        }
    }

    public Duration duration(String path, Duration min) {
        String expected = "a duration of at least " + min + " (e.g. 500ms, 10s, 7d)";
        if (!present(path, expected)) {
            return min;
        }
        try {
            Duration d = config.getDuration(path);
            if (d.compareTo(min) < 0) {
                problem(path, describe(path), expected);
            }
            return d;
        } catch (ConfigException.BadValue | ConfigException.WrongType e) {
            problem(path, describe(path), expected);
            return min;
        }
    }

    public String oneOf(String path, String... allowed) {
        String expected = "one of " + String.join(", ", allowed);
        if (!present(path, expected)) {
            return allowed[0];
        }
        String v = string(path);
        if (!Arrays.asList(allowed).contains(v)) {
            problem(path, describe(path), expected);
            return allowed[0];
        }
        return v;
    }

    /**
     * A filesystem location: an absolute URI with a scheme (hdfs://, s3a://, file:/) is kept as it is; a plain
     * path is resolved against the project home and made absolute.
     */
    public String location(String path) {
        String raw = nonEmptyString(path);
        if (raw.isBlank()) {
            return raw;
        }
        return resolveLocation(raw, home, path, this);
    }

    static String resolveLocation(String raw, Path home, String key, ConfigReader reader) {
        if (hasScheme(raw)) {
            try {
                URI uri = URI.create(raw);
                if (uri.getScheme() == null) {
                    throw new IllegalArgumentException("no scheme");
                }
                return raw.endsWith("/") && raw.length() > uri.getScheme().length() + 3 ? raw.substring(0, raw.length() - 1) : raw;
            } catch (IllegalArgumentException e) {
                reader.problem(key, reader.describe(key), "a path or a URI such as hdfs://namenode:8020/lake or s3a://bucket/lake");
                return raw;
            }
        }
        return home.resolve(raw).toAbsolutePath().normalize().toString();
    }

    private static boolean hasScheme(String location) {
        return location.matches("^[A-Za-z][A-Za-z0-9+.\\-]*://.*") || location.startsWith("file:");
    }

    /**
     * The local folder a location resolved by {@link #location} names: a plain path, or a {@code file:} URI; empty
     * for any other file system (hdfs://, s3a://, …).
     */
    public static java.util.Optional<Path> localPath(String resolvedLocation) {
        if (resolvedLocation.startsWith("file:")) {
            String uri = resolvedLocation.startsWith("file://") ? resolvedLocation : "file://" + resolvedLocation.substring(5);
            return java.util.Optional.of(Path.of(URI.create(uri)));
        }
        return hasScheme(resolvedLocation) ? java.util.Optional.empty() : java.util.Optional.of(Path.of(resolvedLocation));
    }

    /** A secret: may only come from an environment variable. Empty when not set. */
    public Optional<String> secret(String path) {
        if (!config.hasPath(path)) {
            return Optional.empty();
        }
        ConfigValue v = config.getValue(path);
        String origin = v.origin().description();
        if (!origin.startsWith("env variable")) {
            problem(path, "a literal secret (from " + origin + ")",
                    "an environment variable reference such as ${?LAKEFORGE_SERVING_PASSWORD}; secrets never live in files or on the command line");
            return Optional.empty();
        }
        String s = string(path);
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A SQL identifier (schema, table, column, role name) — letters, digits, underscore; no quoting games. */
    public String identifier(String path) {
        String expected = "an identifier: a letter or _ followed by up to 62 letters, digits or _";
        String v = string(path);
        if (config.hasPath(path) && !IDENTIFIER.matcher(v).matches()) {
            problem(path, describe(path), expected);
        }
        return v;
    }

    /** A lakehouse table name {@code layer.table}. */
    public String qualifiedTable(String path) {
        String expected = "a table name layer.table, e.g. ops.job_runs (letters, digits, _)";
        String v = string(path);
        if (config.hasPath(path) && !QUALIFIED_TABLE.matcher(v).matches()) {
            problem(path, describe(path), expected);
        }
        return v;
    }

    public static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }

    /** A free-form object of string values (e.g. extra Spark settings). */
    public Map<String, String> stringMap(String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!config.hasPath(path)) {
            return out;
        }
        try {
            Config sub = config.getConfig(path);
            for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
                String k = e.getKey().replace("\"", "");
                Object unwrapped = e.getValue().unwrapped();
                out.put(k, String.valueOf(unwrapped));
            }
        } catch (ConfigException.WrongType e) {
            problem(path, describe(path), "an object of settings, e.g. { \"spark.sql.adaptive.enabled\" = \"true\" }");
        }
        return out;
    }

    /** A list of strings (empty when the key is absent). */
    public java.util.List<String> stringList(String path) {
        if (!config.hasPath(path)) {
            return java.util.List.of();
        }
        try {
            return config.getStringList(path);
        } catch (ConfigException.WrongType e) {
            problem(path, describe(path), "a list of strings, e.g. [a, b]");
            return java.util.List.of();
        }
    }
}
