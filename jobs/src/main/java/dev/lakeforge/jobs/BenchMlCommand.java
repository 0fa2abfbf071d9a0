package dev.lakeforge.jobs;

import dev.lakeforge.bench.MlBenchmark;
import dev.lakeforge.bench.MlFamily;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench-ml", mixinStandardHelpOptions = true,
        description = "Benchmark the training of every Lakeforge model family (linear and random-forest regression, gbt and logistic"
                + " classification, k-means, implicit ALS) on synthetic data of two sizes: wall time, CPU time, peak heap and the"
                + " held-out metric, beside scikit-learn's (Debian's python3-sklearn) on the same rows where it has the same model."
                + " Writes a Markdown table and prints it. The data files under --work-dir are kept and reused.")
final class BenchMlCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--sizes", split = ",", defaultValue = "100K,1M", paramLabel = "SIZE[,SIZE…]",
            description = "Rows of the regression, classification and clustering data sets (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--als-sizes", split = ",", defaultValue = "1M,10M", paramLabel = "SIZE[,SIZE…]",
            description = "User-item interactions for ALS (default: ${DEFAULT-VALUE}).")
    List<String> alsSizes;

    @Option(names = "--families", split = ",", paramLabel = "FAMILY[,FAMILY…]",
            description = "Only these families: linear, random-forest, gbt, logistic, kmeans, als (default: all).")
    List<String> families;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Folder for the generated data files (default: target/bench-ml under the project home).")
    Path workDir;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Markdown file for the results (default: docs/benchmarks-ml.md under the project home).")
    Path out;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "PYTHON",
            description = "Python interpreter with scikit-learn, pandas and numpy (default: ${DEFAULT-VALUE}; Debian: apt-get install"
                    + " python3-sklearn python3-pandas).")
    Path python;

    @Option(names = "--sklearn-script", paramLabel = "FILE",
            description = "The scikit-learn side (default: bench/sklearn_bench.py under the project home).")
    Path sklearnScript;

    @Option(names = "--skip-sklearn", description = "Run the Spark side only.")
    boolean skipSklearn;

    @Option(names = "--warmup", defaultValue = "2K", paramLabel = "SIZE|none",
            description = "Rows of an unrecorded Spark warm-up of every family (default: ${DEFAULT-VALUE}); none to skip it.")
    String warmup;

    @Option(names = "--seed", defaultValue = "42", description = "Data generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        checkSizes("--sizes", sizes);
        checkSizes("--als-sizes", alsSizes);
        if (!"none".equalsIgnoreCase(warmup)) {
            checkSizes("--warmup", List.of(warmup));
        }
        List<MlFamily> chosen = families == null ? List.of(MlFamily.values()) : families();
        Path home = GlobalOptions.home();
        Path script = sklearnScript != null ? sklearnScript : home.resolve("bench/sklearn_bench.py");
        if (!skipSklearn) {
            MlBenchmark.checkSklearn(python, script); // before Spark starts
        }
        LoadedConfig config = globals.load();
        SparkSession spark = SparkSessionFactory.create(config.config());
        String heap = System.getenv("LAKEFORGE_HEAP");
        MlBenchmark.Result r = MlBenchmark.create(spark)
                .sizes(sizes)
                .alsSizes(alsSizes)
                .families(chosen)
                .workDir(workDir != null ? workDir : home.resolve("target/bench-ml"))
                .out(out != null ? out : home.resolve("docs/benchmarks-ml.md"))
                .sklearn(!skipSklearn)
                .python(python)
                .script(script)
                .warmup(warmup)
                .seed(seed)
                .heapNote(heap == null || heap.isBlank() ? "LAKEFORGE_HEAP unset: bin/lakeforge's default -Xmx4g" : "LAKEFORGE_HEAP=" + heap)
                .command(BenchCommands.reproduce(spec, heap))
                .execute();
        System.out.println();
        System.out.println(r.markdown());
        return 0;
    }

    private void checkSizes(String option, List<String> values) {
        for (String s : values) {
            try {
                MlBenchmark.rows(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }
    }

    private List<MlFamily> families() {
        List<MlFamily> out = new ArrayList<>();
        for (String name : families) {
            MlFamily f = Arrays.stream(MlFamily.values()).filter(x -> x.key().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "--families: unknown family '" + name
                            + "', expected some of " + Arrays.stream(MlFamily.values()).map(MlFamily::key).toList()));
            out.add(f);
        }
        return out;
    }
}
