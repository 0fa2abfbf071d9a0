package dev.lakeforge.generate;

/**
 * How much dirt to inject: for each kind, the fraction of the clean rows of each affected file (of the rows the
 * kind applies to, e.g. rating events for a missing rating). Late corrections are a fraction of the day's order
 * lines (at least 3 per incremental batch when the rate is above zero); {@code newColumn} adds the
 * {@code promo_code} column to the order lines of the second incremental batch.
 */
public record DirtRates(double exactDuplicate, double nearDuplicate, double missingValue, double missingRequired,
                        double malformed, double typeError, double outOfRange, double unknownFk,
                        double lateCorrection, boolean newColumn) {

    public DirtRates {
        check("exactDuplicate", exactDuplicate);
        check("nearDuplicate", nearDuplicate);
        check("missingValue", missingValue);
        check("missingRequired", missingRequired);
        check("malformed", malformed);
        check("typeError", typeError);
        check("outOfRange", outOfRange);
        check("unknownFk", unknownFk);
        check("lateCorrection", lateCorrection);
        double sum = exactDuplicate + nearDuplicate + missingValue + missingRequired + malformed + typeError + outOfRange + unknownFk;
        if (sum > 0.5) {
            throw new IllegalArgumentException("Dirt rates add up to " + sum + "; at most 0.5 of the rows can be dirty");
        }
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 0.5)) {
            throw new IllegalArgumentException("Dirt rate " + name + " must be between 0 and 0.5, got " + rate);
        }
    }

    /** The documented defaults (docs/landing-data.md, section Dirt). */
    public static DirtRates defaults() {
        return new DirtRates(0.005, 0.003, 0.01, 0.002, 0.002, 0.002, 0.003, 0.003, 0.005, true);
    }

    /** Clean data: no dirt, no late corrections, no new column; {@code _dirt.csv} has only its header. */
    public static DirtRates none() {
        return new DirtRates(0, 0, 0, 0, 0, 0, 0, 0, 0, false);
    }

    /** The rate of a row-level kind; 0 for {@link DirtKind#NEW_COLUMN}. */
    public double rate(DirtKind kind) {
        return switch (kind) {
            case EXACT_DUPLICATE -> exactDuplicate;
            case NEAR_DUPLICATE -> nearDuplicate;
            case MISSING_VALUE -> missingValue;
            case MISSING_REQUIRED -> missingRequired;
            case MALFORMED -> malformed;
            case TYPE_ERROR -> typeError;
            case OUT_OF_RANGE -> outOfRange;
            case UNKNOWN_FK -> unknownFk;
            case LATE_CORRECTION -> lateCorrection;
            case NEW_COLUMN -> 0.0;
        };
    }

    /** A copy with one kind's rate changed (not for {@link DirtKind#NEW_COLUMN}; use {@link #withNewColumn}). */
    public DirtRates with(DirtKind kind, double rate) {
        return new DirtRates(
                kind == DirtKind.EXACT_DUPLICATE ? rate : exactDuplicate,
                kind == DirtKind.NEAR_DUPLICATE ? rate : nearDuplicate,
                kind == DirtKind.MISSING_VALUE ? rate : missingValue,
                kind == DirtKind.MISSING_REQUIRED ? rate : missingRequired,
                kind == DirtKind.MALFORMED ? rate : malformed,
                kind == DirtKind.TYPE_ERROR ? rate : typeError,
                kind == DirtKind.OUT_OF_RANGE ? rate : outOfRange,
                kind == DirtKind.UNKNOWN_FK ? rate : unknownFk,
                kind == DirtKind.LATE_CORRECTION ? rate : lateCorrection,
                newColumn);
    }

    public DirtRates withNewColumn(boolean on) {
        return new DirtRates(exactDuplicate, nearDuplicate, missingValue, missingRequired, malformed, typeError,
                outOfRange, unknownFk, lateCorrection, on);
    }
}
