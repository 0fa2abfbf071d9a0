package dev.lakeforge.jobs;

import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.config.LoadedConfig;
import dev.lakeforge.lake.Lakehouse;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;

/** What a job body gets: configuration, session, lakehouse and run date. */
public record JobContext(LoadedConfig loaded, SparkSession spark, Lakehouse lakehouse, LocalDate runDate) {
    public LakeforgeConfig config() {
        return loaded.config();
    }
}
