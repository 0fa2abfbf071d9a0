package dev.lakeforge.quality;

import java.time.Duration;
import java.util.Optional;

/**
 * Table-level checks run after a table is written.
 *
 * @param minRowCountRatio the table may not shrink below this fraction of its row count before the run
 * @param maxRowCountRatio nor grow beyond this multiple of it (checked only when it had rows before)
 * @param uniqueKey        the primary key is unique among current rows
 * @param freshness        the newest event time is at most this old on the run date
 * @param action           warn or fail when a check does not pass
 */
public record TableChecks(Optional<Double> minRowCountRatio, Optional<Double> maxRowCountRatio, boolean uniqueKey,
                          Optional<Duration> freshness, Expectation.Action action) {
    public static TableChecks none() {
        return new TableChecks(Optional.empty(), Optional.empty(), false, Optional.empty(), Expectation.Action.WARN);
    }
}
