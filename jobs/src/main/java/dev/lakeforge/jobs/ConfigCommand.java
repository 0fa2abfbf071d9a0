package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import picocli.CommandLine.Command;
import dev.lakeforge.pipeline.ConfigCheck;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Print the resolved configuration, secrets masked, with where each value came from;"
        + " with --check, check everything a pipeline run reads (sources, publish settings, business model files) without starting Spark.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Option(names = "--check", description = "Read and check the sources, every business model file, and the publish and docs settings when"
            + " their stages are in lakeforge.pipeline.stages, as the pipeline does before Spark starts; report every problem at once"
            + " (exit code 2) or what was checked (exit code 0). Prints no values.")
    boolean check;

    @Override
    public Integer call() {
        LoadedConfig loaded = globals.load();
        if (check) {
            ConfigCheck.Result checked = ConfigCheck.run(loaded.config());
            System.out.println("configuration is valid (layers: " + String.join(" < ", loaded.layers()) + ")"
                    + (loaded.warnings().isEmpty() ? "" : ", with the warnings printed above") + ":");
            checked.warnings().forEach(w -> System.out.println("  warning: " + w));
            for (ConfigCheck.Checked c : checked.parts()) {
                System.out.printf(Locale.ROOT, "  %-17s %2d  %s%n", c.part(), c.items().size(), String.join(", ", c.items()));
            }
            return 0;
        }
        System.out.println("# layers read (later wins): " + String.join(" < ", loaded.layers())
                + " < environment variables < -D < --set");
        System.out.println("# configuration hash: " + loaded.hash());
        loaded.describeValues().forEach(System.out::println);
        return 0;
    }
}
