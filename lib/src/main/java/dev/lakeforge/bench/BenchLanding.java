package dev.lakeforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.generate.DirtRates;
import dev.lakeforge.generate.EnterpriseDataGenerator;
import dev.lakeforge.generate.GenerateResult;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The benchmarks' landing folders ({@code <workDir>/landing-<size>}, generated once and reused) and file helpers. */
final class BenchLanding {
    private BenchLanding() {
    }

    /** A landing folder ready to load. */
    record Prepared(Path dir, long orderLines, boolean reused, double generateSeconds) {
    }

    /** Generates {@code <workDir>/landing-<size>} unless it holds a landing of the same order lines, seed and batches. */
    static Prepared prepare(Path workDir, String size, String label, long seed, int batches, Path referenceDir, PrintStream log) {
        long lines = EnterpriseDataGenerator.orderLinesForScale(size);
        Path landing = workDir.resolve("landing-" + size).toAbsolutePath();
        long g0 = System.nanoTime();
        boolean reused = matchingManifest(landing, lines, seed, batches);
        if (!reused) {
            log.printf(Locale.ROOT, "[%s] generating %,d order lines into %s%n", label, lines, landing);
            EnterpriseDataGenerator g = EnterpriseDataGenerator.create().orderLines(lines).seed(seed).outputDir(landing)
                    .incrementalBatches(batches).dirt(DirtRates.defaults()).overwrite(true);
            if (referenceDir != null) {
                g = g.referenceDir(referenceDir);
            }
            GenerateResult gr = g.execute();
            log.printf(Locale.ROOT, "[%s] generated %,d bytes in %.1f s%n", label, gr.bytesWritten(), gr.duration().toMillis() / 1000.0);
        } else {
            log.printf(Locale.ROOT, "[%s] reusing %s (same _manifest.json parameters)%n", label, landing);
        }
        double generateSeconds = reused ? 0 : (System.nanoTime() - g0) / 1e9;
        return new Prepared(landing, lines, reused, generateSeconds);
    }

    static boolean matchingManifest(Path landing, long lines, long seed, int batches) {
        Path manifest = landing.resolve("_manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            JsonNode p = new ObjectMapper().readTree(manifest.toFile()).path("parameters");
            return p.path("orderLines").asLong(-1) == lines && p.path("seed").asLong(Long.MIN_VALUE) == seed
                    && p.path("incrementalBatches").asInt(-1) == batches;
        } catch (IOException e) {
            return false;
        }
    }

    /** Data lines per landing file ({@code <batch>/<file>}), from the manifest; reference files counted. */
    static Map<String, Long> rowsPerFile(Path landing) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            JsonNode root = new ObjectMapper().readTree(landing.resolve("_manifest.json").toFile());
            for (JsonNode b : root.path("batches")) {
                String batch = b.path("batch").asText();
                b.path("files").fields().forEachRemaining(e -> out.put(batch + "/" + e.getKey(), e.getValue().path("lines").asLong()));
            }
            // files the manifest does not list (reference/ copies): count their data lines
            Path ref = landing.resolve("reference");
            if (Files.isDirectory(ref)) {
                try (Stream<Path> files = Files.list(ref)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                            out.put("reference/" + f.getFileName(), Math.max(0, lines.count() - 1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the manifest of " + landing, e);
        }
        return out;
    }

    static long folderBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    static Path freshDir(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            return dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + dir, e);
        }
    }

    /** Creates the folder a file goes into. */
    static void createParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + parent, e);
        }
    }

    /** Writes a report (UTF-8), creating its folder. */
    static void write(Path file, String text) {
        createParent(file);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
