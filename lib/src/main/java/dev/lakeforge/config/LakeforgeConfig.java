package dev.lakeforge.config;

import com.typesafe.config.Config;

import java.nio.file.Path;

/**
 * The whole configuration, typed and validated. Built once per job by {@link ConfigLoader}; every part of
 * Lakeforge takes the section it needs from here and never reads Typesafe Config directly (except for the
 * free-form sections — sources, models, publish — which have readers of their own).
 */
public record LakeforgeConfig(String environment, LakehouseSettings lakehouse, SparkSettings spark,
                              MetastoreSettings metastore, ServingSettings serving, RunsSettings runs,
                              RetrySettings retry, MaintenanceSettings maintenance, ModelsSettings models, Path home, Config raw) {

    /** Reads and validates; throws {@link ConfigurationException} naming every bad key. */
    public static LakeforgeConfig from(Config resolved, Path home) {
        ConfigReader r = new ConfigReader(resolved, home);
        LakeforgeConfig c = new LakeforgeConfig(
                r.nonEmptyString("lakeforge.environment"),
                LakehouseSettings.read(r),
                SparkSettings.read(r),
                MetastoreSettings.read(r),
                ServingSettings.read(r),
                RunsSettings.read(r),
                RetrySettings.read(r),
                MaintenanceSettings.read(r),
                ModelsSettings.read(r),
                home,
                resolved);
        r.throwIfProblems();
        return c;
    }

    public ConfigReader reader() {
        return new ConfigReader(raw, home);
    }
}
