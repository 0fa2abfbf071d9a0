package dev.lakeforge.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors of {@code bench-ml}: all found before Spark starts. */
class BenchMlCommandTest {

    @Test
    void badSizesAndFamiliesAreUsageErrors() {
        CliRunner.Result sizes = CliRunner.raw(cl -> { }, "bench-ml", "--sizes", "10K,12");
        assertThat(sizes.exitCode()).isEqualTo(2);
        assertThat(sizes.err()).contains("--sizes: Invalid size '12'");

        CliRunner.Result families = CliRunner.raw(cl -> { }, "bench-ml", "--families", "linear,svm");
        assertThat(families.exitCode()).isEqualTo(2);
        assertThat(families.err()).contains("unknown family 'svm'").contains("random-forest");
    }

    @Test
    void aMissingPythonNamesThePackagesToInstall() {
        CliRunner.Result r = CliRunner.raw(cl -> { }, "bench-ml", "--python", "/nonexistent/python3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--python").contains("apt-get install -y python3-sklearn").contains("--skip-sklearn");
    }
}
