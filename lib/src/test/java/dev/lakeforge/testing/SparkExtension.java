package dev.lakeforge.testing;

import dev.lakeforge.config.ConfigLoader;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * JUnit 5 extension that shares one local SparkSession across the whole test run: Delta on, two shuffle
 * partitions, UI off, a temporary warehouse and embedded metastore. Test classes use
 * {@code @ExtendWith(SparkExtension.class)} and take a {@link SparkSession} (or a {@link TestLakehouse}, a fresh
 * lakehouse root with its configuration) as a parameter. The session stops when the run ends.
 */
public final class SparkExtension implements BeforeAllCallback, ParameterResolver {
    private static final Object LOCK = new Object();
    private static volatile Shared shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    /** The shared session, started on first use. */
    public static SparkSession spark() {
        Shared s = shared;
        if (s == null) {
            throw new IllegalStateException("SparkExtension is not registered on this test class");
        }
        return s.spark;
    }

    private static Shared shared(ExtensionContext context) {
        synchronized (LOCK) {
            if (shared == null) {
                shared = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .getOrComputeIfAbsent(Shared.class, k -> new Shared(), Shared.class);
            }
            return shared;
        }
    }

    /** A fresh, empty lakehouse root with a configuration pointing at it, using the shared session. */
    public static TestLakehouse newLakehouse(String... settings) {
        Shared s = shared;
        try {
            Path root = Files.createTempDirectory(s.base, "lake");
            return new TestLakehouse(s.spark, root, loadConfig(root, s.base, settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh lakehouse whose configuration file holds {@code hocon} (sources, expectations, …). */
    public static TestLakehouse newLakehouseWithConf(String hocon, String... settings) {
        Shared s = shared;
        try {
            Path root = Files.createTempDirectory(s.base, "lake");
            Path conf = root.resolve("application.conf");
            Files.writeString(conf, hocon);
            return new TestLakehouse(s.spark, root, loadConfig(root, s.base, conf, settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #newLakehouseWithConf(String, String...)}, with these environment variables (secrets come only from there). */
    public static TestLakehouse newLakehouseWithConf(String hocon, Map<String, String> env, String... settings) {
        Shared s = shared;
        try {
            Path root = Files.createTempDirectory(s.base, "lake");
            Path conf = root.resolve("application.conf");
            Files.writeString(conf, hocon);
            return new TestLakehouse(s.spark, root, loadConfig(root, s.base, conf, env, settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoadedConfig loadConfig(Path root, Path base, String... settings) {
        return loadConfig(root, base, null, settings);
    }

    static LoadedConfig loadConfig(Path root, Path base, Path confFile, String... settings) {
        return loadConfig(root, base, confFile, Map.of(), settings);
    }

    static LoadedConfig loadConfig(Path root, Path base, Path confFile, Map<String, String> env, String... settings) {
        List<String> sets = new ArrayList<>(List.of(
                "lakehouse.root=" + root,
                "lakehouse.landing=" + root.resolve("landing"),
                "spark.master=local[2]",
                "spark.shuffle-partitions=2",
                "metastore.derby-dir=" + base.resolve("metastore"),
                "metastore.warehouse-dir=" + base.resolve("warehouse"),
                "serving.url=jdbc:sqlite:" + root.resolve("serving/lakeforge.db"),
                "retry.initial-backoff=20ms"));
        sets.addAll(List.of(settings));
        ConfigLoader loader = ConfigLoader.create().home(base).envVars(env).systemProperties(new java.util.Properties())
                .overrides(sets);
        if (confFile != null) {
            loader.confFile(confFile);
        }
        return loader.load();
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        return t == SparkSession.class || t == TestLakehouse.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Shared s = shared(ec);
        return pc.getParameter().getType() == SparkSession.class ? s.spark : newLakehouse();
    }

    static final class Shared implements AutoCloseable {
        final Path base;
        final SparkSession spark;

        Shared() {
            try {
                base = Files.createTempDirectory("lakeforge-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LoadedConfig config = loadConfig(base.resolve("default-lake"), base,
                    "spark.conf.\"spark.ui.enabled\"=false",
                    "spark.conf.\"spark.sql.adaptive.coalescePartitions.enabled\"=true",
                    "spark.conf.\"spark.databricks.delta.snapshotPartitions\"=2",
                    "spark.conf.\"spark.sql.sources.parallelPartitionDiscovery.parallelism\"=2");
            spark = SparkSessionFactory.create(config.config());
            spark.sparkContext().setLogLevel("WARN");
        }

        @Override
        public void close() {
            spark.stop();
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary files; the OS cleans up what is left
            }
        }
    }
}
