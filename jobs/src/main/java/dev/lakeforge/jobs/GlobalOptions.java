package dev.lakeforge.jobs;

import dev.lakeforge.config.ConfigLoader;
import dev.lakeforge.config.LoadedConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Options every command takes. */
public final class GlobalOptions {
    @Option(names = "--conf", paramLabel = "FILE",
            description = "Application configuration file (default: conf/application.conf under the project home).")
    Path conf;

    @Option(names = "--env", paramLabel = "NAME",
            description = "Environment overlay conf/env/NAME.conf (default: $LAKEFORGE_ENV, else none).")
    String env;

    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = "The business date this run is for (default: for data jobs the newest batch in the landing folder"
                    + " up to today, else today, UTC). Re-running a date is idempotent.")
    LocalDate runDate;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set spark.shuffle-partitions=8 (repeatable; 'lakeforge.' may be left out).")
    List<String> sets = new ArrayList<>();

    /** The project home: $LAKEFORGE_HOME (bin/lakeforge sets it), else the working directory. */
    static Path home() {
        String home = System.getenv("LAKEFORGE_HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("lakeforge.home", "");
        }
        return home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home).toAbsolutePath();
    }

    LoadedConfig load() {
        ConfigLoader loader = ConfigLoader.create().home(home()).environment(env).overrides(sets);
        if (conf != null) {
            loader.confFile(conf);
        }
        LoadedConfig loaded = loader.load();
        loaded.warnings().forEach(w -> System.err.println("WARNING: " + w));
        return loaded;
    }

    LocalDate runDate() {
        return runDate != null ? runDate : today();
    }

    static LocalDate today() {
        return LocalDate.now(java.time.ZoneOffset.UTC);
    }

    /** These options as command-line arguments, to hand to another Lakeforge process. */
    List<String> asArguments() {
        List<String> out = new ArrayList<>();
        if (conf != null) {
            out.add("--conf");
            out.add(conf.toAbsolutePath().toString());
        }
        if (env != null) {
            out.add("--env");
            out.add(env);
        }
        for (String s : sets) {
            out.add("--set");
            out.add(s);
        }
        return out;
    }
}
