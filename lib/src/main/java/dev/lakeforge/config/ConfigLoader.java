package dev.lakeforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Builds the configuration from its layers, later ones winning:
 * <ol>
 *   <li>{@code reference.conf} of the library (documented defaults);</li>
 *   <li>the application file: {@code --conf FILE}, else {@code <home>/conf/application.conf} when present;</li>
 *   <li>the environment overlay {@code conf/env/<env>.conf} beside it, chosen by {@code --env} or {@code LAKEFORGE_ENV};</li>
 *   <li>environment variables {@code LAKEFORGE_<PATH>} for known keys ({@code _} separates path segments,
 *       {@code __} stands for {@code -}): {@code LAKEFORGE_SPARK_SHUFFLE__PARTITIONS=4};</li>
 *   <li>system properties {@code -Dlakeforge.…};</li>
 *   <li>{@code --set key=value} (the {@code lakeforge.} prefix may be left out).</li>
 * </ol>
 * Substitutions ({@code ${?ENV_VAR}}) resolve after all layers are merged, so overriding the lakehouse root
 * moves everything defined relative to it.
 */
public final class ConfigLoader {
    public static final String ROOT = "lakeforge";
    public static final String ENV_PREFIX = "LAKEFORGE_";
    private static final Pattern ENV_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /** Sections whose keys are the user's own (not checked against reference.conf). */
    private static final List<String> FREE_FORM = List.of(
            "lakeforge.spark.conf", "lakeforge.sources", "lakeforge.quality", "lakeforge.marts", "lakeforge.models",
            "lakeforge.publish", "lakeforge.generate", "lakeforge.maintenance.zorder");

    private Path home = Path.of("").toAbsolutePath();
    private Path confFile;
    private String environment;
    private Map<String, String> envVars = System.getenv();
    private Properties systemProperties = System.getProperties();
    private final List<String> overrides = new ArrayList<>();

    public static ConfigLoader create() {
        return new ConfigLoader();
    }

    public ConfigLoader home(Path home) {
        this.home = home.toAbsolutePath().normalize();
        return this;
    }

    public ConfigLoader confFile(Path file) {
        this.confFile = file;
        return this;
    }

    /** Environment overlay name; null falls back to LAKEFORGE_ENV. */
    public ConfigLoader environment(String name) {
        this.environment = name;
        return this;
    }

    public ConfigLoader envVars(Map<String, String> env) {
        this.envVars = Map.copyOf(env);
        return this;
    }

    public ConfigLoader systemProperties(Properties props) {
        this.systemProperties = props;
        return this;
    }

    /** {@code key=value} pairs, as given to {@code --set}. */
    public ConfigLoader overrides(List<String> keyValues) {
        this.overrides.addAll(keyValues);
        return this;
    }

    public LoadedConfig load() {
        Config reference = parseResource("reference.conf");
        List<String> layers = new ArrayList<>(List.of("reference.conf (library defaults)"));

        Path appFile = confFile != null ? absolute(confFile) : home.resolve("conf/application.conf");
        Config app = ConfigFactory.empty();
        if (confFile != null && !Files.isRegularFile(appFile)) {
            throw new ConfigurationException("--conf", appFile + " (no such file)", "a readable HOCON file");
        }
        if (Files.isRegularFile(appFile)) {
            app = parseFile(appFile);
            layers.add(appFile.toString());
        }

        String env = environment != null ? environment : envVars.get(ENV_PREFIX + "ENV");
        Config envLayer = ConfigFactory.empty();
        if (env != null && !env.isBlank()) {
            if (!ENV_NAME.matcher(env).matches()) {
                throw new ConfigurationException("--env / LAKEFORGE_ENV", "'" + env + "'",
                        "an environment name of lower-case letters, digits and dashes (the name of a file conf/env/<name>.conf)");
            }
            Path confDir = appFile.getParent() != null ? appFile.getParent() : home.resolve("conf");
            Path envFile = confDir.resolve("env").resolve(env + ".conf");
            if (!Files.isRegularFile(envFile)) {
                throw new ConfigurationException("--env / LAKEFORGE_ENV", "'" + env + "' (no file " + envFile + ")",
                        "the name of an environment file in " + confDir.resolve("env") + ": " + listEnvironments(confDir.resolve("env")));
            }
            envLayer = parseFile(envFile);
            layers.add(envFile.toString());
        }

        Set<String> knownKeys = new TreeSet<>();
        collectKeys(reference.root(), "", knownKeys);
        Config envVarLayer = envVarLayer(knownKeys);
        Config sysPropLayer = systemPropertyLayer();
        Config setLayer = setLayer();

        Config merged = setLayer
                .withFallback(sysPropLayer)
                .withFallback(envVarLayer)
                .withFallback(envLayer)
                .withFallback(app)
                .withFallback(reference);
        Config resolved;
        try {
            // Substitutions see every layer and, for ${?VAR}, the environment (with the variable named as origin).
            resolved = merged.withFallback(envAsConfig())
                    .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (ConfigException e) { // an unset ${VAR}, or values that cannot be concatenated (a list after a string)
            throw new ConfigurationException(e.getMessage(), e);
        }
        if (!resolved.hasPath(ROOT)) {
            throw new ConfigurationException(ROOT, "nothing", "a lakeforge { … } section");
        }
        resolved = resolved.getConfig(ROOT).atKey(ROOT);
        List<String> warnings = unknownKeyWarnings(resolved, knownKeys);
        LakeforgeConfig typed = LakeforgeConfig.from(resolved, home);
        return new LoadedConfig(typed, resolved, layers, warnings);
    }

    private Config envAsConfig() {
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, String> e : envVars.entrySet()) {
            c = c.withValue(quote(e.getKey()), ConfigValueFactory.fromAnyRef(e.getValue(), "env variable " + e.getKey()));
        }
        return c;
    }

    private Config envVarLayer(Set<String> knownKeys) {
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, String> e : envVars.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length()) {
                continue;
            }
            String path = envNameToPath(name);
            if (knownKeys.contains(path)) {
                c = c.withValue(path, ConfigValueFactory.fromAnyRef(e.getValue(), "env variable " + name));
            }
        }
        return c;
    }

    /** LAKEFORGE_SPARK_SHUFFLE__PARTITIONS → lakeforge.spark.shuffle-partitions */
    static String envNameToPath(String name) {
        String rest = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        return ROOT + "." + rest.replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }

    private Config systemPropertyLayer() {
        Config c = ConfigFactory.empty();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(ROOT + ".")) {
                c = withParsedValue(c, name, systemProperties.getProperty(name), "system property -D" + name);
            }
        }
        return c;
    }

    private Config setLayer() {
        Config c = ConfigFactory.empty();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException("--set", "'" + kv + "'", "key=value, e.g. --set spark.shuffle-partitions=4");
            }
            String key = kv.substring(0, eq).trim();
            if (!key.startsWith(ROOT + ".")) {
                key = ROOT + "." + key;
            }
            String value = kv.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            c = withParsedValue(c, key, value, "--set " + key);
        }
        return c;
    }

    private static Config withParsedValue(Config c, String key, String value, String origin) {
        try {
            String v = value.strip();
            if (v.startsWith("[") || v.startsWith("{")) {
                // a list or an object in HOCON syntax: --set models.business=[conf/models/churn.conf]
                try {
                    com.typesafe.config.ConfigValue parsed = com.typesafe.config.ConfigFactory.parseString("v = " + v,
                            com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription(origin)).getValue("v");
                    return c.withValue(key, parsed);
                } catch (ConfigException.Parse e) {
                    throw new ConfigurationException(key, "'" + value + "' (from " + origin + "; " + e.getMessage() + ")",
                            "a value, or a HOCON list [a, b] or object { k = v }");
                }
            }
            return c.withValue(key, ConfigValueFactory.fromAnyRef(value, origin));
        } catch (ConfigException.BadPath e) {
            throw new ConfigurationException(key, "a malformed key (from " + origin + ")", "a dotted key such as lakeforge.spark.master");
        }
    }

    private List<String> unknownKeyWarnings(Config resolved, Set<String> knownKeys) {
        List<String> warnings = new ArrayList<>();
        for (String path : leafPaths(resolved.getConfig(ROOT).atKey(ROOT))) {
            if (knownKeys.contains(path) || FREE_FORM.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."))) {
                continue;
            }
            String suggestion = nearest(path, knownKeys);
            ConfigOrigin origin = resolved.getValue(path).origin();
            warnings.add("Unknown configuration key " + path + " (from " + origin.description() + ")"
                    + (suggestion != null ? " — did you mean " + suggestion + "?" : " — it is ignored"));
        }
        return warnings;
    }

    /** The candidate closest to {@code path} when it is close enough to be a likely typo of it, else null. */
    public static String nearest(String path, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = levenshtein(path, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(3, path.length() / 4) ? best : null;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Every key of an unresolved tree, unresolved substitutions included. */
    private static void collectKeys(com.typesafe.config.ConfigObject obj, String prefix, Set<String> out) {
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            String path = prefix + com.typesafe.config.ConfigUtil.joinPath(e.getKey());
            if (e.getValue() instanceof com.typesafe.config.ConfigObject child) {
                collectKeys(child, path + ".", out);
            } else {
                out.add(path);
            }
        }
    }

    /** Every leaf path (values that are not objects) of a config, quoted where a segment needs it. */
    static Set<String> leafPaths(Config c) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            out.add(e.getKey());
        }
        return out;
    }

    private Path absolute(Path p) {
        return p.isAbsolute() ? p : home.resolve(p).normalize();
    }

    private static Config parseResource(String name) {
        try {
            return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), name,
                    ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigurationException("cannot read " + name + " from the class path: " + e.getMessage(), e);
        }
    }

    private static Config parseFile(Path file) {
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (ConfigException.Parse e) {
            throw new ConfigurationException("syntax error in " + file + ": " + e.getMessage()
                    + " (HOCON: key = value, objects in { }, strings with spaces in quotes)", e);
        } catch (ConfigException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String listEnvironments(Path envDir) {
        try (var files = Files.list(envDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            return names.isEmpty() ? "(none)" : String.join(", ", names);
        } catch (Exception e) {
            return "(none: the folder is missing)";
        }
    }

    private static String quote(String key) {
        return com.typesafe.config.ConfigUtil.quoteString(key);
    }
}
