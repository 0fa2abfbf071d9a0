package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Print the resolved configuration, secrets masked, with where each value came from.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Override
    public Integer call() {
        LoadedConfig loaded = globals.load();
        System.out.println("# layers read (later wins): " + String.join(" < ", loaded.layers())
                + " < environment variables < -D < --set");
        System.out.println("# configuration hash: " + loaded.hash());
        loaded.describeValues().forEach(System.out::println);
        return 0;
    }
}
