package dev.lakeforge.jobs;

import dev.lakeforge.generate.DirtRates;
import dev.lakeforge.generate.EnterpriseDataGenerator;
import dev.lakeforge.generate.GenerateResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a deterministic synthetic landing folder: ERP, CRM and market exports with real structure (trend,"
                + " seasonality, promotions, price response, segments, affinities, churn) and documented dirt (docs/landing-data.md)."
                + " Streams to disk in bounded memory.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1", paramLabel = "N|250K|1M",
            description = "Size: a number N means N × 25,000 order lines (1 = the bundled sample); 250K, 1M, 10M, 100M mean that many order lines.")
    String scale;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (same seed and scale ⇒ byte-identical files).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Landing folder to write.")
    Path out;

    @Option(names = "--history-start", defaultValue = "2022-07-01", paramLabel = "YYYY-MM-DD", description = "First day of history.")
    LocalDate historyStart;

    @Option(names = "--initial-batch", defaultValue = "2024-06-30", paramLabel = "YYYY-MM-DD",
            description = "Date of the initial load (history up to this day).")
    LocalDate initialBatch;

    @Option(names = "--batches", defaultValue = "3", paramLabel = "N", description = "Daily batches after the initial load.")
    int batches;

    @Option(names = "--clean", description = "No dirt at all.")
    boolean clean;

    @Option(names = "--overwrite", description = "Replace what an earlier generate wrote in --out.")
    boolean overwrite;

    @Option(names = "--reference-dir", paramLabel = "DIR",
            description = "Folder with the real market series to copy into reference/ (default: ../shared/datasets when present).")
    Path referenceDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        long lines;
        try {
            lines = EnterpriseDataGenerator.orderLinesForScale(scale);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale: " + e.getMessage());
        }
        Path reference = referenceDir;
        if (reference == null) {
            Path shared = GlobalOptions.home().resolve("../shared/datasets").normalize();
            reference = Files.isDirectory(shared) ? shared : null;
        }
        EnterpriseDataGenerator g = EnterpriseDataGenerator.create().orderLines(lines).seed(seed).outputDir(out.toAbsolutePath())
                .historyStart(historyStart).initialBatchDate(initialBatch).incrementalBatches(batches)
                .dirt(clean ? DirtRates.none() : DirtRates.defaults()).overwrite(overwrite);
        if (reference != null) {
            g = g.referenceDir(reference);
        }
        try {
            GenerateResult r = g.execute();
            System.out.println(r);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
