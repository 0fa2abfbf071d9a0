package dev.lakeforge.jobs;

import dev.lakeforge.docs.DocsSettings;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Write the data docs: a static site (open index.html from the file system) with the last runs, lineage, a page per"
                + " table (columns, history, sample, quality checks, rows held back), per model (versions, card, charts) and the production plan.")
final class DocsCommand extends JobCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "Folder of the site (default: lakeforge.docs.out, else docs/ under the lakehouse root).")
    Path out;

    private DocsSettings settings;

    @Override
    protected String jobName() {
        return "docs";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        settings = DocsSettings.from(config.config());
        if (out != null) {
            settings = settings.out(out);
        }
        settings.requireOut();
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        Stages.docs(context, run, settings);
    }
}
