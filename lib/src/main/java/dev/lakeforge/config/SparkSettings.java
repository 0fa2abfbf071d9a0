package dev.lakeforge.config;

import java.util.Map;

/**
 * How Lakeforge starts Spark when it starts it itself. Under spark-submit, what spark-submit set wins.
 *
 * @param appName           application name shown in the Spark UI and history server
 * @param master            master URL, e.g. local[*], spark://host:7077, yarn, k8s://…
 * @param shufflePartitions spark.sql.shuffle.partitions
 * @param conf              further Spark settings, applied only when not already set
 */
public record SparkSettings(String appName, String master, int shufflePartitions, Map<String, String> conf) {
    static SparkSettings read(ConfigReader r) {
        String master = r.nonEmptyString("lakeforge.spark.master");
        if (!master.isBlank() && !master.matches("local(\\[(\\*|\\d+)(,\\d+)?])?|spark://.+|yarn|k8s://.+|mesos://.+")) {
            r.problem("lakeforge.spark.master", r.describe("lakeforge.spark.master"),
                    "a Spark master URL: local[*], local[N], spark://host:port, yarn or k8s://https://host:port");
        }
        return new SparkSettings(
                r.nonEmptyString("lakeforge.spark.app-name"),
                master,
                r.intInRange("lakeforge.spark.shuffle-partitions", 1, 100_000),
                Map.copyOf(r.stringMap("lakeforge.spark.conf")));
    }
}
