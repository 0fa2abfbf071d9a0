package dev.lakeforge.jobs;

import dev.lakeforge.quality.QualityGateAction;
import dev.lakeforge.runs.JobRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quality-gate", mixinStandardHelpOptions = true,
        description = "Fail (exit 1) when the run date's data quality is not good enough to build on: a failed 'fail' check, a"
                + " quarantine or fail check refusing more than --max-failed-share of its rows, or no quality results for the date at all"
                + " (refine did not run). Schedulers put it between refine and the marts.")
final class QualityGateCommand extends JobCommand {
    @Option(names = "--max-failed-share", paramLabel = "SHARE", defaultValue = "0.05",
            description = "The most a quarantine or fail check may refuse of its rows, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double maxFailedShare;

    @Override
    protected String jobName() {
        return "quality-gate";
    }

    @Override
    protected boolean runDateFromLanding() {
        return true;
    }

    @Override
    protected void validate(dev.lakeforge.config.LoadedConfig config) {
        try {
            QualityGateAction.checkShare(maxFailedShare);  // before Spark starts
        } catch (IllegalArgumentException e) {
            throw new dev.lakeforge.config.ConfigurationException("--max-failed-share", String.valueOf(maxFailedShare), "a share from 0 to 1");
        }
    }

    @Override
    protected void run(JobContext context, JobRun run) {
        QualityGateAction.Verdict v = new QualityGateAction(context.lakehouse()).runDate(context.runDate()).maxFailedShare(maxFailedShare).execute();
        run.count("gate_tables", v.tables());
        run.count("gate_checks", v.checks());
        run.count("gate_violations", v.violations().size());
        for (QualityGateAction.Violation x : v.violations()) {
            System.out.printf(java.util.Locale.ROOT, "  FAILED %-28s %-36s %-10s %,10d of %,10d  %s%n", x.table(), x.check(), x.action(),
                    x.failedRows(), x.totalRows(), x.why());
        }
        System.out.println("  " + v.summary());
        if (!v.passed()) {
            throw new IllegalStateException(v.summary());
        }
    }
}
