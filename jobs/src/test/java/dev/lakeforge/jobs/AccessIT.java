package dev.lakeforge.jobs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets and file access, from the packaged jar as users start it: a known secret handed to every command through
 * the environment never shows in anything they print (logs included), in the run records, in the configuration
 * listing or in an error about the database it was for; nothing the pipeline writes is writable by other accounts.
 */
class AccessIT {
    private static final Path PROJECT = Path.of(System.getProperty("test.project.dir")).toAbsolutePath();

    record Ran(int code, String output) {
    }

    private static Ran lakeforge(Path root, Map<String, String> env, String... args) throws Exception {
        // as users start it: bin/lakeforge (which uses the jar this build packaged)
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("bin/lakeforge").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--set", "lakehouse.root=" + root, "--set", "lakehouse.landing=" + PROJECT.resolve("data/sample"),
                "--set", "spark.shuffle-partitions=2", "--set", "models.business=[]"));
        Path log = Files.createTempFile("lakeforge-access", ".log");
        // started from a shell whose umask lets everyone write: the launcher must not pass that on
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "umask 000; exec \"$@\"", "lakeforge").directory(PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.command().addAll(cmd);
        pb.environment().put("LAKEFORGE_HOME", PROJECT.toString());
        pb.environment().put("LAKEFORGE_HEAP", "2g");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Ran(p.exitValue(), Files.readString(log));
    }

    @Test
    void aSecretNeverShowsAndNothingWrittenIsOpenToOtherAccounts() throws Exception {
        Path root = Files.createTempDirectory("lakeforge-access").resolve("lake");
        String secret = "S3cr3t-" + UUID.randomUUID();
        Map<String, String> env = Map.of("LAKEFORGE_SERVING_PASSWORD", secret, "LAKEFORGE_BI_PASSWORD", secret + "-bi");
        List<Ran> runs = new ArrayList<>();
        runs.add(lakeforge(root, env, "config"));
        // the day on the embedded default: lakehouse, SQLite serving file, data docs
        runs.add(lakeforge(root, env, "pipeline", "--set", "pipeline.stages=[ingest, refine, marts, publish, docs]"));
        // a serving database that is not there: publish fails, and its error must not carry the password
        runs.add(lakeforge(root, env, "publish", "--run-date", "2024-07-03", "--set", "serving.url=\"jdbc:postgresql://127.0.0.1:1/lakeforge\"",
                "--set", "serving.user=lakeforge_writer"));
        runs.add(lakeforge(root, env, "runs"));
        runs.add(lakeforge(root, env, "sql", "SELECT run_id, status, error_message FROM ops.job_runs"));
        assertThat(runs.get(0).code()).as(runs.get(0).output()).isZero();
        assertThat(runs.get(0).output()).contains("serving.password");
        assertThat(runs.get(1).code()).as(runs.get(1).output()).isZero();
        assertThat(runs.get(2).code()).as("publish to a database that is not there fails").isNotZero();
        assertThat(runs.get(2).output()).containsAnyOf("Connection refused", "connection", "Connection");
        assertThat(runs.get(3).output()).contains("FAILED");

        for (Ran r : runs) {
            assertThat(r.output()).as("command output").doesNotContain(secret);
        }
        // every text file the runs left (Delta logs, checkpoints' JSON, docs, logs) and the run records, read back above
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(secret);
            }
        }
        // nothing under the lakehouse writable by other accounts, whatever the umask of the shell that started it
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.toList()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                assertThat(perms).as(f + " " + java.nio.file.attribute.PosixFilePermissions.toString(perms))
                        .doesNotContain(PosixFilePermission.OTHERS_WRITE);
            }
        }
        assertThat(root.resolve("serving/lakeforge.db")).exists();
    }
}
