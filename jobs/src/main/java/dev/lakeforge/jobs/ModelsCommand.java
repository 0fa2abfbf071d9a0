package dev.lakeforge.jobs;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.ml.ModelRegistry;
import dev.lakeforge.ml.RegisteredModel;
import dev.lakeforge.spark.SparkSessionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "models", mixinStandardHelpOptions = true, description = "List registered models: versions, aliases, primary metric against the baseline.")
final class ModelsCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions globals;

    @Override
    public Integer call() {
        LoadedConfig loaded = globals.load();
        List<RegisteredModel> models = new ModelRegistry(Lakehouse.of(SparkSessionFactory.create(loaded.config()), loaded.config())).list();
        if (models.isEmpty()) {
            System.out.println("No models registered yet (lakeforge train --spec FILE).");
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-24s %7s %-15s %-10s %-12s %10s %10s  %s%n", "model", "version", "task", "alias", "metric", "value",
                "baseline", "path");
        for (RegisteredModel m : models) {
            Double v = m.metrics().get(m.primaryMetric());
            Double b = m.baseline().get(m.primaryMetric());
            System.out.printf(Locale.ROOT, "%-24s %7d %-15s %-10s %-12s %10.4f %10s  %s%n", m.name(), m.version(), m.task(), m.alias(),
                    m.primaryMetric(), v, b == null ? "" : String.format(Locale.ROOT, "%.4f", b), m.path());
        }
        return 0;
    }
}
