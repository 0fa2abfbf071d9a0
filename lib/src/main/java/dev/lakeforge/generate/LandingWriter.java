package dev.lakeforge.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Writes one landing file of one batch, streaming: header first, one physical line per record, UTF-8, '\n'.
 * Decides per clean record (one uniform draw) whether and how it gets dirty, and lists every dirty line in a
 * temporary dirt list that becomes part of {@code _dirt.csv}. Copies (duplicates, broken re-sends, synthetic
 * order headers) wait in a small queue and are emitted a few lines later.
 */
final class LandingWriter implements AutoCloseable {
    private static final int MAX_DELAY = 400;
    private static final DirtKind[] ROW_KINDS = {DirtKind.EXACT_DUPLICATE, DirtKind.NEAR_DUPLICATE, DirtKind.MISSING_VALUE,
            DirtKind.MISSING_REQUIRED, DirtKind.MALFORMED, DirtKind.TYPE_ERROR, DirtKind.OUT_OF_RANGE, DirtKind.UNKNOWN_FK};

    private record Pending(long due, long seq, String text, DirtKind kind, String key, String note) {
    }

    /** Rows and dirt of a finished file. */
    record Stats(LandingTable table, String batch, long lines, long[] kindCounts, long bytes) {
        long clean() {
            long dirty = 0;
            for (DirtKind k : DirtKind.values()) {
                if (k.isDataLine()) {
                    dirty += kindCounts[k.ordinal()];
                }
            }
            return lines - dirty;
        }
    }

    private final LandingTable table;
    private final String batch;
    private final String[] columns;
    private final boolean[] numeric;
    private final Path file;
    private final Path dirtFile;
    private final BufferedWriter out;
    private final BufferedWriter dirt;
    private final DirtRates rates;
    private final DirtInjector injector;
    private final SplittableRandom rng;
    private final List<DirtKind> candidates = new ArrayList<>();
    private final long[] counts = new long[DirtKind.values().length];
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(Comparator.comparingLong(Pending::due).thenComparingLong(Pending::seq));
    private UnaryOperator<String[]> synthetic;
    private long line = 1;
    private long seq;
    private Stats stats;

    LandingWriter(Path batchDir, Path dirtFile, String batch, LandingTable table, String[] columns, DirtRates rates,
                  DirtInjector injector, SplittableRandom rng) {
        this.table = table;
        this.batch = batch;
        this.columns = columns;
        this.numeric = DirtInjector.numericMask(columns);
        this.file = batchDir.resolve(table.path());
        this.dirtFile = dirtFile;
        this.rates = rates;
        this.injector = injector;
        this.rng = rng;
        for (DirtKind k : ROW_KINDS) {
            if (rates.rate(k) > 0) {
                candidates.add(k);
            }
        }
        try {
            Files.createDirectories(file.getParent());
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            this.dirt = Files.newBufferedWriter(dirtFile, StandardCharsets.UTF_8);
            if (table.json()) {
                // JSON lines have no header line; line 1 is the first record
                line = 0;
            } else {
                out.write(Text.csvLine(columns));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    LandingTable table() {
        return table;
    }

    Path dirtFile() {
        return dirtFile;
    }

    /** How sales orders make an extra header without lines (a new order id) for the kinds that would drop one. */
    void synthetic(UnaryOperator<String[]> maker) {
        this.synthetic = maker;
    }

    /** Writes a clean record, maybe dirtied; returns the line of the clean record or -1 when dirt replaced it. */
    long write(String[] rec) {
        return write(rec, null);
    }

    /** Like {@link #write(String[])}, with the dirt kind forced ({@code null}: decided by the rates). */
    long write(String[] rec, DirtKind forced) {
        emitDue();
        DirtKind kind = forced != null ? forced : choose(rec);
        if (kind == null) {
            return emit(render(rec));
        }
        String key = table.key(rec);
        return switch (injector.mode(table, kind)) {
            case COPY -> {
                String text = render(rec);
                long l = emit(text);
                if (kind == DirtKind.NEAR_DUPLICATE) {
                    DirtInjector.Dirty d = injector.apply(table, kind, rec, columns, rng);
                    schedule(l, render(d.fields()), kind, key, "near copy of line " + l + ": " + d.note());
                } else {
                    schedule(l, text, kind, key, "copy of line " + l);
                }
                yield l;
            }
            case REPLACE -> {
                DirtInjector.Dirty d = injector.apply(table, kind, rec, columns, rng);
                emitDirty(d.raw() != null ? d.raw() : render(d.fields()), kind, key, d.note());
                yield -1;
            }
            case VARIANT -> {
                long l = emit(render(rec));
                DirtInjector.Dirty d = injector.apply(table, kind, rec, columns, rng);
                schedule(l, d.raw() != null ? d.raw() : render(d.fields()), kind, key, "broken re-send of line " + l + ": " + d.note());
                yield l;
            }
            case SYNTHETIC -> {
                long l = emit(render(rec));
                String[] extra = synthetic.apply(rec);
                DirtInjector.Dirty d = injector.apply(table, kind, extra, columns, rng);
                schedule(l, d.raw() != null ? d.raw() : render(d.fields()), kind, table.key(extra), d.note());
                yield l;
            }
        };
    }

    /** Writes a late correction (a valid record, listed in the dirt list as late_correction); returns its line. */
    long writeCorrection(String[] rec, String note) {
        emitDue();
        String key = table.key(rec);
        long l = emit(render(rec));
        log(l, DirtKind.LATE_CORRECTION, key, note);
        return l;
    }

    /** Lists a header-level change (new_column) once, with line 1. */
    void logHeader(DirtKind kind, String key, String note) {
        log(1, kind, key, note);
    }

    private DirtKind choose(String[] rec) {
        if (candidates.isEmpty()) {
            return null;
        }
        double u = rng.nextDouble();
        double cum = 0;
        for (DirtKind k : candidates) {
            if (injector.applicable(table, k, rec)) {
                cum += rates.rate(k);
                if (u < cum) {
                    return k;
                }
            }
        }
        return null;
    }

    private String render(String[] fields) {
        return table.json() ? Text.jsonLine(columns, numeric, fields) : Text.csvLine(fields);
    }

    private void schedule(long afterLine, String text, DirtKind kind, String key, String note) {
        pending.add(new Pending(afterLine + 1 + rng.nextInt(MAX_DELAY), seq++, text, kind, key, note));
    }

    private void emitDue() {
        while (!pending.isEmpty() && pending.peek().due() <= line + 1) {
            Pending p = pending.poll();
            emitDirty(p.text(), p.kind(), p.key(), p.note());
        }
    }

    private long emit(String text) {
        try {
            out.write(text);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return ++line;
    }

    private void emitDirty(String text, DirtKind kind, String key, String note) {
        long l = emit(text);
        log(l, kind, key, note);
    }

    private void log(long l, DirtKind kind, String key, String note) {
        counts[kind.ordinal()]++;
        StringBuilder sb = new StringBuilder(96);
        Text.appendCsv(sb, batch);
        sb.append(',');
        Text.appendCsv(sb, table.path());
        sb.append(',').append(l).append(',').append(kind.code()).append(',');
        Text.appendCsv(sb, key);
        sb.append(',');
        Text.appendCsv(sb, note);
        sb.append('\n');
        try {
            dirt.write(sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dirtFile, e);
        }
    }

    /** Data lines written so far (header excluded). */
    long lines() {
        return table.json() ? line : line - 1;
    }

    Stats stats() {
        if (stats == null) {
            throw new IllegalStateException("not closed yet");
        }
        return stats;
    }

    @Override
    public void close() {
        if (stats != null) {
            return;
        }
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            emitDirty(p.text(), p.kind(), p.key(), p.note());
        }
        try {
            out.close();
            dirt.close();
            stats = new Stats(table, batch, lines(), counts.clone(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + file, e);
        }
    }
}
