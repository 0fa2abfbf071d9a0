package dev.lakeforge.generate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnterpriseDataGeneratorTest {
    @TempDir
    Path tmp;

    private static EnterpriseDataGenerator small(Path out, long seed) {
        return EnterpriseDataGenerator.create()
                .orderLines(5_000)
                .seed(seed)
                .outputDir(out)
                .historyStart(LocalDate.of(2022, 7, 1))
                .initialBatchDate(LocalDate.of(2024, 6, 30))
                .incrementalBatches(3)
                .dirt(DirtRates.defaults());
    }

    /** Relative path -> content of every file under the folder. */
    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void sameParametersAndSeedGiveIdenticalBytesAnotherSeedOtherData() throws IOException {
        Path a = small(tmp.resolve("a"), 5L).execute().outputDir();
        Path b = small(tmp.resolve("b"), 5L).execute().outputDir();
        Path c = small(tmp.resolve("c"), 6L).execute().outputDir();
        Map<String, byte[]> ca = contents(a);
        Map<String, byte[]> cb = contents(b);
        assertThat(cb.keySet()).isEqualTo(ca.keySet());
        for (String f : ca.keySet()) {
            assertThat(cb.get(f)).as(f).isEqualTo(ca.get(f));
        }
        Map<String, byte[]> cc = contents(c);
        assertThat(cc.get("2024-06-30/erp/order_lines.csv")).isNotEqualTo(ca.get("2024-06-30/erp/order_lines.csv"));
        assertThat(cc.get("2024-06-30/crm/interactions.jsonl")).isNotEqualTo(ca.get("2024-06-30/crm/interactions.jsonl"));
        assertThat(cc.get("2024-06-30/market/commodity_prices.csv")).isNotEqualTo(ca.get("2024-06-30/market/commodity_prices.csv"));
    }

    @Test
    void writesTheContractLayoutHeadersAndReferenceCopies() throws IOException {
        Path ref = tmp.resolve("datasets");
        Files.createDirectories(ref);
        Files.writeString(ref.resolve("eu_stock_markets.csv"), "\"time\",\"DAX\"\n1991.5,1628.75\n");
        Files.writeString(ref.resolve("stocks_monthly.csv"), "symbol,date,price\nMSFT,Jan 1 2000,39.81\n");
        GenerateResult r = small(tmp.resolve("landing"), 1L).referenceDir(ref).dirt(DirtRates.none()).execute();
        Path root = r.outputDir();
        LandingFiles landing = new LandingFiles(root);

        assertThat(landing.batches()).containsExactly("2024-06-30", "2024-07-01", "2024-07-02", "2024-07-03");
        assertThat(r.batches()).isEqualTo(landing.batches());
        List<String> expected = new ArrayList<>();
        for (String b : landing.batches()) {
            for (String f : LandingFiles.FILES) {
                expected.add(b + "/" + f);
            }
        }
        expected.add("_dirt.csv");
        expected.add("_manifest.json");
        expected.add("reference/eu_stock_markets.csv");
        expected.add("reference/stocks_monthly.csv");
        assertThat(contents(root).keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(root.resolve("reference/stocks_monthly.csv"))).startsWith("symbol,date,price");

        for (String b : landing.batches()) {
            for (String f : LandingFiles.FILES) {
                List<String> lines = landing.lines(b, f);
                if (f.endsWith(".csv")) {
                    assertThat(LandingFiles.parseCsv(lines.get(0))).as("%s/%s header", b, f).isEqualTo(LandingFiles.COLUMNS.get(f));
                } else if (!lines.isEmpty()) {
                    JsonNode n = LandingFiles.JSON.readTree(lines.get(0));
                    List<String> keys = new ArrayList<>();
                    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                        keys.add(it.next());
                    }
                    assertThat(keys).as("%s/%s keys", b, f).isEqualTo(LandingFiles.COLUMNS.get(f));
                }
            }
        }
        // the initial load holds about two years of daily market data; each later batch one day
        assertThat(r.rows("2024-06-30", "market/commodity_prices.csv")).isEqualTo(731L * 5);
        assertThat(r.rows("2024-06-30", "market/fx_rates.jsonl")).isEqualTo(731L * 3);
        assertThat(r.rows("2024-07-01", "market/fx_rates.jsonl")).isEqualTo(3);
        assertThat(r.rows("2024-07-01", "erp/inventory_snapshots.csv")).isPositive();
        assertThat(landing.lines("2024-06-30", "market/commodity_prices.csv").get(1)).startsWith("2022-07-01,");
        assertThat(r.rows("2024-06-30", "erp/customers.csv")).isBetween(150L, 200L);
        assertThat(r.rows("2024-06-30", "erp/products.csv")).isBetween(40L, 60L);
        assertThat(r.rows("2024-06-30", "erp/plants.csv")).isEqualTo(5);
        assertThat(r.rows("2024-07-01", "erp/plants.csv")).isEqualTo(1);
        assertThat(r.totalRows("erp/order_lines.csv")).isBetween(4_250L, 5_750L);
    }

    @Test
    void noDirtMeansAnEmptyDirtListAndOnlyValidLines() {
        GenerateResult r = small(tmp.resolve("clean"), 3L).dirt(DirtRates.none()).execute();
        LandingFiles landing = new LandingFiles(r.outputDir());
        assertThat(landing.dirt()).isEmpty();
        assertThat(r.dirtTotals()).isEmpty();
        for (GenerateResult.FileResult f : r.files()) {
            assertThat(f.cleanRows()).as("%s %s", f.batch(), f.file()).isEqualTo(f.rows());
        }
        JsonNode m = landing.manifest();
        for (JsonNode b : m.get("batches")) {
            for (Map.Entry<String, JsonNode> e : b.get("files").properties()) {
                assertThat(e.getValue().get("dirt").size()).isZero();
                assertThat(e.getValue().get("clean").asLong()).isEqualTo(e.getValue().get("lines").asLong());
            }
        }
        RowRules rules = new RowRules();
        for (String b : landing.batches()) {
            for (String dim : List.of("erp/customers.csv", "erp/products.csv", "erp/plants.csv", "erp/sales_orders.csv")) {
                for (Map.Entry<Integer, String> e : landing.data(b, dim)) {
                    String id = landing.values(b, dim, e.getValue()).get(0);
                    switch (dim) {
                        case "erp/customers.csv" -> rules.customers.add(id);
                        case "erp/products.csv" -> rules.products.add(id);
                        case "erp/plants.csv" -> rules.plants.add(id);
                        default -> rules.orders.add(id);
                    }
                }
            }
            for (String f : LandingFiles.FILES) {
                java.util.Set<String> keys = new java.util.HashSet<>();
                for (Map.Entry<Integer, String> e : landing.data(b, f)) {
                    List<String> v = landing.values(b, f, e.getValue());
                    assertThat(v).as("%s/%s:%d", b, f, e.getKey()).isNotNull();
                    assertThat(rules.check(f, v)).as("%s/%s:%d %s", b, f, e.getKey(), e.getValue()).isNull();
                    String key = f.equals("erp/order_lines.csv") ? v.get(0) + "|" + v.get(1) : f.equals("erp/inventory_snapshots.csv")
                            ? v.get(0) + "|" + v.get(1) + "|" + v.get(2) : f.startsWith("market/") ? v.get(0) + "|" + v.get(1) : v.get(0);
                    assertThat(keys.add(key)).as("unique key %s in %s/%s", key, b, f).isTrue();
                }
            }
        }
    }

    @Test
    void refusesANonEmptyFolderAndOverwriteDeletesOnlyItsOwnFiles() throws IOException {
        Path out = tmp.resolve("busy");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> small(out, 1L).execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not empty")
                .hasMessageContaining("overwrite(true)");
        small(out, 1L).overwrite(true).dirt(DirtRates.none()).execute();
        Files.writeString(out.resolve("2024-07-01").resolve("erp").resolve("extra.csv"), "mine");
        // a later run with fewer batches removes the batch folders of the earlier one, except foreign files
        small(out, 2L).overwrite(true).incrementalBatches(1).execute();
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("keep me");
        assertThat(out.resolve("2024-07-01/erp/extra.csv")).exists();
        assertThat(out.resolve("2024-07-02")).doesNotExist();
        assertThat(out.resolve("2024-07-03")).doesNotExist();
        assertThat(new LandingFiles(out).batches()).containsExactly("2024-06-30", "2024-07-01");
        assertThat(Files.readString(out.resolve("_manifest.json"), StandardCharsets.UTF_8)).contains("\"seed\" : 2");

        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> small(file, 1L).execute()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
    }

    @Test
    void validatesItsParameters() {
        assertThatThrownBy(() -> EnterpriseDataGenerator.create().execute()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputDir");
        assertThatThrownBy(() -> small(tmp.resolve("x"), 1L).orderLines(10).execute()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orderLines");
        assertThatThrownBy(() -> small(tmp.resolve("x"), 1L).historyStart(LocalDate.of(2024, 6, 1)).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("56 days");
        assertThatThrownBy(() -> small(tmp.resolve("x"), 1L).incrementalBatches(-1).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("incrementalBatches");
        assertThatThrownBy(() -> DirtRates.defaults().with(DirtKind.MALFORMED, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void orderLinesForScale() {
        assertThat(EnterpriseDataGenerator.orderLinesForScale("1")).isEqualTo(25_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("4")).isEqualTo(100_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("40")).isEqualTo(1_000_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("1M")).isEqualTo(1_000_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("10M")).isEqualTo(10_000_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("250K")).isEqualTo(250_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale(" 2.5m ")).isEqualTo(2_500_000);
        assertThat(EnterpriseDataGenerator.orderLinesForScale("100k")).isEqualTo(100_000);
        for (String bad : new String[]{"", " ", "0", "-1", "1.5", "abc", "1G", "0K", "1.0005K", "M", "1 M 2", "99999999999999999M"}) {
            assertThatThrownBy(() -> EnterpriseDataGenerator.orderLinesForScale(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("250K");
        }
        assertThatThrownBy(() -> EnterpriseDataGenerator.orderLinesForScale(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resultSummarisesWhatWasWritten() throws IOException {
        GenerateResult r = small(tmp.resolve("sum"), 4L).incrementalBatches(1).execute();
        assertThat(r.sizes().customers()).isEqualTo(200);
        assertThat(r.sizes().products()).isEqualTo(60);
        assertThat(r.sizes().plants()).isEqualTo(5);
        assertThat(r.files()).hasSize(2 * 12);
        long onDisk;
        try (Stream<Path> s = Files.walk(r.outputDir())) {
            onDisk = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(r.bytesWritten()).isEqualTo(onDisk);
        assertThat(r.duration()).isPositive();
        assertThat(r.summaryLines()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(r.toString()).contains("2024-06-30").contains("order_lines").contains("exact_duplicate");
        assertThat(r.dirt("2024-06-30", "erp/order_lines.csv", DirtKind.EXACT_DUPLICATE)).isPositive();
    }
}
