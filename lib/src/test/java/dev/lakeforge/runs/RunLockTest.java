package dev.lakeforge.runs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunLockTest {
    static final LocalDate DAY = LocalDate.of(2024, 7, 3);

    @TempDir
    Path root;

    RunLock lock() throws IOException {
        return RunLock.in(FileSystem.getLocal(new Configuration()), root.toString());
    }

    /** A lock file as another run left it. */
    void leaveLock(String runId, String host, long pid, Instant touched) throws IOException {
        Path file = root.resolve("_locks").resolve("pipeline@" + DAY + ".lock");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"run_id\":\"" + runId + "\",\"job\":\"pipeline\",\"run_date\":\"" + DAY + "\",\"host\":\"" + host
                + "\",\"pid\":" + pid + ",\"started_at\":\"2024-07-03T01:00:00Z\"}");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(touched));
    }

    @Test
    void aSecondRunOfTheSameJobAndDateFailsNamingTheFirst() throws IOException {
        assertThat(lock().holder("pipeline", DAY)).as("free").isEmpty();
        try (RunLock.Held first = lock().acquire("pipeline", DAY, "run-1")) {
            assertThat(first.abandoned()).isEmpty();
            assertThat(lock().holder("pipeline", DAY)).get().extracting(RunLock.Holder::runId, RunLock.Holder::pid)
                    .containsExactly("run-1", ProcessHandle.current().pid());
            assertThatThrownBy(() -> lock().acquire("pipeline", DAY, "run-2"))
                    .isInstanceOf(RunLock.LockedException.class)
                    .hasMessageContaining("Another pipeline run for 2024-07-03 is running: run run-1")
                    .hasMessageContaining("This run did nothing");
            // another date, another job: not locked
            try (RunLock.Held other = lock().acquire("pipeline", DAY.plusDays(1), "run-3");
                 RunLock.Held job = lock().acquire("ingest", DAY, "run-4")) {
                assertThat(other.holder().runId()).isEqualTo("run-3");
                assertThat(job.holder().runId()).isEqualTo("run-4");
            }
        }
        assertThat(lock().holder("pipeline", DAY)).as("released").isEmpty();
        try (RunLock.Held again = lock().acquire("pipeline", DAY, "run-5")) {
            assertThat(again.abandoned()).as("released, not abandoned").isEmpty();
        }
    }

    @Test
    void theLockOfAProcessThatIsGoneIsTakenOverAndItsRunReported() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        leaveLock("killed-run", InetAddress.getLocalHost().getHostName(), p.pid(), Instant.now());
        try (RunLock.Held held = lock().acquire("pipeline", DAY, "run-2")) {
            assertThat(held.abandoned()).get().extracting(RunLock.Holder::runId).isEqualTo("killed-run");
        }
    }

    @Test
    void aRunKilledBeforeItRecordedTheRunItReplacedPassesThatRunOn() throws Exception {
        Process first = new ProcessBuilder("true").start();
        first.waitFor();
        leaveLock("killed-first", InetAddress.getLocalHost().getHostName(), first.pid(), Instant.now());
        Path file = root.resolve("_locks").resolve("pipeline@" + DAY + ".lock");
        try (RunLock.Held second = lock().acquire("pipeline", DAY, "run-2")) {
            assertThat(second.abandonedRuns()).extracting(RunLock.Holder::runId).containsExactly("killed-first");
            assertThat(Files.readString(file)).as("the lock keeps the run it replaced").contains("\"replaced\"").contains("killed-first");
            // run-2 dies before it records killed-first: its lock file stays as it is, naming a process that is gone
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            String content = Files.readString(file).replace("\"pid\":" + ProcessHandle.current().pid(), "\"pid\":" + gone.pid());
            Files.writeString(file, content);
            Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc")); // Hadoop's checksum of the old content
            try (RunLock.Held third = lock().acquire("pipeline", DAY, "run-3")) {
                assertThat(third.abandonedRuns()).extracting(RunLock.Holder::runId).containsExactly("killed-first", "run-2");
                assertThat(third.abandoned()).get().extracting(RunLock.Holder::runId).isEqualTo("run-2");
            }
        }
        try (RunLock.Held fourth = lock().acquire("pipeline", DAY, "run-4")) {
            assertThat(fourth.abandonedRuns()).as("released by run-3: nothing abandoned").isEmpty();
            assertThat(Files.readString(file)).doesNotContain("replaced");
        }
    }

    @Test
    void aLockFromAnotherHostIsHonouredWhileFreshAndTakenOverWhenStale() throws IOException {
        leaveLock("remote-run", "another-host.example", 4242, Instant.now());
        assertThatThrownBy(() -> lock().staleAfter(Duration.ofMinutes(2)).acquire("pipeline", DAY, "run-2"))
                .isInstanceOf(RunLock.LockedException.class).hasMessageContaining("another-host.example");
        leaveLock("remote-run", "another-host.example", 4242, Instant.now().minus(Duration.ofMinutes(5)));
        try (RunLock.Held held = lock().staleAfter(Duration.ofMinutes(2)).acquire("pipeline", DAY, "run-2")) {
            assertThat(held.abandoned()).get().extracting(RunLock.Holder::host).isEqualTo("another-host.example");
        }
    }

    @Test
    void theHeartbeatKeepsALongRunsLockFresh() throws Exception {
        try (RunLock.Held held = lock().heartbeat(Duration.ofMillis(100)).staleAfter(Duration.ofMillis(800)).acquire("pipeline", DAY, "long")) {
            Thread.sleep(1_500); // longer than stale-after: only the heartbeat keeps it
            assertThatThrownBy(() -> lock().staleAfter(Duration.ofMillis(800)).acquire("pipeline", DAY, "run-2"))
                    .isInstanceOf(RunLock.LockedException.class);
        }
    }

    @Test
    void aHalfWrittenLockIsStaleOnlyByAge() throws IOException {
        Path file = root.resolve("_locks").resolve("pipeline@" + DAY + ".lock");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"run_id\":\"x\",\"jo");
        assertThatThrownBy(() -> lock().acquire("pipeline", DAY, "run-2")).isInstanceOf(RunLock.LockedException.class)
                .hasMessageContaining("is held");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
        try (RunLock.Held held = lock().acquire("pipeline", DAY, "run-2")) {
            assertThat(held.abandoned()).isEmpty();
        }
    }

    @Test
    void aLakehouseWideLockExcludesRunsOfEveryJobAndDate() throws IOException {
        assertThat(lock().holder("ingest")).as("free").isEmpty();
        try (RunLock.Held first = lock().acquireExclusive("ingest", "pipeline", DAY, "run-1")) {
            assertThat(lock().holder("ingest")).get().extracting(RunLock.Holder::runId, RunLock.Holder::job, RunLock.Holder::runDate)
                    .containsExactly("run-1", "pipeline", DAY);
            assertThatThrownBy(() -> lock().acquireExclusive("ingest", "ingest", DAY.plusDays(1), "run-2"))
                    .isInstanceOf(RunLock.LockedException.class)
                    .hasMessageContaining("Another run holds the ingest lock of this lakehouse: run run-1");
            // the per-date job locks are separate files
            try (RunLock.Held job = lock().acquire("ingest", DAY, "run-3")) {
                assertThat(job.holder().runId()).isEqualTo("run-3");
            }
        }
        assertThat(lock().holder("ingest")).as("released").isEmpty();
        try (RunLock.Held again = lock().acquireExclusive("ingest", "ingest", DAY.plusDays(1), "run-4")) {
            assertThat(again.abandonedRuns()).isEmpty();
        }
        assertThatThrownBy(() -> lock().acquireExclusive("../x", "ingest", DAY, "r")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobNamesCannotEscapeTheLockFolder() {
        assertThatThrownBy(() -> lock().acquire("../../etc/passwd", DAY, "r")).isInstanceOf(IllegalArgumentException.class);
    }
}
