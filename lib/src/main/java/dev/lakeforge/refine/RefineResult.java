package dev.lakeforge.refine;

/**
 * What refining one source did in a run. Rows in = quarantined + duplicates + superseded + inserted + updated
 * (+ versions appended for SCD2); every bronze row is accounted for.
 *
 * @param source         source name
 * @param rowsIn         bronze rows new since the last refine
 * @param quarantined    rows moved to quarantine.&lt;source&gt; with their reasons
 * @param duplicates     exact or near duplicates (same record after standardisation) and rows already in silver
 * @param superseded     older versions of a record replaced by a newer one (upsert), or collapsed within the batch
 * @param inserted       new rows in silver (new keys, or new versions for SCD2)
 * @param updated        silver rows replaced by a newer version (upsert) or closed (SCD2)
 * @param warned         kept rows carrying at least one warning flag
 * @param silverRows     silver row count after the run
 * @param silverVersion  silver Delta version after the run (-1 if none)
 * @param bronzeVersion  last bronze version refined
 */
public record RefineResult(String source, long rowsIn, long quarantined, long duplicates, long superseded, long inserted,
                           long updated, long warned, long silverRows, long silverVersion, long bronzeVersion) {
    /** Rows of this run that did not become silver rows. */
    public long removed() {
        return duplicates + superseded;
    }
}
