package dev.lakeforge.testing;

import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** A fresh lakehouse root for one test, its configuration, and the shared session. */
public record TestLakehouse(SparkSession spark, Path root, LoadedConfig loaded) {
    public Lakehouse lakehouse() {
        return Lakehouse.of(spark, loaded.config());
    }
}
