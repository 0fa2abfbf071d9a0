package dev.lakeforge.bench;

import dev.lakeforge.spark.WorkMeter;
import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SparkExtension.class)
class PipelineBenchmarkTest {
    static WorkMeter.Work work(long millis) {
        return new WorkMeter.Work(millis, millis * 2, 10, 100L << 20, 50L << 20, 50L << 20, 0, 20L << 20, 2L << 30, 1L << 30, 100);
    }

    static PipelineBenchmark.SizeRun size(String name, long lines, long ingestMs, long refineMs, long baselineRefineMs) {
        return new PipelineBenchmark.SizeRun(name, lines, 300L << 20, LocalDate.of(2024, 7, 3), true, ingestMs + refineMs + 20_000,
                Instant.parse("2026-11-29T10:00:00Z"), List.of(
                new PipelineBenchmark.StageRun(name, lines, PipelineBenchmark.LAKEFORGE, "ingest", work(ingestMs)),
                new PipelineBenchmark.StageRun(name, lines, PipelineBenchmark.LAKEFORGE, "refine", work(refineMs)),
                new PipelineBenchmark.StageRun(name, lines, PipelineBenchmark.BASELINE, "refine", work(baselineRefineMs))));
    }

    @Test
    void theReportGivesRatiosAndFlagsStagesThatGrowFasterThanTheData() throws IOException {
        TestLakehouse t = SparkExtension.newLakehouse();
        Path out = t.root().resolve("docs/benchmarks.md");
        Path png = t.root().resolve("docs/images/time.png");
        PipelineBenchmark bench = PipelineBenchmark.create(t.spark(), t.loaded()).out(out).plot(png).heap("4g");
        // ingest grows 5x for 10x the rows (fine), refine 20x (not linear)
        List<PipelineBenchmark.SizeRun> runs = List.of(size("1M", 1_000_000, 20_000, 100_000, 80_000),
                size("10M", 10_000_000, 100_000, 2_000_000, 900_000));
        String md = bench.markdown(runs, Instant.parse("2026-11-29T12:00:00Z"));
        assertThat(md).contains("| 1M | refine | 100.0 | 80.0 | **1.25** | 10,000 |")
                .contains("| ingest | 1M → 10M | 10.0 | 5.00 | yes |")
                .contains("| refine | 1M → 10M | 10.0 | 20.00 | **no** |")
                .contains("| 10M | **pipeline** | 2100.0 |")
                .contains("](images/time.png)");

        PipelineBenchmark.plot(runs, png);
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(5_000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void workSurvivesTheJsonTheBaselineProcessWrites() throws IOException {
        Path json = Files.createTempFile("baseline", ".json");
        Map<String, WorkMeter.Work> work = new java.util.LinkedHashMap<>();
        work.put("ingest", work(1_234));
        work.put("marts", work(5_678));
        PipelineBenchmark.writeWork(work, json);
        assertThat(PipelineBenchmark.readWork(json)).containsExactlyEntriesOf(work);
    }

    @Test
    void aMeasuredSizeIsReadBackOnlyUnderTheSameSetting() throws IOException {
        Path json = Files.createTempFile("result", ".json");
        PipelineBenchmark.SizeRun run = size("50M", 50_000_000, 300_000, 1_500_000, 1_200_000);
        PipelineBenchmark.Setting setting = new PipelineBenchmark.Setting("4g", 42, 3, true, true, 50_000_000, LocalDate.of(2024, 7, 3));
        PipelineBenchmark.writeSizeRun(run, setting, json);

        assertThat(PipelineBenchmark.readSizeRun(json, setting)).contains(run);
        assertThat(PipelineBenchmark.readSizeRun(json, new PipelineBenchmark.Setting("8g", 42, 3, true, true, 50_000_000,
                LocalDate.of(2024, 7, 3)))).as("another heap").isEmpty();
        assertThat(PipelineBenchmark.readSizeRun(json, new PipelineBenchmark.Setting("4g", 42, 3, false, true, 50_000_000,
                LocalDate.of(2024, 7, 3)))).as("ALS left out now").isEmpty();
        assertThat(PipelineBenchmark.readSizeRun(json, new PipelineBenchmark.Setting("4g", 42, 3, true, true, 49_000_000,
                LocalDate.of(2024, 7, 3)))).as("another landing").isEmpty();

        Files.writeString(json, "{\"setting\": 3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineBenchmark.readSizeRun(json, setting))
                .hasMessageContaining("Cannot read the earlier result " + json).hasMessageContaining("delete it to measure that size again");
    }
}
