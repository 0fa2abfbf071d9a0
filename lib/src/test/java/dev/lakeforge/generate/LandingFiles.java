package dev.lakeforge.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a generated landing folder the way a strict consumer would (test side, independent of the writer). */
final class LandingFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FILES = List.of("erp/customers.csv", "erp/products.csv", "erp/plants.csv", "erp/sales_orders.csv",
            "erp/order_lines.csv", "erp/production_runs.csv", "erp/inventory_snapshots.csv", "erp/purchase_orders.csv",
            "crm/interactions.jsonl", "market/commodity_prices.csv", "market/fx_rates.jsonl", "market/stock_index.csv");
    /** The columns of the contract (docs/landing-data.md), in order. */
    static final Map<String, List<String>> COLUMNS = Map.ofEntries(
            Map.entry("erp/customers.csv", List.of("customer_id", "name", "email", "customer_type", "region", "city", "signup_date", "status", "updated_at")),
            Map.entry("erp/products.csv", List.of("product_id", "name", "category", "unit_cost", "list_price", "weight", "weight_unit", "launched_at", "updated_at")),
            Map.entry("erp/plants.csv", List.of("plant_id", "name", "region", "weekly_capacity", "updated_at")),
            Map.entry("erp/sales_orders.csv", List.of("order_id", "customer_id", "order_date", "channel", "region", "status", "updated_at")),
            Map.entry("erp/order_lines.csv", List.of("order_id", "line_no", "product_id", "quantity", "unit_price", "discount_pct", "promo_flag", "updated_at")),
            Map.entry("erp/production_runs.csv", List.of("run_id", "plant_id", "product_id", "run_date", "planned_qty", "produced_qty", "defect_qty", "machine_hours", "updated_at")),
            Map.entry("erp/inventory_snapshots.csv", List.of("snapshot_date", "plant_id", "product_id", "on_hand_qty", "updated_at")),
            Map.entry("erp/purchase_orders.csv", List.of("po_id", "supplier_id", "material", "order_date", "quantity", "unit", "unit_price", "currency", "updated_at")),
            Map.entry("crm/interactions.jsonl", List.of("event_id", "customer_id", "product_id", "event_type", "rating", "event_time")),
            Map.entry("market/commodity_prices.csv", List.of("price_date", "commodity", "price", "currency", "unit")),
            Map.entry("market/fx_rates.jsonl", List.of("rate_date", "currency", "rate_to_eur")),
            Map.entry("market/stock_index.csv", List.of("index_date", "index_name", "close")));

    record DirtRow(String batch, String file, long line, String kind, String key, String note) {
    }

    private final Path root;
    private final Map<String, List<String>> cache = new HashMap<>();

    LandingFiles(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    List<String> batches() {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The physical lines of a file ('\n' separated; no '\r' allowed). */
    List<String> lines(String batch, String file) {
        return cache.computeIfAbsent(batch + "/" + file, k -> read(root.resolve(batch).resolve(file)));
    }

    static List<String> read(Path f) {
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            if (s.indexOf('\r') >= 0) {
                throw new AssertionError(f + " contains \\r");
            }
            if (!s.isEmpty() && !s.endsWith("\n")) {
                throw new AssertionError(f + " does not end with \\n");
            }
            List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
            out.remove(out.size() - 1);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header of a CSV file, or the expected columns of a JSON lines file. */
    List<String> header(String batch, String file) {
        return file.endsWith(".jsonl") ? COLUMNS.get(file) : parseCsv(lines(batch, file).get(0));
    }

    /** Data lines with their 1-based physical line number. */
    List<Map.Entry<Integer, String>> data(String batch, String file) {
        List<String> l = lines(batch, file);
        List<Map.Entry<Integer, String>> out = new ArrayList<>();
        int first = file.endsWith(".jsonl") ? 0 : 1;
        for (int i = first; i < l.size(); i++) {
            out.add(Map.entry(i + 1, l.get(i)));
        }
        return out;
    }

    /**
     * The values of one line, in header order, {@code null} for empty/null; {@code null} when the line cannot be
     * parsed (unterminated quote, wrong field count, invalid JSON, other keys).
     */
    List<String> values(String batch, String file, String line) {
        List<String> header = header(batch, file);
        if (file.endsWith(".jsonl")) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                return null;
            }
            if (n == null || !n.isObject() || n.size() != header.size()) {
                return null;
            }
            List<String> out = new ArrayList<>();
            Iterator<String> names = n.fieldNames();
            for (String h : header) {
                if (!names.hasNext() || !names.next().equals(h)) {
                    return null;
                }
                JsonNode v = n.get(h);
                out.add(v.isNull() ? null : v.asText());
            }
            return out;
        }
        List<String> f = parseCsv(line);
        if (f == null || f.size() != header.size()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String v : f) {
            out.add(v.isEmpty() ? null : v);
        }
        return out;
    }

    /** RFC 4180 fields of one physical line; {@code null} for an unterminated quoted field. */
    static List<String> parseCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            sb.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                        } else {
                            i++;
                            closed = true;
                            break;
                        }
                    } else {
                        sb.append(c);
                        i++;
                    }
                }
                if (!closed || (i < n && line.charAt(i) != ',')) {
                    return null;
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    if (line.charAt(i) == '"') {
                        return null;
                    }
                    sb.append(line.charAt(i++));
                }
            }
            out.add(sb.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }

    List<DirtRow> dirt() {
        List<String> l = read(root.resolve("_dirt.csv"));
        if (!l.get(0).equals("batch,file,line,kind,key,note")) {
            throw new AssertionError("bad _dirt.csv header " + l.get(0));
        }
        List<DirtRow> out = new ArrayList<>();
        for (String s : l.subList(1, l.size())) {
            List<String> f = parseCsv(s);
            if (f == null || f.size() != 6) {
                throw new AssertionError("bad _dirt.csv line " + s);
            }
            out.add(new DirtRow(f.get(0), f.get(1), Long.parseLong(f.get(2)), f.get(3), f.get(4), f.get(5)));
        }
        return out;
    }

    JsonNode manifest() {
        try {
            return JSON.readTree(root.resolve("_manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
