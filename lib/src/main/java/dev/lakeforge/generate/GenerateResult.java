package dev.lakeforge.generate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link EnterpriseDataGenerator#execute()} wrote: per batch and file the data lines, the clean lines and the
 * injected dirt per kind, plus the sizes of the generated world, bytes written and the duration.
 *
 * @param outputDir    the landing folder
 * @param sizes        customers, products, plants and suppliers of the generated world
 * @param batches      the batch folder names in order (initial load first)
 * @param files        one entry per batch and file, in batch order and the contract's file order
 * @param bytesWritten all bytes written (landing files, {@code _dirt.csv}, {@code _manifest.json}, reference copies)
 * @param duration     wall-clock time of the run
 */
public record GenerateResult(Path outputDir, Sizes sizes, List<String> batches, List<FileResult> files, long bytesWritten,
                             Duration duration) {

    /** The size of the generated world. */
    public record Sizes(long orderLinesRequested, int customers, int products, int plants, int suppliers) {
    }

    /**
     * One file of one batch.
     *
     * @param batch     batch folder name, e.g. {@code 2024-06-30}
     * @param file      path inside the batch folder, e.g. {@code erp/order_lines.csv}
     * @param rows      data lines (header excluded), dirty lines included
     * @param cleanRows data lines not listed in {@code _dirt.csv}
     * @param dirt      lines per dirt kind (only kinds that occur; {@code new_column} counts the header)
     * @param bytes     file size
     */
    public record FileResult(String batch, String file, long rows, long cleanRows, Map<DirtKind, Long> dirt, long bytes) {
        public FileResult {
            EnumMap<DirtKind, Long> copy = new EnumMap<>(DirtKind.class);
            copy.putAll(dirt);
            dirt = java.util.Collections.unmodifiableMap(copy);
        }

        public long dirt(DirtKind kind) {
            return dirt.getOrDefault(kind, 0L);
        }
    }

    public GenerateResult {
        batches = List.copyOf(batches);
        files = List.copyOf(files);
    }

    /** The file of a batch; throws when there is no such file. */
    public FileResult file(String batch, String file) {
        for (FileResult f : files) {
            if (f.batch().equals(batch) && f.file().equals(file)) {
                return f;
            }
        }
        throw new IllegalArgumentException("No file " + file + " in batch " + batch);
    }

    /** Data lines of a file in a batch. */
    public long rows(String batch, String file) {
        return file(batch, file).rows();
    }

    /** Data lines of a file over all batches. */
    public long totalRows(String file) {
        return files.stream().filter(f -> f.file().equals(file)).mapToLong(FileResult::rows).sum();
    }

    public long dirt(String batch, String file, DirtKind kind) {
        return file(batch, file).dirt(kind);
    }

    /** Dirty lines per kind over all batches and files. */
    public Map<DirtKind, Long> dirtTotals() {
        Map<DirtKind, Long> totals = new EnumMap<>(DirtKind.class);
        for (FileResult f : files) {
            f.dirt().forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        return totals;
    }

    /** A few lines for the console. */
    public List<String> summaryLines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "Generated %s: %d batch(es) %s, %,d order lines requested",
                outputDir, batches.size(), batches.isEmpty() ? "" : batches.get(0) + (batches.size() > 1 ? " .. " + batches.get(batches.size() - 1) : ""),
                sizes.orderLinesRequested()));
        out.add(String.format(Locale.ROOT, "  world: %,d customers, %,d products, %d plants, %d suppliers",
                sizes.customers(), sizes.products(), sizes.plants(), sizes.suppliers()));
        for (String b : batches) {
            Map<String, Long> rows = new LinkedHashMap<>();
            long dirty = 0;
            for (FileResult f : files) {
                if (f.batch().equals(b)) {
                    rows.put(shortName(f.file()), f.rows());
                    dirty += f.rows() - f.cleanRows();
                }
            }
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %s:", b));
            rows.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %,d", k, v)));
            sb.append(String.format(Locale.ROOT, " | listed in _dirt.csv %,d", dirty));
            out.add(sb.toString());
        }
        StringBuilder d = new StringBuilder("  dirt:");
        Map<DirtKind, Long> totals = dirtTotals();
        if (totals.isEmpty()) {
            d.append(" none");
        }
        totals.forEach((k, v) -> d.append(String.format(Locale.ROOT, " %s %,d", k.code(), v)));
        out.add(d.toString());
        out.add(String.format(Locale.ROOT, "  %,.1f MB in %.1f s", bytesWritten / 1e6, duration.toMillis() / 1000.0));
        return out;
    }

    private static String shortName(String file) {
        String n = file.substring(file.indexOf('/') + 1);
        return n.substring(0, n.indexOf('.'));
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), summaryLines());
    }
}
