package dev.lakeforge.config;

/**
 * Where the lakehouse lives.
 *
 * @param root        absolute path or URI of the lakehouse root (bronze/, silver/, gold/, ops/, models/ under it)
 * @param landing     absolute path or URI of the folder raw exports land in
 * @param parallelism how many sources ingest and refine work on at once (1: one after the other)
 */
public record LakehouseSettings(String root, String landing, int parallelism) {
    public LakehouseSettings(String root, String landing) {
        this(root, landing, 1);
    }

    static LakehouseSettings read(ConfigReader r) {
        return new LakehouseSettings(r.location("lakeforge.lakehouse.root"), r.location("lakeforge.lakehouse.landing"),
                r.intInRange("lakeforge.lakehouse.parallelism", 1, 64));
    }
}
