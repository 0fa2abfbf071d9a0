package dev.lakeforge.config;

/**
 * Where the lakehouse lives.
 *
 * @param root    absolute path or URI of the lakehouse root (bronze/, silver/, gold/, ops/, models/ under it)
 * @param landing absolute path or URI of the folder raw exports land in
 */
public record LakehouseSettings(String root, String landing) {
    static LakehouseSettings read(ConfigReader r) {
        return new LakehouseSettings(r.location("lakeforge.lakehouse.root"), r.location("lakeforge.lakehouse.landing"));
    }
}
