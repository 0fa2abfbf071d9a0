package dev.lakeforge.generate;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Generates a deterministic, structured and deliberately dirty landing folder (docs/landing-data.md): an initial
 * load with about two years of history and one folder per following day.
 *
 * <pre>{@code
 * GenerateResult r = EnterpriseDataGenerator.create()
 *     .orderLines(25_000).seed(42L).outputDir(Path.of("data/sample"))
 *     .historyStart(LocalDate.of(2022, 7, 1)).initialBatchDate(LocalDate.of(2024, 6, 30))
 *     .incrementalBatches(3).dirt(DirtRates.defaults())
 *     .referenceDir(Path.of("../shared/datasets"))
 *     .execute();
 * }</pre>
 *
 * Same parameters and seed give byte-identical files. Memory is bounded by the dimension tables (customers,
 * products) and small buffers; orders, lines and interactions are streamed to disk.
 */
public final class EnterpriseDataGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseDataGenerator.class);

    /** Order lines at scale 1. */
    public static final long LINES_PER_SCALE = 25_000;
    /** The smallest accepted size. */
    public static final long MIN_ORDER_LINES = 1_000;
    /** The largest accepted size (40 million customers). */
    public static final long MAX_ORDER_LINES = 1_000_000_000;
    static final String MANIFEST = "_manifest.json";
    static final String DIRT = "_dirt.csv";
    static final String DIRT_HEADER = "batch,file,line,kind,key,note";
    static final List<String> REFERENCE_FILES = List.of("eu_stock_markets.csv", "stocks_monthly.csv");
    private static final String TMP = ".generate-tmp";
    private static final Pattern BATCH_DIR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern SCALE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KM]?)");

    /** The validated parameters of a run. */
    record Settings(long orderLines, long seed, LocalDate historyStart, LocalDate initialBatchDate, int incrementalBatches,
                    DirtRates dirt) {
    }

    private long orderLines = LINES_PER_SCALE;
    private long seed = 42L;
    private Path outputDir;
    private boolean overwrite;
    private LocalDate historyStart = LocalDate.of(2022, 7, 1);
    private LocalDate initialBatchDate = LocalDate.of(2024, 6, 30);
    private int incrementalBatches = 3;
    private DirtRates dirt = DirtRates.defaults();
    private Path referenceDir;

    private EnterpriseDataGenerator() {
    }

    public static EnterpriseDataGenerator create() {
        return new EnterpriseDataGenerator();
    }

    /** Approximate total order lines over all batches: the size knob (default 25,000). */
    public EnterpriseDataGenerator orderLines(long lines) {
        this.orderLines = lines;
        return this;
    }

    public EnterpriseDataGenerator seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The landing folder to write; created if missing, refused if not empty unless {@link #overwrite(boolean)}. */
    public EnterpriseDataGenerator outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    /** Allow a non-empty output folder: the files this generator writes are deleted first, nothing else. */
    public EnterpriseDataGenerator overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    public EnterpriseDataGenerator historyStart(LocalDate date) {
        this.historyStart = date;
        return this;
    }

    /** The date of the initial load: it holds the history up to and including this date. */
    public EnterpriseDataGenerator initialBatchDate(LocalDate date) {
        this.initialBatchDate = date;
        return this;
    }

    /** One more batch folder per following day. */
    public EnterpriseDataGenerator incrementalBatches(int batches) {
        this.incrementalBatches = batches;
        return this;
    }

    public EnterpriseDataGenerator dirt(DirtRates rates) {
        this.dirt = rates;
        return this;
    }

    /** Where to copy {@code eu_stock_markets.csv} and {@code stocks_monthly.csv} from (skipped quietly if absent). */
    public EnterpriseDataGenerator referenceDir(Path dir) {
        this.referenceDir = dir;
        return this;
    }

    /**
     * Order lines for a scale: a plain positive whole number N means N × 25,000; a number with a K or M suffix is
     * the exact count ({@code 250K}, {@code 1M}, {@code 2.5M}, {@code 10M}).
     */
    public static long orderLinesForScale(String scale) {
        String accepted = "expected a positive whole number N (N x 25,000 order lines, e.g. 1 or 4) or an exact number of "
                + "order lines with a K or M suffix (e.g. 250K, 1M, 2.5M, 10M)";
        if (scale == null || scale.isBlank()) {
            throw new IllegalArgumentException("Missing scale: " + accepted);
        }
        Matcher m = SCALE.matcher(scale.trim().toUpperCase(Locale.ROOT).replace("_", ""));
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid scale '" + scale + "': " + accepted);
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal lines = switch (m.group(2)) {
            case "K" -> value.multiply(BigDecimal.valueOf(1_000));
            case "M" -> value.multiply(BigDecimal.valueOf(1_000_000));
            default -> value.stripTrailingZeros().scale() > 0 ? null : value.multiply(BigDecimal.valueOf(LINES_PER_SCALE));
        };
        try {
            if (lines == null || lines.signum() <= 0) {
                throw new ArithmeticException();
            }
            return lines.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Invalid scale '" + scale + "': " + accepted, e);
        }
    }

    private Settings validate() {
        if (outputDir == null) {
            throw new IllegalArgumentException("outputDir is required");
        }
        if (orderLines < MIN_ORDER_LINES || orderLines > MAX_ORDER_LINES) {
            throw new IllegalArgumentException("orderLines must be between " + MIN_ORDER_LINES + " and " + MAX_ORDER_LINES + ", got " + orderLines);
        }
        if (historyStart == null || initialBatchDate == null) {
            throw new IllegalArgumentException("historyStart and initialBatchDate are required");
        }
        long historyDays = ChronoUnit.DAYS.between(historyStart, initialBatchDate) + 1;
        if (historyDays < 56) {
            throw new IllegalArgumentException("The history (historyStart " + historyStart + " to initialBatchDate " + initialBatchDate
                    + ") must cover at least 56 days, got " + historyDays);
        }
        if (historyDays > 3660) {
            throw new IllegalArgumentException("The history must cover at most 10 years, got " + historyDays + " days");
        }
        if (incrementalBatches < 0 || incrementalBatches > 366) {
            throw new IllegalArgumentException("incrementalBatches must be between 0 and 366, got " + incrementalBatches);
        }
        if (dirt == null) {
            throw new IllegalArgumentException("dirt rates are required (DirtRates.none() for clean data)");
        }
        return new Settings(orderLines, seed, historyStart, initialBatchDate, incrementalBatches, dirt);
    }

    /** Generates the landing folder. */
    public GenerateResult execute() {
        Settings settings = validate();
        long started = System.nanoTime();
        Path out = outputDir.toAbsolutePath().normalize();
        try {
            prepare(out);
            Path tmp = out.resolve(TMP);
            Files.createDirectories(tmp);
            Simulation sim;
            try {
                sim = new Simulation(settings, out, tmp);
                try (BufferedWriter dirtCsv = Files.newBufferedWriter(out.resolve(DIRT), StandardCharsets.UTF_8)) {
                    dirtCsv.write(DIRT_HEADER);
                    dirtCsv.write('\n');
                    sim.run(dirtCsv);
                }
            } finally {
                deleteTree(tmp);
            }
            long bytes = 0;
            List<String> batches = new ArrayList<>();
            List<GenerateResult.FileResult> files = new ArrayList<>();
            for (LandingWriter.Stats st : sim.stats()) {
                if (!batches.contains(st.batch())) {
                    batches.add(st.batch());
                }
                Map<DirtKind, Long> kinds = new EnumMap<>(DirtKind.class);
                for (DirtKind k : DirtKind.values()) {
                    if (st.kindCounts()[k.ordinal()] > 0) {
                        kinds.put(k, st.kindCounts()[k.ordinal()]);
                    }
                }
                files.add(new GenerateResult.FileResult(st.batch(), st.table().path(), st.lines(), st.clean(), kinds, st.bytes()));
                bytes += st.bytes();
            }
            bytes += copyReferences(out);
            writeManifest(out, settings, sim, files);
            bytes += Files.size(out.resolve(DIRT)) + Files.size(out.resolve(MANIFEST));
            Simulation.Sizes sz = sim.sizes();
            GenerateResult result = new GenerateResult(out, new GenerateResult.Sizes(settings.orderLines(), sz.customers(), sz.products(),
                    sz.plants(), sz.suppliers()), batches, files, bytes, Duration.ofNanos(System.nanoTime() - started));
            LOG.debug("{}", result);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Generating into " + out + " failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ output folder

    private void prepare(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("Output " + out + " exists and is not a directory");
        }
        if (Files.isDirectory(out) && !isEmpty(out)) {
            if (!overwrite) {
                throw new IllegalArgumentException("Output directory " + out + " exists and is not empty; choose an empty or new "
                        + "directory, or set overwrite(true) to replace the files a previous generation wrote there");
            }
            deleteGenerated(out);
        }
        Files.createDirectories(out);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** Deletes only what a generation writes: manifest, dirt list, reference copies and the landing files of batch folders. */
    static void deleteGenerated(Path out) throws IOException {
        Files.deleteIfExists(out.resolve(MANIFEST));
        Files.deleteIfExists(out.resolve(DIRT));
        deleteTree(out.resolve(TMP));
        Path ref = out.resolve("reference");
        for (String f : REFERENCE_FILES) {
            Files.deleteIfExists(ref.resolve(f));
        }
        deleteIfEmpty(ref);
        List<Path> batches = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(out)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && BATCH_DIR.matcher(p.getFileName().toString()).matches()) {
                    batches.add(p);
                }
            }
        }
        for (Path b : batches) {
            for (LandingTable t : LandingTable.values()) {
                Files.deleteIfExists(b.resolve(t.path()));
            }
            for (String sub : List.of("erp", "crm", "market")) {
                deleteIfEmpty(b.resolve(sub));
            }
            deleteIfEmpty(b);
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir) && isEmpty(dir)) {
            Files.delete(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private long copyReferences(Path out) throws IOException {
        long bytes = 0;
        if (referenceDir == null || !Files.isDirectory(referenceDir)) {
            return 0;
        }
        for (String f : REFERENCE_FILES) {
            Path src = referenceDir.resolve(f);
            if (Files.isRegularFile(src)) {
                Path dst = out.resolve("reference").resolve(f);
                Files.createDirectories(dst.getParent());
                // copied as a stream: the copy gets default permissions, not those of a read-only source
                try (InputStream in = Files.newInputStream(src)) {
                    Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
                }
                bytes += Files.size(dst);
            }
        }
        return bytes;
    }

    // ------------------------------------------------------------------ manifest

    private static void writeManifest(Path out, Settings s, Simulation sim, List<GenerateResult.FileResult> files) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("generator", "lakeforge generate");
        root.put("format", 1);
        ObjectNode params = root.putObject("parameters");
        params.put("orderLines", s.orderLines());
        params.put("seed", s.seed());
        params.put("historyStart", s.historyStart().toString());
        params.put("initialBatchDate", s.initialBatchDate().toString());
        params.put("incrementalBatches", s.incrementalBatches());
        ObjectNode rates = params.putObject("dirtRates");
        for (DirtKind k : DirtKind.values()) {
            if (k != DirtKind.NEW_COLUMN) {
                rates.put(k.code(), s.dirt().rate(k));
            }
        }
        rates.put(DirtKind.NEW_COLUMN.code(), s.dirt().newColumn());
        Simulation.Sizes sz = sim.sizes();
        ObjectNode sizes = root.putObject("sizes");
        sizes.put("customers", sz.customers());
        sizes.put("products", sz.products());
        sizes.put("plants", sz.plants());
        sizes.put("suppliers", sz.suppliers());
        sizes.put("commodities", MarketModel.COMMODITIES.length);
        sizes.put("fxCurrencies", MarketModel.CURRENCIES.length);
        sizes.put("stockIndexes", MarketModel.INDEXES.length);
        root.put("note", "per file: lines = data lines (header excluded); clean = lines not listed in _dirt.csv; "
                + "dirt = lines per kind (new_column counts the header line)");
        ArrayNode batches = root.putArray("batches");
        ObjectNode batch = null;
        String current = null;
        for (GenerateResult.FileResult f : files) {
            if (!f.batch().equals(current)) {
                current = f.batch();
                batch = batches.addObject();
                batch.put("batch", current);
                batch.put("type", batches.size() == 1 ? "initial" : "incremental");
                batch.putObject("files");
            }
            ObjectNode fn = ((ObjectNode) batch.get("files")).putObject(f.file());
            fn.put("lines", f.rows());
            fn.put("clean", f.cleanRows());
            ObjectNode kinds = fn.putObject("dirt");
            f.dirt().forEach((k, v) -> kinds.put(k.code(), v));
        }
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        pp.indentObjectsWith(indenter);
        pp.indentArraysWith(indenter);
        String json = mapper.writer(pp).writeValueAsString(root) + "\n";
        Files.writeString(out.resolve(MANIFEST), json, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ command line

    /**
     * For trying it by hand: {@code java -cp ... dev.lakeforge.generate.EnterpriseDataGenerator OUT [SCALE] [SEED]
     * [INCREMENTAL_BATCHES] [clean]}, e.g. {@code out 1M 42 3}. Overwrites what an earlier run wrote in OUT.
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: EnterpriseDataGenerator OUT_DIR [SCALE (1, 4, 250K, 1M)] [SEED] [INCREMENTAL_BATCHES] [clean]");
            System.exit(2);
        }
        EnterpriseDataGenerator g = create().outputDir(Path.of(args[0])).overwrite(true);
        if (args.length > 1) {
            g.orderLines(orderLinesForScale(args[1]));
        }
        if (args.length > 2) {
            g.seed(Long.parseLong(args[2]));
        }
        if (args.length > 3) {
            g.incrementalBatches(Integer.parseInt(args[3]));
        }
        if (args.length > 4 && args[4].equals("clean")) {
            g.dirt(DirtRates.none());
        }
        Path shared = Path.of("..", "shared", "datasets");
        if (Files.isDirectory(shared)) {
            g.referenceDir(shared);
        }
        GenerateResult r = g.execute();
        System.out.println(r);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "  heap: max %,d MB, used at end %,d MB%n", rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
}
