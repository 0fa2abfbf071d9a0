package dev.lakeforge.config;

import java.util.Optional;

/**
 * The Hive metastore behind Spark's catalog.
 *
 * @param type         derby (embedded, inside the lakehouse), jdbc (external database) or in-memory
 * @param derbyDir     folder of the embedded Derby database
 * @param warehouseDir warehouse folder for managed tables
 * @param jdbcUrl      external metastore database URL (type jdbc)
 * @param jdbcDriver   JDBC driver class of that database
 * @param jdbcUser     user of that database
 * @param jdbcPassword password, only ever from an environment variable
 */
public record MetastoreSettings(String type, String derbyDir, String warehouseDir, String jdbcUrl, String jdbcDriver,
                                String jdbcUser, Optional<String> jdbcPassword) {
    public static final String DERBY = "derby";
    public static final String JDBC = "jdbc";
    public static final String IN_MEMORY = "in-memory";

    static MetastoreSettings read(ConfigReader r) {
        String type = r.oneOf("lakeforge.metastore.type", DERBY, JDBC, IN_MEMORY);
        String url = r.string("lakeforge.metastore.jdbc.url");
        if (JDBC.equals(type) && !url.startsWith("jdbc:")) {
            r.problem("lakeforge.metastore.jdbc.url", r.describe("lakeforge.metastore.jdbc.url"),
                    "a JDBC URL such as jdbc:postgresql://host:5432/metastore when metastore.type = jdbc");
        }
        return new MetastoreSettings(type, r.location("lakeforge.metastore.derby-dir"),
                r.location("lakeforge.metastore.warehouse-dir"), url, r.string("lakeforge.metastore.jdbc.driver"),
                r.string("lakeforge.metastore.jdbc.user"), r.secret("lakeforge.metastore.jdbc.password"));
    }

    @Override
    public String toString() {
        return "MetastoreSettings[type=" + type + ", derbyDir=" + derbyDir + ", warehouseDir=" + warehouseDir
                + ", jdbcUrl=" + jdbcUrl + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword.isPresent() ? Secrets.MASK : "unset") + "]";
    }
}
