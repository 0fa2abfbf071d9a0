package dev.lakeforge.runs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** What one job invocation did: one row of {@code ops.job_runs}. */
public record RunRecord(String runId, String job, LocalDate runDate, Instant startedAt, Instant endedAt,
                        RunStatus status, String errorMessage, String configHash, String projectVersion,
                        String environment, List<TableAccess> tables, Map<String, Long> metrics) {

    public Duration duration() {
        return Duration.between(startedAt, endedAt == null ? Instant.now() : endedAt);
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }
}
