package dev.lakeforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.config.ConfigurationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code bench/sklearn_bench.py} with a Python interpreter, one process per model and data set (so that each
 * run's peak RSS is its own), and reads the JSON it prints.
 */
final class SklearnRunner {
    /** Exit code of the script when numpy, pandas or scikit-learn cannot be imported. */
    static final int MISSING_PACKAGES = 3;
    static final String INSTALL_HINT = "apt-get install -y python3-sklearn python3-pandas";

    private final Path python;
    private final Path script;
    private final int jobs;
    private final ObjectMapper json = new ObjectMapper();

    SklearnRunner(Path python, Path script, int jobs) {
        this.python = python;
        this.script = script;
        this.jobs = jobs;
    }

    /**
     * Checks that the interpreter and the script exist and that numpy, pandas and scikit-learn import; returns
     * their versions ({@code Python 3.11.2, scikit-learn 1.2.1, …}).
     */
    String check() {
        if (!Files.isExecutable(python)) {
            throw new ConfigurationException("--python", python + " (no such executable)",
                    "a Python 3 interpreter with scikit-learn, e.g. Debian's /usr/bin/python3 (" + INSTALL_HINT + "), or --skip-sklearn");
        }
        if (!Files.isRegularFile(script)) {
            throw new ConfigurationException("--sklearn-script", script + " (no such file)",
                    "the scikit-learn side of the benchmark, bench/sklearn_bench.py in the project folder (set LAKEFORGE_HOME"
                            + " to it), or --skip-sklearn");
        }
        String probe = "import sys, numpy, pandas, sklearn; print('Python %s, scikit-learn %s, numpy %s, pandas %s' "
                + "% (sys.version.split()[0], sklearn.__version__, numpy.__version__, pandas.__version__))";
        Output out = exec(List.of(python.toString(), "-c", probe));
        if (out.exit != 0) {
            throw new ConfigurationException("--python", python + " without scikit-learn (" + lastLine(out.stderr) + ")",
                    "a Python 3 with numpy, pandas and scikit-learn: " + INSTALL_HINT + " (Debian), or --skip-sklearn");
        }
        return out.stdout.strip();
    }

    /** Trains and evaluates {@code family}'s scikit-learn model on {@code data} with the Spark model's parameters. */
    MlBenchmark.SklearnRun run(MlFamily family, Path data, Map<String, Object> sparkParams) {
        String params;
        try {
            params = json.writeValueAsString(sparkParams);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(python.toString(), script.toString(), "--family", family.key(), "--data", data.toString(),
                "--params", params, "--jobs", String.valueOf(jobs));
        long cpu0 = BenchMachine.processCpuNanos();
        long busy0 = BenchMachine.systemBusyMillis();
        long t0 = System.nanoTime();
        Output out = exec(cmd);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long busy1 = BenchMachine.systemBusyMillis();
        long jvmCpuMs = cpu0 < 0 ? 0 : (BenchMachine.processCpuNanos() - cpu0) / 1_000_000;
        if (out.exit == MISSING_PACKAGES) {
            throw new IllegalStateException("scikit-learn is missing for " + python + ": " + INSTALL_HINT + " (" + lastLine(out.stderr) + ")");
        }
        if (out.exit != 0) {
            throw new IllegalStateException("scikit-learn " + family.key() + " on " + data.getFileName() + " failed (exit " + out.exit + "): "
                    + tail(out.stderr, 15) + "\ncommand: " + String.join(" ", cmd));
        }
        String last = lastLine(out.stdout);
        JsonNode r;
        try {
            r = json.readTree(last);
        } catch (IOException e) {
            throw new IllegalStateException("scikit-learn " + family.key() + " printed no JSON result: '" + last + "'", e);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        r.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        long childCpuMs = Math.round(r.path("process_cpu_s").asDouble(0) * 1000);
        return new MlBenchmark.SklearnRun(r.path("model").asText(), r.path("fit_s").asDouble() + r.path("eval_s").asDouble(),
                r.path("fit_s").asDouble(), r.path("cpu_s").asDouble(), r.path("load_s").asDouble(), r.path("rss_after_load_mb").asDouble(),
                r.path("peak_rss_mb").asDouble(), Map.copyOf(metrics), r.path("rows_train").asLong(), r.path("rows_test").asLong(),
                ms / 1000.0, BenchMachine.otherCores(busy0, busy1, childCpuMs + jvmCpuMs, ms));
    }

    private record Output(int exit, String stdout, String stderr) {
    }

    private Output exec(List<String> cmd) {
        Path err = null;
        try {
            err = Files.createTempFile("lakeforge-sklearn", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            // the same number of threads for every native library as Spark has cores
            for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
                pb.environment().put(v, String.valueOf(jobs));
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new ConfigurationException("--python", python + " (" + e.getMessage() + ")",
                        "a Python 3 interpreter with scikit-learn (" + INSTALL_HINT + "), or --skip-sklearn");
            }
            p.getOutputStream().close();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            return new Output(exit, stdout, Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", cmd), e);
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static String tail(String text, int n) {
        List<String> lines = new ArrayList<>(text.strip().lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
