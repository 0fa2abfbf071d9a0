package dev.lakeforge.pipeline;

import dev.lakeforge.config.ConfigLoader;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.config.LoadedConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped configuration, edited the way a hostile or careless hand would: every edit is either accepted or stopped
 * before Spark starts with a {@link ConfigurationException} naming the key and what is expected, never another exception.
 * The random part is seeded ({@code -Dfuzz.seed}, printed on failure).
 */
class ConfigFuzzTest {
    private static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();
    private static final List<String> FILES = List.of("conf/application.conf", "conf/sources.conf", "conf/publish.conf",
            "conf/models/churn.conf", "conf/models/demand-forecast.conf", "conf/models/customer-segments.conf",
            "conf/models/product-recommendations.conf");

    @TempDir
    Path home;

    private void copyShippedConf() throws IOException {
        for (String f : FILES) {
            Path to = home.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(PROJECT.resolve(f), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private LoadedConfig load() {
        return ConfigLoader.create().home(home).envVars(Map.of()).systemProperties(new Properties()).load();
    }

    private ConfigCheck.Result check() {
        return ConfigCheck.run(load().config());
    }

    private void edit(String file, String find, String replace) throws IOException {
        Path p = home.resolve(file);
        String text = Files.readString(p);
        assertThat(text).as(file + " holds the text the test edits").contains(find);
        Files.writeString(p, text.replace(find, replace));
    }

    @Test
    void theShippedConfigurationChecksClean() throws IOException {
        copyShippedConf();
        ConfigCheck.Result r = check();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.parts()).extracting(ConfigCheck.Checked::part)
                .containsExactly("sources", "business models", "published tables", "pipeline stages");
        assertThat(r.parts().get(0).items()).contains("customers", "order_lines", "interactions").hasSizeGreaterThan(10);
        assertThat(r.parts().get(1).items()).containsExactly("demand_forecast", "churn", "customer_segments", "product_recommendations");
        assertThat(r.parts().get(2).items()).contains("sales_daily", "churn_scores");
        assertThat(r.docs()).isPresent();
    }

    static Stream<Arguments> hostileEdits() {
        String sources = "conf/sources.conf";
        String publish = "conf/publish.conf";
        String churn = "conf/models/churn.conf";
        String knownType = "sql = \"customer_type IN ('B2C', 'B2B')\"";
        return Stream.of(
                // identifiers with injection attempts
                Arguments.of(sources, "  customers {", "  \"customers; DROP TABLE silver.customers\" {",
                        "source name 'customers; DROP TABLE silver.customers'"),
                Arguments.of(sources, "customer_id STRING, name STRING, email", "customer_id STRING, `name; DROP TABLE x` STRING, email",
                        "column 'name; DROP TABLE x'"),
                Arguments.of(sources, "primary-key = [customer_id]", "primary-key = [\"customer_id) OR 1=1 --\"]",
                        "column 'customer_id) OR 1=1 --'"),
                Arguments.of(sources, knownType, "sql = \"customer_type IN ('B2C', 'B2B'); DROP TABLE silver.customers\"",
                        "a Spark SQL boolean expression"),
                Arguments.of(sources, knownType, "sql = \"customer_id IN (SELECT customer_id FROM silver.secrets)\"", "without subqueries"),
                Arguments.of(sources, knownType, "sql = \"password_hash IS NOT NULL\"", "naming password_hash"),
                Arguments.of(sources, "table = silver.customers, key", "table = \"silver.customers; DROP TABLE x\", key", "a table name layer.table"),
                Arguments.of(sources, "path = \"*/erp/customers.csv\"", "path = \"../../../etc/*\"", "no '..'"),
                Arguments.of(publish, "  tables {\n    sales_daily {", "  tables {\n    \"sales_daily; DROP TABLE x\" {",
                        "table name 'sales_daily; DROP TABLE x'"),
                Arguments.of(publish, "source = \"gold.sales_daily\"", "source = \"gold.sales_daily; DROP TABLE x\"",
                        "lakeforge.publish.tables.sales_daily.source"),
                Arguments.of(publish, "order_date = \"Day the order was placed\"", "\"order_date text); DROP TABLE x; --\" = \"Day\"",
                        "column name 'order_date text); DROP TABLE x; --'"),
                Arguments.of(publish, "FROM churn_scores c LEFT JOIN", "FROM churn_scores c; DROP TABLE churn_scores; SELECT 1 FROM churn_scores c LEFT JOIN",
                        "one statement, without ';'"),
                Arguments.of(churn, "output = gold.churn_scores", "output = \"gold.churn_scores; DROP TABLE gold.x\"", "churn.conf: apply.output"),
                Arguments.of(churn, "name = churn", "name = \"../../etc/churn\"", "a model name"),
                // malformed HOCON, wrong types, a missing file
                Arguments.of(sources, "  customers {", "  customers {{", "sources.conf"),
                Arguments.of(sources, "checks { unique-key = true, min-row-count-ratio = 0.9 }",
                        "checks { unique-key = maybe, min-row-count-ratio = 0.9 }", "unique-key"),
                Arguments.of(sources, "checks { unique-key = true, min-row-count-ratio = 0.9 }",
                        "checks { unique-key = true, min-row-count-ratio = lots }", "min-row-count-ratio"),
                Arguments.of(churn, "params { maxIter = 40, maxDepth = 4 }", "params { maxIter = forty, maxDepth = 4 }", "maxIter"),
                Arguments.of(churn, "params { maxIter = 40, maxDepth = 4 }", "params { maxIter = 40, maxDepth = -3 }", "a valid maxDepth"),
                Arguments.of(churn, "params { maxIter = 40, maxDepth = 4 }", "params { maxIter = 40, maxDepht = 4 }", "an unknown parameter"),
                Arguments.of(churn, "task = classification", "task = divination", "one of regression, classification"),
                Arguments.of("conf/application.conf", "\"conf/models/churn.conf\"", "\"conf/models/missing.conf\"", "missing.conf"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("hostileEdits")
    void hostileEditsAreStoppedNamingTheKey(String file, String find, String replace, String expected) throws IOException {
        copyShippedConf();
        edit(file, find, replace);
        assertThatThrownBy(this::check).isInstanceOf(ConfigurationException.class).hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "'primary-key = [customer_id]' | 'primary-key = [customer_id], primry-key = [name]' | lakeforge.sources.customers.primry-key",
            "'silver { mode = scd2, lower' | 'silver { mod = append, mode = scd2, lower' | did you mean lakeforge.sources.customers.silver.mode?",
            "'action = quarantine }' | 'action = quarantine, acton = warn }' | did you mean lakeforge.sources.customers.expectations[0].action?",
    })
    void unknownSourceKeysWarnWithASuggestion(String find, String replace, String expected) throws IOException {
        copyShippedConf();
        edit("conf/sources.conf", find, replace);
        assertThat(check().warnings()).anySatisfy(w -> assertThat(w).contains("Unknown configuration key").contains(expected));
    }

    @Test
    void randomEditsAreAcceptedOrStoppedWithAMessage() throws IOException {
        long seed = Long.getLong("fuzz.seed", 20261129L);
        Random random = new Random(seed);
        copyShippedConf();
        Map<String, String> shipped = new java.util.LinkedHashMap<>();
        for (String f : FILES) {
            shipped.put(f, Files.readString(home.resolve(f)));
        }
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 400; i++) {
            String file = FILES.get(random.nextInt(FILES.size()));
            String mutated = shipped.get(file);
            StringBuilder what = new StringBuilder();
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
                mutated = mutated.isEmpty() ? mutated : mutation.apply(mutated, random);
                what.append(mutation).append(' ');
            }
            shipped.forEach((f, text) -> write(home.resolve(f), text));
            write(home.resolve(file), mutated);
            try {
                check();
                accepted++;
            } catch (ConfigurationException e) {
                refused++;
                if (e.getMessage() == null || !(e.getMessage().contains(": expected ") || e.getMessage().startsWith("Invalid configuration: "))) {
                    failures.add("#" + i + " " + file + " (" + what + "): message without key and expectation: " + e.getMessage());
                }
            } catch (RuntimeException | Error e) {
                failures.add("#" + i + " " + file + " (" + what + "): " + e + "\n" + diff(shipped.get(file), mutated));
            }
        }
        assertThat(failures).as("edits that did not end in a ConfigurationException (-Dfuzz.seed=" + seed + ")").isEmpty();
        assertThat(refused).as("most random edits break something").isGreaterThan(100);
        assertThat(accepted).as("some random edits are harmless (comments, whitespace)").isGreaterThan(0);
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String diff(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(a.size(), b.size()) && sb.length() < 600; i++) {
            String x = i < a.size() ? a.get(i) : "";
            String y = i < b.size() ? b.get(i) : "";
            if (!x.equals(y)) {
                sb.append("  line ").append(i + 1).append(": ").append(x.strip()).append("  →  ").append(y.strip()).append('\n');
            }
        }
        return sb.toString();
    }

    /** What a careless or hostile hand does to a configuration file. */
    enum Mutation {
        DELETE_CHARACTERS {
            String apply(String s, Random r) {
                int at = r.nextInt(s.length());
                return s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + r.nextInt(6)));
            }
        },
        DUPLICATE_LINE {
            String apply(String s, Random r) {
                List<String> lines = new ArrayList<>(s.lines().toList());
                if (lines.isEmpty()) {
                    return s;
                }
                int at = r.nextInt(lines.size());
                lines.add(at, lines.get(at));
                return String.join("\n", lines);
            }
        },
        DROP_LINE {
            String apply(String s, Random r) {
                List<String> lines = new ArrayList<>(s.lines().toList());
                if (!lines.isEmpty()) {
                    lines.remove(r.nextInt(lines.size()));
                }
                return String.join("\n", lines);
            }
        },
        TRUNCATE {
            String apply(String s, Random r) {
                return s.substring(0, r.nextInt(s.length()));
            }
        },
        REPLACE_VALUE {
            private static final List<String> HOSTILE = List.of("\"x; DROP TABLE y; --\"", "\"`a` STRING\"", "\"../../etc/passwd\"", "-1", "0",
                    "1e400", "9999999999999999999999", "\"\"", "[]", "{}", "null", "true", "\"\\u0000\"", "\"ünïcødé 名前\"",
                    "${?LAKEFORGE_NOT_SET}", "${no.such.key}", "\"" + "x".repeat(5000) + "\"", "[a, [b]]", "{ a = 1 }", "\"' OR '1'='1\"",
                    "\"$(rm -rf /)\"", "2024-13-45", "\"SELECT 1\"");

            String apply(String s, Random r) {
                List<int[]> values = new ArrayList<>();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<==\\s{0,4})(\"[^\"\\n]*\"|[^\\s,}\\]\\n]+)").matcher(s);
                while (m.find()) {
                    values.add(new int[]{m.start(), m.end()});
                }
                if (values.isEmpty()) {
                    return s;
                }
                int[] v = values.get(r.nextInt(values.size()));
                return s.substring(0, v[0]) + HOSTILE.get(r.nextInt(HOSTILE.size())) + s.substring(v[1]);
            }
        },
        RENAME_KEY {
            String apply(String s, Random r) {
                List<int[]> keys = new ArrayList<>();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*([a-z][a-z0-9_-]*)\\s*[={]").matcher(s);
                while (m.find()) {
                    keys.add(new int[]{m.start(1), m.end(1)});
                }
                if (keys.isEmpty()) {
                    return s;
                }
                int[] k = keys.get(r.nextInt(keys.size()));
                String name = s.substring(k[0], k[1]);
                String renamed = switch (r.nextInt(3)) {
                    case 0 -> name.substring(0, name.length() - 1);
                    case 1 -> "\"" + name + "; DROP TABLE x\"";
                    default -> name.toUpperCase(java.util.Locale.ROOT);
                };
                return s.substring(0, k[0]) + renamed + s.substring(k[1]);
            }
        },
        INSERT_GARBAGE {
            String apply(String s, Random r) {
                String[] junk = {"{", "}", "[", "]", "\"", "=", ",", "\u0000", "\uFEFF", "${", "#", "\t", "\\", "\u00e9", "include \"nope.conf\"\n"};
                int at = r.nextInt(s.length());
                return s.substring(0, at) + junk[r.nextInt(junk.length)] + s.substring(at);
            }
        };

        abstract String apply(String s, Random r);
    }
}
