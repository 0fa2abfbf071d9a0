package dev.lakeforge.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.generate.LandingFiles.DirtRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The dirt list tells the truth: every listed line is dirty in the listed way, every other line is clean. */
class DirtConsistencyTest {
    private static final Pattern LINE_REF = Pattern.compile("line (\\d+)");

    @TempDir
    static Path tmp;
    static GenerateResult result;
    static LandingFiles landing;
    static List<DirtRow> dirt;

    @BeforeAll
    static void generate() {
        result = EnterpriseDataGenerator.create()
                .orderLines(5_000)
                .seed(11L)
                .outputDir(tmp.resolve("landing"))
                .historyStart(LocalDate.of(2022, 7, 1))
                .initialBatchDate(LocalDate.of(2024, 6, 30))
                .incrementalBatches(3)
                .dirt(DirtRates.defaults())
                .execute();
        landing = new LandingFiles(result.outputDir());
        dirt = landing.dirt();
    }

    private static long referencedLine(DirtRow d) {
        Matcher m = LINE_REF.matcher(d.note());
        assertThat(m.find()).as("line reference in note of %s", d).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<String> normalized(String file, List<String> values) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i) == null ? null : values.get(i).trim();
            if (file.equals("erp/customers.csv") && i == 2 && v != null) {
                v = v.toLowerCase(Locale.ROOT);
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void everyListedLineIsDirtyAsListedAndEveryOtherLineIsValid() {
        Map<String, DirtRow> listed = new HashMap<>();
        for (DirtRow d : dirt) {
            assertThat(listed.put(d.batch() + "|" + d.file() + "|" + d.line(), d)).as("one kind per line: %s", d).isNull();
        }
        RowRules rules = new RowRules();
        Map<String, Integer> checkedPerKind = new TreeMap<>();
        for (String batch : landing.batches()) {
            // the dimension rows of the batch exist for the references of the same batch
            for (String file : List.of("erp/customers.csv", "erp/products.csv", "erp/plants.csv", "erp/sales_orders.csv")) {
                Set<String> ids = switch (file) {
                    case "erp/customers.csv" -> rules.customers;
                    case "erp/products.csv" -> rules.products;
                    case "erp/plants.csv" -> rules.plants;
                    default -> rules.orders;
                };
                for (Map.Entry<Integer, String> e : landing.data(batch, file)) {
                    List<String> v = landing.values(batch, file, e.getValue());
                    if (v != null && v.get(0) != null) {
                        ids.add(v.get(0).trim());
                    }
                }
            }
            for (String file : LandingFiles.FILES) {
                List<String> lines = landing.lines(batch, file);
                for (Map.Entry<Integer, String> e : landing.data(batch, file)) {
                    int no = e.getKey();
                    String text = e.getValue();
                    DirtRow d = listed.get(batch + "|" + file + "|" + no);
                    List<String> v = landing.values(batch, file, text);
                    String where = batch + "/" + file + ":" + no + " " + text;
                    if (d == null || d.kind().equals("late_correction")) {
                        assertThat(v).as("clean line parses: %s", where).isNotNull();
                        assertThat(rules.check(file, v)).as("clean line is valid: %s", where).isNull();
                        continue;
                    }
                    checkedPerKind.merge(d.kind(), 1, Integer::sum);
                    switch (d.kind()) {
                        case "malformed" -> assertThat(v).as("malformed: %s", where).isNull();
                        case "exact_duplicate" -> {
                            long ref = referencedLine(d);
                            assertThat(ref).isLessThan(no);
                            assertThat(text).as("exact copy: %s", where).isEqualTo(lines.get((int) ref - 1));
                            assertThat(listed).as("the original of %s is clean", where).doesNotContainKey(batch + "|" + file + "|" + ref);
                        }
                        case "near_duplicate" -> {
                            long ref = referencedLine(d);
                            assertThat(ref).isLessThan(no);
                            String original = lines.get((int) ref - 1);
                            assertThat(text).as("near copy differs: %s", where).isNotEqualTo(original);
                            assertThat(v).as("near copy parses: %s", where).isNotNull();
                            assertThat(normalized(file, v)).as("near copy equal after trim/lower-case: %s", where)
                                    .isEqualTo(normalized(file, landing.values(batch, file, original)));
                        }
                        case "missing_value", "missing_required", "type_error", "out_of_range", "unknown_fk" -> {
                            assertThat(v).as("parses: %s", where).isNotNull();
                            RowRules.Result r = rules.check(file, v);
                            assertThat(r).as("violation in %s", where).isNotNull();
                            assertThat(r.kind()).as("%s: %s", where, r.message()).isEqualTo(d.kind());
                        }
                        default -> throw new AssertionError("unexpected kind " + d.kind() + " at " + where);
                    }
                }
            }
        }
        assertThat(checkedPerKind).containsKeys("malformed", "exact_duplicate", "near_duplicate", "missing_value",
                "missing_required", "type_error", "out_of_range", "unknown_fk");
    }

    @Test
    void listedLinesExistAndKeysMatch() {
        for (DirtRow d : dirt) {
            List<String> lines = landing.lines(d.batch(), d.file());
            assertThat(d.line()).as("%s", d).isBetween(1L, (long) lines.size());
            if (d.kind().equals("new_column")) {
                assertThat(d.line()).isEqualTo(1);
                continue;
            }
            List<String> v = landing.values(d.batch(), d.file(), lines.get((int) d.line() - 1));
            if (v != null && !d.kind().equals("near_duplicate") && !d.kind().equals("missing_required")) {
                String key = switch (d.file()) {
                    case "erp/order_lines.csv", "market/commodity_prices.csv", "market/fx_rates.jsonl", "market/stock_index.csv" -> v.get(0) + "|" + v.get(1);
                    case "erp/inventory_snapshots.csv" -> v.get(0) + "|" + v.get(1) + "|" + v.get(2);
                    default -> v.get(0);
                };
                assertThat(key).as("%s", d).isEqualTo(d.key());
            }
        }
    }

    @Test
    void newColumnOnlyInTheSecondIncrementalBatch() {
        List<String> batches = landing.batches();
        assertThat(batches).containsExactly("2024-06-30", "2024-07-01", "2024-07-02", "2024-07-03");
        List<DirtRow> nc = dirt.stream().filter(d -> d.kind().equals("new_column")).toList();
        assertThat(nc).singleElement().satisfies(d -> {
            assertThat(d.batch()).isEqualTo("2024-07-02");
            assertThat(d.file()).isEqualTo("erp/order_lines.csv");
            assertThat(d.line()).isEqualTo(1);
        });
        for (String b : batches) {
            List<String> header = landing.header(b, "erp/order_lines.csv");
            if (b.equals("2024-07-02")) {
                assertThat(header).endsWith("promo_code").hasSize(9);
                boolean anyCode = false;
                for (Map.Entry<Integer, String> e : landing.data(b, "erp/order_lines.csv")) {
                    List<String> v = landing.values(b, "erp/order_lines.csv", e.getValue());
                    if (v != null && "1".equals(v.get(6))) {
                        anyCode |= v.get(8) != null && v.get(8).matches("[A-Z]+\\d+");
                    }
                    if (v != null && "0".equals(v.get(6))) {
                        assertThat(v.get(8)).isNull();
                    }
                }
                assertThat(anyCode).as("a promo line with a promo_code").isTrue();
            } else {
                assertThat(header).isEqualTo(LandingFiles.COLUMNS.get("erp/order_lines.csv"));
            }
        }
    }

    @Test
    void manifestCountsMatchTheDirtListAndTheFiles() {
        JsonNode m = landing.manifest();
        assertThat(m.at("/parameters/orderLines").asLong()).isEqualTo(5_000);
        assertThat(m.at("/parameters/seed").asLong()).isEqualTo(11);
        assertThat(m.at("/parameters/dirtRates/exact_duplicate").asDouble()).isEqualTo(0.005);
        Map<String, Long> listedCounts = new HashMap<>();
        Map<String, Long> listedDataLines = new HashMap<>();
        for (DirtRow d : dirt) {
            listedCounts.merge(d.batch() + "|" + d.file() + "|" + d.kind(), 1L, Long::sum);
            if (!d.kind().equals("new_column")) {
                listedDataLines.merge(d.batch() + "|" + d.file(), 1L, Long::sum);
            }
        }
        long manifestTotal = 0;
        assertThat(m.get("batches")).hasSize(4);
        for (JsonNode b : m.get("batches")) {
            String batch = b.get("batch").asText();
            assertThat(b.get("files").size()).isEqualTo(12);
            for (String file : LandingFiles.FILES) {
                JsonNode f = b.get("files").get(file);
                assertThat(f).as("%s %s in manifest", batch, file).isNotNull();
                long lines = landing.data(batch, file).size();
                assertThat(f.get("lines").asLong()).as("%s %s lines", batch, file).isEqualTo(lines);
                assertThat(f.get("clean").asLong()).as("%s %s clean", batch, file)
                        .isEqualTo(lines - listedDataLines.getOrDefault(batch + "|" + file, 0L));
                for (Map.Entry<String, JsonNode> k : f.get("dirt").properties()) {
                    assertThat(k.getValue().asLong()).as("%s %s %s", batch, file, k.getKey())
                            .isEqualTo(listedCounts.get(batch + "|" + file + "|" + k.getKey()));
                    manifestTotal += k.getValue().asLong();
                }
                assertThat(result.rows(batch, file)).isEqualTo(lines);
            }
        }
        assertThat(manifestTotal).isEqualTo(dirt.size());
        long resultTotal = result.dirtTotals().values().stream().mapToLong(Long::longValue).sum();
        assertThat(resultTotal).isEqualTo(dirt.size());
    }

    @Test
    void ratesAreRoughlyTheConfiguredFractions() {
        // order lines and interactions of the initial load: ~5,000 and ~6,000 rows
        Map<String, Long> counts = new HashMap<>();
        for (DirtRow d : dirt) {
            if (d.batch().equals("2024-06-30") && (d.file().equals("erp/order_lines.csv") || d.file().equals("crm/interactions.jsonl"))) {
                counts.merge(d.kind(), 1L, Long::sum);
            }
        }
        long clean = result.file("2024-06-30", "erp/order_lines.csv").cleanRows() + result.file("2024-06-30", "crm/interactions.jsonl").cleanRows();
        DirtRates rates = DirtRates.defaults();
        for (DirtKind k : List.of(DirtKind.EXACT_DUPLICATE, DirtKind.NEAR_DUPLICATE, DirtKind.MISSING_REQUIRED, DirtKind.MALFORMED,
                DirtKind.TYPE_ERROR, DirtKind.UNKNOWN_FK)) {
            double expected = rates.rate(k) * clean;
            assertThat((double) counts.getOrDefault(k.code(), 0L)).as("%s (expected ~%.0f)", k, expected)
                    .isBetween(expected * 0.35, expected * 2.2);
        }
    }

    @Test
    void lateCorrectionsInEveryIncrementalBatchReferToEarlierBatches() {
        List<String> batches = landing.batches();
        for (int i = 1; i < batches.size(); i++) {
            String batch = batches.get(i);
            List<DirtRow> lc = dirt.stream().filter(d -> d.batch().equals(batch) && d.kind().equals("late_correction")).toList();
            assertThat(lc.stream().filter(d -> d.file().equals("erp/order_lines.csv"))).as("line corrections in %s", batch).hasSizeGreaterThanOrEqualTo(3);
            for (DirtRow d : lc) {
                List<String> now = landing.values(batch, d.file(), landing.lines(batch, d.file()).get((int) d.line() - 1));
                List<String> before = null;
                for (String earlier : batches.subList(0, i)) {
                    for (Map.Entry<Integer, String> e : landing.data(earlier, d.file())) {
                        List<String> v = landing.values(earlier, d.file(), e.getValue());
                        if (v == null) {
                            continue;
                        }
                        String key = d.file().equals("erp/order_lines.csv") ? v.get(0) + "|" + v.get(1) : v.get(0);
                        if (key.equals(d.key())) {
                            before = v;
                        }
                    }
                }
                assertThat(before).as("%s refers to a key of an earlier batch", d).isNotNull();
                int updated = d.file().equals("erp/order_lines.csv") ? 7 : 6;
                assertThat(now.get(updated)).as("newer updated_at: %s", d).isGreaterThan(before.get(updated));
                if (d.file().equals("erp/order_lines.csv")) {
                    assertThat(now.get(3)).as("changed quantity: %s", d).isNotEqualTo(before.get(3));
                } else {
                    assertThat(before.get(5)).isEqualTo("shipped");
                    assertThat(now.get(5)).isEqualTo("returned");
                }
            }
        }
    }

    @Test
    void brokenOrderHeadersHaveNoLines() {
        Set<String> broken = new HashSet<>();
        for (DirtRow d : dirt) {
            if (d.file().equals("erp/sales_orders.csv") && Set.of("missing_required", "unknown_fk", "type_error", "malformed").contains(d.kind())) {
                broken.add(d.key());
            }
        }
        assertThat(broken).isNotEmpty();
        for (String b : landing.batches()) {
            for (Map.Entry<Integer, String> e : landing.data(b, "erp/order_lines.csv")) {
                List<String> v = landing.values(b, "erp/order_lines.csv", e.getValue());
                if (v != null) {
                    assertThat(broken).doesNotContain(v.get(0));
                }
            }
        }
    }
}
