package dev.lakeforge.jobs;

import dev.lakeforge.bench.LakehouseBenchmark;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench-lakehouse", mixinStandardHelpOptions = true,
        description = "Benchmark Lakeforge's ingest + refine against the same work in plain Spark (dev.lakeforge.bench.PlainSparkBaseline)"
                + " on generated landing folders of the given sizes, in one JVM and SparkSession; writes a Markdown table (time, rows/s,"
                + " peak heap, Lakeforge/baseline and scaling ratios) and prints it. Landing folders are kept and reused; the"
                + " lakehouses under --work-dir are replaced.")
final class BenchLakehouseCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--sizes", split = ",", defaultValue = "1M", paramLabel = "SIZE[,SIZE…]",
            description = "Landing sizes in order lines, as generate --scale takes them (default: ${DEFAULT-VALUE}), e.g. 1M,10M.")
    List<String> sizes;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Folder for the landing folders and the benchmark lakehouses (default: target/bench under the project home).")
    Path workDir;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Markdown file for the results (default: docs/benchmarks-lakehouse.md under the project home).")
    Path out;

    @Option(names = "--warmup", defaultValue = "25K", paramLabel = "SIZE|none",
            description = "Size of an unrecorded warm-up run of both sides (default: ${DEFAULT-VALUE}); none to skip it.")
    String warmup;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BenchCommands.checkSizes(spec, "--sizes", sizes);
        if (!"none".equalsIgnoreCase(warmup)) {
            BenchCommands.checkSizes(spec, "--warmup", List.of(warmup));
        }
        LoadedConfig config = globals.load();
        Path home = GlobalOptions.home();
        SparkSession spark = SparkSessionFactory.create(config.config());
        Path shared = home.resolve("../shared/datasets").normalize();
        String heap = System.getenv("LAKEFORGE_HEAP");
        LakehouseBenchmark bench = LakehouseBenchmark.create(spark, config)
                .sizes(sizes)
                .workDir(workDir != null ? workDir : home.resolve("target/bench"))
                .out(out != null ? out : home.resolve("docs/benchmarks-lakehouse.md"))
                .warmup(warmup)
                .seed(seed)
                .heapNote(heap == null || heap.isBlank() ? "LAKEFORGE_HEAP unset: bin/lakeforge's default -Xmx4g" : "LAKEFORGE_HEAP=" + heap)
                .command(BenchCommands.reproduce(spec, heap));
        if (Files.isDirectory(shared)) {
            bench = bench.referenceDir(shared);
        }
        LakehouseBenchmark.Result r = bench.execute();
        System.out.println();
        System.out.println(r.markdown());
        return 0;
    }
}
