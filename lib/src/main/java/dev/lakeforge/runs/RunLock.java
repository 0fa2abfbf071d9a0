package dev.lakeforge.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.List;
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
 * when its heartbeat is older than {@code staleAfter}; {@link Held#abandonedRuns()} then tells the new run which runs
 * ended without a record, so it can record them as failed. A run that takes over keeps the runs it replaced in its own
 * lock file, so that when it dies too before it recorded them, the run after it still learns of every one.
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
        private final List<Holder> abandoned;
        private final ScheduledExecutorService beat;

        private Held(Path file, Holder holder, List<Holder> abandoned) {
            this.file = file;
            this.holder = holder;
            this.abandoned = List.copyOf(abandoned);
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
            return abandoned.isEmpty() ? Optional.empty() : Optional.of(abandoned.get(abandoned.size() - 1));
        }

        /**
         * Every run that died holding this lock since it was last released, oldest first: the one this run took over
         * and those that one had taken over and may have died before recording (empty when the lock was free).
         */
        public List<Holder> abandonedRuns() {
            return abandoned;
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

    /** The run holding the lock of this job and run date; empty when it is free, half-written or vanishes while read. */
    public Optional<Holder> holder(String job, LocalDate runDate) {
        return holderOf(file(job, runDate));
    }

    private Path file(String job, LocalDate runDate) {
        if (!job.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Not a job name: '" + job + "'");
        }
        return new Path(dir, job + "@" + runDate + ".lock");
    }

    /** Takes the lock of this job and run date, or fails naming the run that holds it. */
    public Held acquire(String job, LocalDate runDate, String runId) {
        return acquire(file(job, runDate), job, runDate, runId, "Another " + job + " run for " + runDate + " is running: ");
    }

    /**
     * Takes a lock over the whole lakehouse, whatever the run date ({@code _locks/<name>.lock}), for work that runs
     * date-independent state: ingest reads and writes the one file ledger, so two ingests must not overlap even for
     * different run dates (or one inside a pipeline and one on its own). Fails naming the holder; a dead holder's lock
     * is taken over as with {@link #acquire(String, LocalDate, String)}.
     */
    public Held acquireExclusive(String name, String job, LocalDate runDate, String runId) {
        return acquire(file(name), job, runDate, runId, "Another run holds the " + name + " lock of this lakehouse: ");
    }

    /** The run holding the lakehouse-wide lock {@code name}; empty when it is free. */
    public Optional<Holder> holder(String name) {
        return holderOf(file(name));
    }

    private Optional<Holder> holderOf(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path file(String name) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Not a lock name: '" + name + "'");
        }
        return new Path(dir, name + ".lock");
    }

    private Held acquire(Path file, String job, LocalDate runDate, String runId, String lockedPrefix) {
        Holder me = new Holder(runId, job, runDate, host(), ProcessHandle.current().pid(), clock.instant());
        List<Holder> abandoned = List.of();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(file, me, abandoned)) {
                return new Held(file, me, abandoned);
            }
            Optional<Holder> other;
            List<Holder> replacedByOther;
            long touched;
            try {
                JsonNode content = readJson(file);
                other = holder(content);
                replacedByOther = replaced(content);
                touched = fs.getFileStatus(file).getModificationTime();
            } catch (FileNotFoundException e) {
                continue; // released meanwhile: try again
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the run lock " + file, e);
            }
            String why = stale(other, touched);
            if (why == null) {
                Holder h = other.orElse(null);
                throw new LockedException(lockedPrefix
                        + (h == null ? "the lock " + file + " is held" : h.describe())
                        + ". This run did nothing. Wait for it to finish; if that process is gone, its lock is taken over "
                        + "after " + staleAfter.toSeconds() + " s without a heartbeat (" + file + ").", h);
            }
            LOG.warn("Taking over the run lock {}: {}", file, why);
            List<Holder> dead = new ArrayList<>(replacedByOther);
            other.ifPresent(dead::add);
            abandoned = dead;
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

    private static ObjectNode json(Holder h) {
        ObjectNode n = JSON.createObjectNode();
        n.put("run_id", h.runId()).put("job", h.job()).put("run_date", h.runDate().toString()).put("host", h.host())
                .put("pid", h.pid()).put("started_at", h.startedAt().toString());
        return n;
    }

    private boolean create(Path file, Holder me, List<Holder> replaced) {
        ObjectNode n = json(me);
        if (!replaced.isEmpty()) {
            ArrayNode r = n.putArray("replaced");
            replaced.forEach(h -> r.add(json(h)));
        }
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
        return holder(readJson(file));
    }

    /** The lock file's content; null when it cannot be parsed (half-written by a run killed while creating it: stale by age). */
    private JsonNode readJson(Path file) throws IOException {
        byte[] bytes;
        try (FSDataInputStream in = fs.open(file)) {
            bytes = in.readAllBytes();
        }
        try {
            return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Optional<Holder> holder(JsonNode n) {
        if (n == null || !n.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Holder(n.path("run_id").asText(), n.path("job").asText(), LocalDate.parse(n.path("run_date").asText()),
                    n.path("host").asText(), n.path("pid").asLong(), Instant.parse(n.path("started_at").asText())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The runs a lock's holder took over and may not have recorded yet (oldest first); unreadable entries left out. */
    private static List<Holder> replaced(JsonNode n) {
        List<Holder> out = new ArrayList<>();
        if (n != null) {
            for (JsonNode r : n.path("replaced")) {
                holder(r).ifPresent(out::add);
            }
        }
        return out;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
