package dev.lakeforge.jobs;

import dev.lakeforge.bench.PipelineBenchmark;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.spark.SparkSessionFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the whole pipeline stage by stage at the given landing sizes, each run in a JVM of its own with the given"
                + " driver heap: wall time, rows/s, task CPU, bytes read, shuffled and spilled, peak heap per stage, against the plain-Spark"
                + " baselines of ingest, refine and marts; writes docs/benchmarks.md and a PNG plot of time against size. Landing folders"
                + " are kept and reused; the lakehouses under --work-dir are replaced.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--sizes", split = ",", defaultValue = "1M,10M,50M", paramLabel = "SIZE[,SIZE…]",
            description = "Landing sizes in order lines, as generate --scale takes them (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--als-sizes", split = ",", defaultValue = "1M,10M", paramLabel = "SIZE[,SIZE…]",
            description = "Sizes at which the ALS business models train; at the others predict leaves them out (default: ${DEFAULT-VALUE}).")
    List<String> alsSizes;

    @Option(names = "--heap", defaultValue = "4g", paramLabel = "SIZE",
            description = "Driver heap (-Xmx) of every measured run (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--no-baseline", description = "Run Lakeforge's pipeline only, not the plain-Spark baselines.")
    boolean noBaseline;

    @Option(names = "--reuse",
            description = "Read back the sizes already measured under --work-dir with the same heap, seed and ALS setting (their"
                    + " pipeline-<size>/result.json) instead of running them again: a run that died at a later size resumes there.")
    boolean reuse;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Folder for the landing folders and the benchmark lakehouses (default: target/bench under the project home).")
    Path workDir;

    @Option(names = "--out", paramLabel = "FILE", description = "Markdown report (default: docs/benchmarks.md under the project home).")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE",
            description = "PNG plot of stage time against size (default: docs/images/benchmarks-time.png under the project home).")
    Path plot;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BenchCommands.checkSizes(spec, "--sizes", sizes);
        BenchCommands.checkSizes(spec, "--als-sizes", alsSizes);
        if (!heap.matches("\\d+[kmgKMG]?")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--heap: '" + heap + "' is not a heap size such as 4g or 4096m");
        }
        LoadedConfig config = globals.load();
        Path home = GlobalOptions.home();
        SparkSession spark = SparkSessionFactory.create(config.config());
        Path shared = home.resolve("../shared/datasets").normalize();
        PipelineBenchmark bench = PipelineBenchmark.create(spark, config)
                .sizes(sizes).alsSizes(alsSizes).heap(heap).baseline(!noBaseline).seed(seed).reuse(reuse)
                .launcher(javaCommand(), LakeforgeCli.class.getName())
                .childOptions(globals.asArguments())
                .workDir(workDir != null ? workDir : home.resolve("target/bench"))
                .out(out != null ? out : home.resolve("docs/benchmarks.md"))
                .plot(plot != null ? plot : home.resolve("docs/images/benchmarks-time.png"))
                .command(BenchCommands.reproduce(spec, System.getenv("LAKEFORGE_HEAP")));
        if (Files.isDirectory(shared)) {
            bench = bench.referenceDir(shared);
        }
        PipelineBenchmark.Result r = bench.execute();
        System.out.println();
        System.out.println(r.markdown());
        return 0;
    }

    /** This JVM's java, options (the --add-opens flags Spark needs) and class path. */
    private static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xlog")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }
}
