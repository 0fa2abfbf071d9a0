package dev.lakeforge.config;

/**
 * Run records.
 *
 * @param table     lakehouse table of run records, layer.table
 * @param listLimit default number of runs `lakeforge runs` lists
 */
public record RunsSettings(String table, int listLimit) {
    static RunsSettings read(ConfigReader r) {
        return new RunsSettings(r.qualifiedTable("lakeforge.runs.table"), r.intInRange("lakeforge.runs.list-limit", 1, 10_000));
    }
}
