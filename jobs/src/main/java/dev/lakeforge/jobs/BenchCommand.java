package dev.lakeforge.jobs;

import dev.lakeforge.bench.LakehouseBenchmark;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.generate.EnterpriseDataGenerator;
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

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark Lakeforge's ingest + refine against the same work in plain Spark (dev.lakeforge.bench.PlainSparkBaseline)"
                + " on generated landing folders of the given sizes, in one JVM and SparkSession; writes a Markdown table (time, rows/s,"
                + " peak heap, Lakeforge/baseline and scaling ratios) and prints it. Landing folders are kept and reused; the"
                + " lakehouses under --work-dir are replaced.")
final class BenchCommand implements Callable<Integer> {
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
        for (String s : sizes) {
            try {
                EnterpriseDataGenerator.orderLinesForScale(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sizes: " + e.getMessage());
            }
        }
        if (!"none".equalsIgnoreCase(warmup)) {
            try {
                EnterpriseDataGenerator.orderLinesForScale(warmup);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--warmup: " + e.getMessage());
            }
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
                .command(reproduce(heap));
        if (Files.isDirectory(shared)) {
            bench = bench.referenceDir(shared);
        }
        LakehouseBenchmark.Result r = bench.execute();
        System.out.println();
        System.out.println(r.markdown());
        return 0;
    }

    private String reproduce(String heap) {
        StringBuilder sb = new StringBuilder();
        sb.append("LAKEFORGE_HEAP=").append(heap == null || heap.isBlank() ? "4g" : heap).append(" bin/lakeforge bench");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // the parse result of a subcommand holds the whole command line, the subcommand's name included
        int from = args.indexOf(spec.name()) + 1;
        for (String a : args.subList(from, args.size())) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,=:@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
