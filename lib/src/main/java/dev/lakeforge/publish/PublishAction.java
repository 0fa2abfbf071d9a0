package dev.lakeforge.publish;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.runs.JobRun;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code lakeforge publish}: registers the configured tables in the catalog ({@link RegisterCatalogAction}), then
 * publishes the versions the catalog step ended at to the serving database ({@link PublishServingAction}). Every table
 * is tried; when any failed, {@link #execute()} throws after the others are done, naming them (the failed ones keep
 * their previously published content).
 */
public final class PublishAction {
    /** What publishing did. */
    public record Result(List<RegisterCatalogAction.Registration> catalog, List<PublishServingAction.TablePublication> serving) {
        public List<PublishServingAction.TablePublication> failed() {
            return serving.stream().filter(p -> p.status() == PublishServingAction.Status.FAILED).toList();
        }
    }

    private final Lakehouse lakehouse;
    private final PublishSettings settings;
    private JobRun run;
    private boolean force;
    private String runsTable = "ops.job_runs";
    private BiConsumer<String, Long> onRows = (t, n) -> { };
    private Consumer<PublishServingAction.TablePublication> onTableDone = p -> { };

    public PublishAction(Lakehouse lakehouse, PublishSettings settings) {
        this.lakehouse = lakehouse;
        this.settings = settings;
    }

    public PublishAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public PublishAction force(boolean force) {
        this.force = force;
        return this;
    }

    public PublishAction runsTable(String runsTable) {
        this.runsTable = runsTable;
        return this;
    }

    public PublishAction onRows(BiConsumer<String, Long> onRows) {
        this.onRows = onRows;
        return this;
    }

    public PublishAction onTableDone(Consumer<PublishServingAction.TablePublication> onTableDone) {
        this.onTableDone = onTableDone;
        return this;
    }

    public Result execute() {
        List<RegisterCatalogAction.Registration> catalog = List.of();
        Map<String, Long> versions = new LinkedHashMap<>();
        if (settings.catalogEnabled()) {
            catalog = new RegisterCatalogAction(lakehouse, settings).run(run).execute();
            for (RegisterCatalogAction.Registration r : catalog) {
                if (!r.skipped()) {
                    versions.put(r.source().toString(), r.version());
                }
            }
        }
        List<PublishServingAction.TablePublication> serving = List.of();
        if (settings.servingEnabled()) {
            serving = new PublishServingAction(lakehouse, settings).run(run).runsTable(runsTable).force(force).versions(versions)
                    .onRows(onRows).onTableDone(onTableDone).execute();
            if (run != null) {
                for (PublishServingAction.TablePublication p : serving) {
                    if (p.status() != PublishServingAction.Status.SKIPPED && p.status() != PublishServingAction.Status.FAILED) {
                        run.read(p.source().toString(), p.sourceVersion(), p.rows());
                    }
                    run.count("published." + p.status().name().toLowerCase(java.util.Locale.ROOT), 1);
                    if (p.status() == PublishServingAction.Status.PUBLISHED) {
                        run.count("published_rows", p.rows());
                    }
                }
            }
        }
        Result result = new Result(catalog, serving);
        if (!result.failed().isEmpty()) {
            throw new PublishException(result.failed().size() + " of " + serving.size() + " table(s) could not be published and keep their"
                    + " previous content: " + String.join("; ", result.failed().stream().map(p -> p.table() + ": " + p.message()).toList()));
        }
        return result;
    }
}
