package dev.lakeforge.ingest;

import dev.lakeforge.quality.Expectation;
import dev.lakeforge.quality.Reference;
import dev.lakeforge.quality.TableChecks;
import org.apache.spark.sql.types.StructType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One source as configured in {@code lakeforge.sources.<name>}: how to read it, its schema and key, and how
 * its silver table is refined and checked. Adding a source is adding one of these to configuration.
 *
 * @param name             source name; also the table name in bronze, silver and quarantine
 * @param format           csv, json, parquet or jdbc
 * @param path             glob relative to the landing folder (file formats)
 * @param options          reader options (csv: delimiter; jdbc: url, dbtable or query, user)
 * @param passwordEnv      jdbc: environment variable holding the password
 * @param schema           declared columns and types (Spark DDL)
 * @param primaryKey       key columns
 * @param eventTime        column ordering versions of a record (latest wins)
 * @param required         columns that must not be missing (else quarantine)
 * @param schemaEvolution  add-columns (a new column evolves the bronze table) or fail
 * @param silverMode       upsert (MERGE on the key, latest event wins), scd2 (history with valid_from/to) or append
 * @param partitionBy      silver partition columns (also used to prune MERGE)
 * @param trimStrings      trim every string column
 * @param lowerCase        columns lower-cased
 * @param upperCase        columns upper-cased
 * @param units            unit standardisation rules
 * @param formats          date/timestamp patterns for columns not in ISO-8601 (column → pattern, e.g. MMM d yyyy)
 * @param flagMissing      optional columns whose missing values are flagged (kept, with a warning flag)
 * @param expectations     row-level expectations
 * @param references       referential checks against other tables
 * @param checks           table-level checks
 * @param zorderBy         columns to Z-order silver by when maintaining
 */
public record SourceSpec(String name, String format, String path, Map<String, String> options, Optional<String> passwordEnv,
                         StructType schema, List<String> primaryKey, String eventTime, List<String> required,
                         String schemaEvolution, String silverMode, List<String> partitionBy, boolean trimStrings,
                         List<String> lowerCase, List<String> upperCase, List<UnitRule> units, Map<String, String> formats,
                         List<String> flagMissing,
                         List<Expectation> expectations, List<Reference> references, TableChecks checks,
                         List<String> zorderBy) {

    public static final String CSV = "csv";
    public static final String JSON = "json";
    public static final String PARQUET = "parquet";
    public static final String JDBC = "jdbc";

    public boolean isFileFormat() {
        return !JDBC.equals(format);
    }

    public boolean evolves() {
        return "add-columns".equals(schemaEvolution);
    }

    public List<String> columns() {
        return List.of(schema.fieldNames());
    }

    /**
     * A unit rule: values of {@code column} measured in the unit named by {@code unitColumn} are converted to
     * {@code target} with the given factors (value × factor), and the unit column is set to the target.
     */
    public record UnitRule(String column, String unitColumn, String target, Map<String, Double> factors) {
    }
}
