package dev.lakeforge.spark;

import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.config.MetastoreSettings;
import dev.lakeforge.config.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.Map;

/**
 * Starts (or joins) the SparkSession a job runs in: Delta's SQL extension and catalog, the Hive catalog
 * backed by the configured metastore, and the settings from configuration.
 * <p>
 * Under {@code spark-submit} the master and every setting given there are kept: configuration only fills in
 * what is missing.
 */
public final class SparkSessionFactory {
    static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessionFactory.class);

    private SparkSessionFactory() {
    }

    public static SparkSession create(LakeforgeConfig config) {
        SparkConf conf = sparkConf(config, new SparkConf(true));
        if (MetastoreSettings.DERBY.equals(config.metastore().type())) {
            // derby.log and the Derby system folder go inside the lakehouse, not into the working directory.
            new File(config.metastore().derbyDir()).mkdirs();
            System.setProperty("derby.system.home", config.metastore().derbyDir());
        }
        SparkSession.Builder builder = SparkSession.builder().config(conf);
        if (!MetastoreSettings.IN_MEMORY.equals(config.metastore().type())) {
            builder = builder.enableHiveSupport();
        }
        SparkSession spark = builder.getOrCreate();
        LOG.info("Spark {} session on {} (application {}), lakehouse at {}", spark.version(),
                spark.sparkContext().master(), spark.sparkContext().applicationId(), config.lakehouse().root());
        return spark;
    }

    /**
     * The Spark settings Lakeforge asks for, laid under what is already in {@code base} (spark-submit's settings
     * arrive as system properties and are loaded by {@code new SparkConf(true)}).
     */
    public static SparkConf sparkConf(LakeforgeConfig config, SparkConf base) {
        SparkSettings s = config.spark();
        SparkConf conf = base.clone();
        conf.setIfMissing("spark.master", s.master());
        conf.setIfMissing("spark.app.name", s.appName());
        conf.setIfMissing("spark.sql.shuffle.partitions", String.valueOf(s.shufflePartitions()));
        conf.setIfMissing("spark.sql.session.timeZone", "UTC");
        for (Map.Entry<String, String> e : s.conf().entrySet()) {
            conf.setIfMissing(e.getKey(), e.getValue());
        }

        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(DELTA_EXTENSION)) {
            conf.set("spark.sql.extensions", extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        conf.setIfMissing("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
        // lakehouse files and folders: no write (nor read) access for other accounts on the machine
        conf.setIfMissing("spark.hadoop.fs.permissions.umask-mode", "027");

        MetastoreSettings m = config.metastore();
        conf.setIfMissing("spark.sql.warehouse.dir", m.warehouseDir());
        switch (m.type()) {
            case MetastoreSettings.IN_MEMORY -> conf.setIfMissing("spark.sql.catalogImplementation", "in-memory");
            case MetastoreSettings.DERBY -> {
                conf.setIfMissing("spark.sql.catalogImplementation", "hive");
                conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionURL",
                        "jdbc:derby:;databaseName=" + new File(m.derbyDir(), "metastore_db").getAbsolutePath() + ";create=true");
                conf.setIfMissing("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
                conf.setIfMissing("spark.hadoop.hive.metastore.schema.verification", "false");
            }
            case MetastoreSettings.JDBC -> {
                conf.setIfMissing("spark.sql.catalogImplementation", "hive");
                conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionURL", m.jdbcUrl());
                conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionDriverName", m.jdbcDriver());
                conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionUserName", m.jdbcUser());
                m.jdbcPassword().ifPresent(p -> conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionPassword", p));
                // With PostgreSQL, DataNucleus' autoCreateAll hangs creating constraints: create tables and columns only.
                conf.setIfMissing("spark.hadoop.datanucleus.schema.autoCreateTables", "true");
                conf.setIfMissing("spark.hadoop.datanucleus.schema.autoCreateColumns", "true");
                conf.setIfMissing("spark.hadoop.datanucleus.schema.autoCreateConstraints", "false");
                conf.setIfMissing("spark.hadoop.hive.metastore.schema.verification", "false");
            }
            default -> throw new IllegalStateException("metastore type " + m.type());
        }
        return conf;
    }

    /** True when spark-submit (or the caller) already chose a master. */
    public static boolean masterGivenByLauncher() {
        return new SparkConf(true).contains("spark.master");
    }
}
