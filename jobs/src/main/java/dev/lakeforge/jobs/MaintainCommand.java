package dev.lakeforge.jobs;

import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.lake.TableName;
import dev.lakeforge.maintenance.MaintainAction;
import dev.lakeforge.maintenance.MaintainResult;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "maintain", mixinStandardHelpOptions = true,
        description = "Compact tables (OPTIMIZE, Z-ORDER BY each source's zorder-by columns) and VACUUM files older than the retention;"
                + " reports files before and after.")
final class MaintainCommand extends JobCommand {
    @Option(names = "--table", paramLabel = "LAYER.TABLE", description = "Only these tables (repeatable; default: every table).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--retention", paramLabel = "HOURS", description = "VACUUM retention in hours (default: lakeforge.maintenance.retention).")
    Long retentionHours;

    @Option(names = "--force", description = "Allow a retention under 7 days (only when no job or reader is running).")
    boolean force;

    @Override
    protected String jobName() {
        return "maintain";
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        Duration retention = retentionHours != null ? Duration.ofHours(retentionHours) : config.config().maintenance().retention();
        if (retention.compareTo(MaintainAction.MIN_RETENTION) < 0 && !force) {
            throw new dev.lakeforge.config.ConfigurationException("--retention / lakeforge.maintenance.retention", retention.toHours() + " hours",
                    "at least 7 days (168 hours): a shorter retention can delete files running readers and time travel still need;"
                            + " add --force only when no job or reader is running");
        }
        tables.forEach(TableName::parse);
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Map<String, List<String>> zorder = new LinkedHashMap<>();
        SourceCatalog catalog = SourceCatalog.from(context.config());
        for (SourceSpec s : catalog.all()) {
            if (!s.zorderBy().isEmpty()) {
                zorder.put("silver." + s.name(), s.zorderBy());
            }
        }
        Duration retention = retentionHours != null ? Duration.ofHours(retentionHours) : context.config().maintenance().retention();
        List<MaintainResult> results = new MaintainAction(context.lakehouse()).tables(tables.stream().map(TableName::parse).toList())
                .zorder(zorder).retention(retention).force(force).execute();
        System.out.printf(Locale.ROOT, "%-34s %8s %8s %14s %14s %9s  %s%n", "table", "files", "after", "bytes", "after", "vacuumed", "z-order");
        for (MaintainResult r : results) {
            System.out.printf(Locale.ROOT, "%-34s %8d %8d %,14d %,14d %9d  %s%n", r.table(), r.filesBefore(), r.filesAfter(), r.bytesBefore(),
                    r.bytesAfter(), r.filesVacuumed(), r.zorderBy().isEmpty() ? "" : String.join(",", r.zorderBy()));
            run.count("files_before." + r.table(), r.filesBefore());
            run.count("files_after." + r.table(), r.filesAfter());
        }
    }
}
