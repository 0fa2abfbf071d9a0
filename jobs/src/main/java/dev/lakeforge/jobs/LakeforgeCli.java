package dev.lakeforge.jobs;

import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.runs.JobRunner;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * {@code lakeforge <command> [options]}. Exit codes: 0 success, 1 job failed, 2 usage or configuration error.
 */
@Command(name = "lakeforge", mixinStandardHelpOptions = true, versionProvider = LakeforgeCli.Version.class,
        description = "Lakeforge: raw enterprise and market data into a Delta lakehouse, models on it, results for BI.",
        subcommands = {PipelineCommand.class, GenerateCommand.class, IngestCommand.class, RefineCommand.class, MartsCommand.class,
                QualityCommand.class, ShowCommand.class, MaintainCommand.class, TrainCommand.class, ScoreCommand.class,
                ModelsCommand.class, PredictCommand.class, PlanCommand.class, PublishCommand.class, DocsCommand.class, SqlCommand.class, QualityGateCommand.class, BenchCommand.class, BenchLakehouseCommand.class, BenchMlCommand.class, BenchBaselineCommand.class, RunsCommand.class, ConfigCommand.class, CliSpecCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 job failed, 2 usage or configuration error.",
                "Configuration: conf/application.conf < conf/env/<env>.conf < LAKEFORGE_* env vars < -D < --set."})
public final class LakeforgeCli implements Runnable {
    public static final int OK = 0;
    public static final int JOB_FAILED = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        // Spark's Netty needs this before it loads; the launcher passes it too, `java -jar` alone may not.
        System.setProperty("io.netty.tryReflectionSetAccessible",
                System.getProperty("io.netty.tryReflectionSetAccessible", "true"));
        int code = run(args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs a command line and returns its exit code (without stopping Spark or exiting). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LakeforgeCli());
        cl.registerConverter(LocalDate.class, s -> {
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a date YYYY-MM-DD");
            }
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigurationException) {
                err.println(ex.getMessage());
                return USAGE;
            }
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println(pe.getMessage());
                pe.getCommandLine().usage(err);
                return USAGE;
            }
            err.println("lakeforge " + commandLine.getCommandName() + " failed: " + ex);
            ex.printStackTrace(err);
            return JOB_FAILED;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            java.util.Properties p = new java.util.Properties();
            try (var in = LakeforgeCli.class.getResourceAsStream("/dev/lakeforge/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (java.io.IOException ignored) {
                // versions shown as unknown
            }
            return new String[]{"lakeforge " + JobRunner.projectVersion(), "Spark " + p.getProperty("spark.version", "unknown")
                    + ", Delta Lake " + p.getProperty("delta.version", "unknown") + ", Java " + System.getProperty("java.version")};
        }
    }
}
