package dev.lakeforge.generate;

import java.util.Locale;

/**
 * The kinds of dirt the generator injects into the landing files, each with what Lakeforge is expected to do
 * with such a row. Every injected line is listed in {@code _dirt.csv} with exactly one kind.
 */
public enum DirtKind {
    /** An identical copy of an earlier line of the same file, emitted later in that file (the copy is the dirty line). */
    EXACT_DUPLICATE("removed at refine (deduplication)"),
    /** A copy of an earlier record (same key, same updated_at) that differs only in padding whitespace and e-mail case. */
    NEAR_DUPLICATE("removed at refine (deduplication after trimming and lower-casing e-mail)"),
    /** An optional column left empty. */
    MISSING_VALUE("kept and flagged at refine"),
    /** A required column left empty. */
    MISSING_REQUIRED("quarantined at refine with the reason"),
    /** A line that cannot be parsed (wrong field count, unterminated quote, invalid JSON); always one physical line. */
    MALFORMED("rejected at ingest (bronze rejects)"),
    /** A value of the wrong type in a typed column ({@code abc}, {@code 12,5}, {@code 2024-13-45}, {@code yesterday}). */
    TYPE_ERROR("quarantined at refine with the reason"),
    /** A value outside its valid range (quantity <= 0, discount outside 0..100, price <= 0, defects > produced, rating outside 1..5). */
    OUT_OF_RANGE("quarantined at refine with the reason"),
    /** A foreign key that references no existing row. */
    UNKNOWN_FK("quarantined at refine with the reason"),
    /** Not an error: an earlier record re-sent with the same key, a newer updated_at and changed values. */
    LATE_CORRECTION("applied at refine (the latest updated_at wins)"),
    /** Not an error: an extra last column in a file of a later batch (listed once, header line 1). */
    NEW_COLUMN("the bronze table schema evolves");

    private final String handling;

    DirtKind(String handling) {
        this.handling = handling;
    }

    /** The name used in {@code _dirt.csv} and {@code _manifest.json}, e.g. {@code exact_duplicate}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What Lakeforge is expected to do with a line of this kind. */
    public String expectedHandling() {
        return handling;
    }

    /** Whether the kind describes a data line (every kind but {@link #NEW_COLUMN}, which describes the header). */
    public boolean isDataLine() {
        return this != NEW_COLUMN;
    }

    public static DirtKind fromCode(String code) {
        for (DirtKind k : values()) {
            if (k.code().equals(code)) {
                return k;
            }
        }
        throw new IllegalArgumentException("Unknown dirt kind '" + code + "'");
    }
}
