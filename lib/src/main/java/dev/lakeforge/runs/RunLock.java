package dev.lakeforge.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run at a time per job and run date: a lock file in the lakehouse ({@code _locks/<job>@<date>.lock}) created
 * atomically (create without overwrite: atomic on local disks and HDFS), holding who runs — run id, host, process,
 * start — and touched every {@code heartbeat} while the run lives.
 * <pre>
 *   try (RunLock.Held lock = RunLock.in(fs, root).acquire("pipeline", date, runId)) { ... }
 * </pre>
 * A second run of the same job and date fails at once with {@link LockedException}, which names the holder. A
 * lock left by a run that died (killed, machine lost) is taken over: when its process is gone from this host, or
 * when its heartbeat is older than {@code staleAfter}; {@link Held#abandoned()} then tells the new run whose run
 * ended without a record, so it can record it as failed.
 * <p>
 * On object stores without atomic create (S3) two schedulers can still both win; run one scheduler per lakehouse
 * there (the deployment guide says so). Delta's own conflict checks still keep each table consistent.
 */
public final class RunLock {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path dir;
    private Duration staleAfter = Duration.ofMinutes(2);
    private Duration heartbeat = Duration.ofSeconds(20);
    private Clock clock = Clock.systemUTC();

    private RunLock(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** Locks kept under {@code <root>/_locks}. */
    public static RunLock in(FileSystem fs, String root) {
        return new RunLock(fs, new Path(root.endsWith("/") ? root + "_locks" : root + "/_locks"));
    }

    /** A lock whose heartbeat is older than this belongs to a run that died (default 2 minutes). */
    public RunLock staleAfter(Duration d) {
        this.staleAfter = d;
        return this;
    }

    /** How often a live run touches its lock (default 20 s; keep it well under {@link #staleAfter}). */
    public RunLock heartbeat(Duration d) {
        this.heartbeat = d;
        return this;
    }

    public RunLock clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Who holds (or held) a lock. */
    public record Holder(String runId, String job, LocalDate runDate, String host, long pid, Instant startedAt) {
        public String describe() {
            return "run " + runId + " (started " + startedAt + " on " + host + ", process " + pid + ")";
        }
    }

    /** Another run of the same job and run date holds the lock. */
    public static final class LockedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient Holder holder;

        LockedException(String message, Holder holder) {
            super(message);
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** A lock this run holds; closing releases it. */
    public final class Held implements AutoCloseable {
        private final Path file;
        private final Holder holder;
        private final Holder abandoned;
        private final ScheduledExecutorService beat;

        private Held(Path file, Holder holder, Holder abandoned) {
            this.file = file;
            this.holder = holder;
            this.abandoned = abandoned;
            this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lakeforge-lock-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(10, heartbeat.toMillis());
            beat.scheduleAtFixedRate(this::touch, ms, ms, TimeUnit.MILLISECONDS);
        }

        /** The run whose lock this one took over: it died without finishing (empty when the lock was free). */
        public Optional<Holder> abandoned() {
            return Optional.ofNullable(abandoned);
        }

        public Holder holder() {
            return holder;
        }

        private void touch() {
            try {
                fs.setTimes(file, clock.millis(), -1);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not touch the run lock {}: {}", file, e.toString());
            }
        }

        @Override
        public void close() {
            beat.shutdownNow();
            try {
                Optional<Holder> now = read(file);
                if (now.isPresent() && now.get().runId().equals(holder.runId())) {
                    fs.delete(file, false);
                }
            } catch (IOException e) {
                LOG.warn("Could not release the run lock {} (the next run takes it over once it is stale): {}", file, e.toString());
            }
        }
    }

    /** Takes the lock of this job and run date, or fails naming the run that holds it. */
    public Held acquire(String job, LocalDate runDate, String runId) {
        if (!job.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Not a job name: '" + job + "'");
        }
        Path file = new Path(dir, job + "@" + runDate + ".lock");
        Holder me = new Holder(runId, job, runDate, host(), ProcessHandle.current().pid(), clock.instant());
        Holder abandoned = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(file, me)) {
                return new Held(file, me, abandoned);
            }
            Optional<Holder> other;
            long touched;
            try {
                other = read(file);
                touched = fs.getFileStatus(file).getModificationTime();
            } catch (FileNotFoundException e) {
                continue; // released meanwhile: try again
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the run lock " + file, e);
            }
            String why = stale(other, touched);
            if (why == null) {
                Holder h = other.orElse(null);
                throw new LockedException("Another " + job + " run for " + runDate + " is running: "
                        + (h == null ? "the lock " + file + " is held" : h.describe())
                        + ". This run did nothing. Wait for it to finish; if that process is gone, its lock is taken over "
                        + "after " + staleAfter.toSeconds() + " s without a heartbeat (" + file + ").", h);
            }
            LOG.warn("Taking over the run lock {}: {}", file, why);
            abandoned = other.orElse(null);
            try {
                fs.delete(file, false);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the stale run lock " + file, e);
            }
        }
        throw new LockedException("Could not take the run lock " + file + " after 3 attempts: another run keeps taking it", null);
    }

    /** Why the lock of {@code holder}, last touched at {@code touched}, belongs to a dead run; null when it is live. */
    private String stale(Optional<Holder> holder, long touched) {
        if (holder.isPresent() && holder.get().host().equals(host()) && holder.get().pid() != ProcessHandle.current().pid()
                && ProcessHandle.of(holder.get().pid()).map(p -> !p.isAlive()).orElse(true)) {
            return holder.get().describe() + " ended without releasing it (its process is gone)";
        }
        Duration age = Duration.ofMillis(Math.max(0, clock.millis() - touched));
        if (age.compareTo(staleAfter) > 0) {
            return (holder.map(Holder::describe).orElse("an unreadable lock")) + " has not been touched for " + age.toSeconds() + " s";
        }
        return null;
    }

    private boolean create(Path file, Holder me) {
        ObjectNode n = JSON.createObjectNode();
        n.put("run_id", me.runId()).put("job", me.job()).put("run_date", me.runDate().toString()).put("host", me.host())
                .put("pid", me.pid()).put("started_at", me.startedAt().toString());
        try {
            fs.mkdirs(dir);
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write(JSON.writeValueAsBytes(n));
            }
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fileExists(file)) {
                return false; // some file systems report an existing file with a plain IOException
            }
            throw new UncheckedIOException("Cannot create the run lock " + file, e);
        }
    }

    private boolean fileExists(Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<Holder> read(Path file) throws IOException {
        byte[] bytes;
        try (FSDataInputStream in = fs.open(file)) {
            bytes = in.readAllBytes();
        }
        try {
            JsonNode n = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            return Optional.of(new Holder(n.path("run_id").asText(), n.path("job").asText(), LocalDate.parse(n.path("run_date").asText()),
                    n.path("host").asText(), n.path("pid").asLong(), Instant.parse(n.path("started_at").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // half-written by a run killed while creating it: stale by age
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
