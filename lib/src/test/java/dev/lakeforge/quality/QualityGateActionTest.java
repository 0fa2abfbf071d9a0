package dev.lakeforge.quality;

import dev.lakeforge.testing.SparkExtension;
import dev.lakeforge.testing.TestLakehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SparkExtension.class)
class QualityGateActionTest {
    static final LocalDate DAY = LocalDate.of(2024, 7, 2);

    @Test
    void passesFailsOrFindsNothingForTheRunDate(TestLakehouse t) {
        var lake = t.lakehouse();
        QualityResults results = new QualityResults(lake);
        assertThat(new QualityGateAction(lake).runDate(DAY).execute().passed()).as("no results at all").isFalse();

        results.append("run-1", DAY, List.of(
                new QualityResults.Result("silver.orders", "required:id", "required", "quarantine", false, 3, 100, null),
                new QualityResults.Result("silver.orders", "expectation:qty_positive", "expectation", "warn", false, 40, 100, null),
                new QualityResults.Result("silver.customers", "unique_key", "table", "fail", true, 0, 50, null)), null, 0);
        QualityGateAction.Verdict ok = new QualityGateAction(lake).runDate(DAY).execute();
        assertThat(ok.passed()).as(ok.summary()).isTrue();
        assertThat(ok.tables()).isEqualTo(2);
        assertThat(ok.checks()).isEqualTo(3);
        assertThat(ok.summary()).contains("passed").contains("3 checks on 2 tables");

        QualityGateAction.Verdict strict = new QualityGateAction(lake).runDate(DAY).maxFailedShare(0.02).execute();
        assertThat(strict.passed()).isFalse();
        assertThat(strict.violations()).singleElement().satisfies(v -> {
            assertThat(v.table()).isEqualTo("silver.orders");
            assertThat(v.check()).isEqualTo("required:id");
        });
        assertThat(strict.summary()).contains("silver.orders required:id (quarantine): refused 3 of 100 rows (3.0% > 2.0%)");

        // a later run of the same table on the same date replaces the earlier one's verdict
        results.append("run-2", DAY, List.of(
                new QualityResults.Result("silver.orders", "required:id", "required", "quarantine", false, 1, 100, null),
                new QualityResults.Result("silver.orders", "row_count_min_ratio", "table", "fail", false, 0, 100, "fell by 80%")), null, 0);
        QualityGateAction.Verdict later = new QualityGateAction(lake).runDate(DAY).maxFailedShare(0.02).execute();
        assertThat(later.violations()).extracting(QualityGateAction.Violation::check).containsExactly("row_count_min_ratio");
        assertThat(new QualityGateAction(lake).runDate(DAY.plusDays(1)).execute().summary()).contains("no quality results for run date 2024-07-03");
        assertThatThrownBy(() -> new QualityGateAction(lake).maxFailedShare(1.5)).hasMessageContaining("from 0 to 1");
    }
}
