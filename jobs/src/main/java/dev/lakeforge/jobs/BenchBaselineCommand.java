package dev.lakeforge.jobs;

import dev.lakeforge.bench.PipelineBenchmark;
import dev.lakeforge.bench.PlainPipelineBaseline;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.spark.SparkSessionFactory;
import dev.lakeforge.spark.WorkMeter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The plain-Spark side of {@code lakeforge bench}, run in a JVM of its own; not for direct use. */
@Command(name = "bench-baseline", hidden = true, mixinStandardHelpOptions = true,
        description = "The plain-Spark baselines of lakeforge bench (ingest, refine, marts), each stage measured; writes the figures as JSON.")
final class BenchBaselineCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--landing", required = true, paramLabel = "DIR", description = "The landing folder.")
    String landing;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Folder the baseline writes its tables to.")
    String root;

    @Option(names = "--silver-from", required = true, paramLabel = "DIR",
            description = "Root of the Lakeforge lakehouse whose silver the marts baseline reads.")
    String silverFrom;

    @Option(names = "--stages", split = ",", defaultValue = "ingest,refine,marts", paramLabel = "STAGE[,STAGE…]",
            description = "Stages to run (default: ${DEFAULT-VALUE}).")
    List<String> stages;

    @Option(names = "--json", required = true, paramLabel = "FILE", description = "Where the figures go.")
    Path json;

    @Override
    public Integer call() {
        LoadedConfig config = globals.load();
        LocalDate runDate = globals.runDate;
        if (runDate == null) {
            throw new IllegalArgumentException("--run-date is required");
        }
        SparkSession spark = SparkSessionFactory.create(config.config());
        Map<String, WorkMeter.Work> work = PlainPipelineBaseline.create(spark)
                .sources(SourceCatalog.from(config.config()).inDependencyOrder())
                .landing(landing).root(root).silverFrom(silverFrom).runDate(runDate).stages(stages)
                .execute();
        work.forEach((stage, w) -> System.out.printf("baseline %-8s %s%n", stage, w.summary()));
        PipelineBenchmark.writeWork(work, json);
        return 0;
    }
}
