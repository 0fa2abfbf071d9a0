package dev.lakeforge.quality;

import java.util.List;

/** A {@code fail} expectation or table check did not pass: the run stops and commits nothing. */
public class QualityFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<QualityResults.Result> failures;

    public QualityFailedException(List<QualityResults.Result> failures) {
        super("Data quality check(s) with action = fail did not pass; nothing was committed: " + failures.stream()
                .map(f -> f.table() + "." + f.check() + " (" + f.failedRows() + " of " + f.totalRows() + " rows"
                        + (f.details() == null ? "" : "; " + f.details()) + ")").toList());
        this.failures = List.copyOf(failures);
    }

    public List<QualityResults.Result> failures() {
        return failures;
    }
}
