package dev.lakeforge.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a refine step would check on a parsed row (test side): required values, types, ranges and foreign keys.
 * {@link #check} returns the dirt kind a row violates first, or {@code null} for a valid row.
 */
final class RowRules {
    private static final Pattern INT = Pattern.compile("-?\\d+");
    private static final Pattern DEC = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern TS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final Set<String> CATEGORIES = Set.of("tools", "cookware", "electronics", "garden", "toys", "lighting", "furniture", "cleaning");
    private static final Set<String> EVENTS = Set.of("view", "rating", "add_to_basket", "purchase", "complaint");

    final Set<String> customers = new HashSet<>();
    final Set<String> products = new HashSet<>();
    final Set<String> plants = new HashSet<>();
    final Set<String> orders = new HashSet<>();

    /** Thrown inside a check with the kind of the violation. */
    private static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String kind;

        Violation(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    record Result(String kind, String message) {
    }

    /** The first violation of the row (values in header order, null = empty) or null when it is valid. */
    Result check(String file, List<String> v) {
        try {
            rules(file, v);
            return null;
        } catch (Violation e) {
            return new Result(e.kind, e.getMessage());
        }
    }

    private void rules(String file, List<String> v) {
        switch (file) {
            case "erp/customers.csv" -> {
                text(v, 0, true);
                text(v, 1, true);
                text(v, 2, false);
                oneOf(v, 3, Set.of("B2C", "B2B"));
                text(v, 4, true);
                text(v, 5, false);
                date(v, 6, true);
                oneOf(v, 7, Set.of("active", "closed"));
                ts(v, 8, true);
            }
            case "erp/products.csv" -> {
                text(v, 0, true);
                text(v, 1, true);
                oneOf(v, 2, CATEGORIES);
                positive(v, 3, true);
                positive(v, 4, true);
                positive(v, 5, true);
                oneOf(v, 6, Set.of("g", "kg"));
                date(v, 7, true);
                ts(v, 8, true);
            }
            case "erp/plants.csv" -> {
                text(v, 0, true);
                text(v, 1, true);
                text(v, 2, true);
                intRange(v, 3, true, 1, Long.MAX_VALUE);
                ts(v, 4, true);
            }
            case "erp/sales_orders.csv" -> {
                text(v, 0, true);
                fk(v, 1, true, customers);
                date(v, 2, true);
                if (v.get(3) == null) {
                    throw new Violation("missing_value", "channel empty");
                }
                oneOf(v, 3, Set.of("web", "store", "distributor"));
                text(v, 4, true);
                oneOf(v, 5, Set.of("created", "shipped", "cancelled", "returned"));
                ts(v, 6, true);
            }
            case "erp/order_lines.csv" -> {
                fk(v, 0, true, orders);
                intRange(v, 1, true, 1, 1000);
                require(v, 3);
                intRange(v, 3, true, 1, Long.MAX_VALUE);
                positive(v, 4, true);
                intRange(v, 5, false, 0, 100);
                oneOf(v, 6, Set.of("0", "1"));
                ts(v, 7, true);
                fk(v, 2, true, products);
                if (v.get(5) != null && (v.get(6).equals("1") != !v.get(5).equals("0"))) {
                    throw new AssertionError("promo_flag and discount_pct disagree: " + v);
                }
            }
            case "erp/production_runs.csv" -> {
                text(v, 0, true);
                require(v, 5);
                date(v, 3, true);
                intRange(v, 4, true, 0, Long.MAX_VALUE);
                intRange(v, 5, true, 0, Long.MAX_VALUE);
                intRange(v, 6, true, 0, Long.MAX_VALUE);
                if (Long.parseLong(v.get(6)) > Long.parseLong(v.get(5))) {
                    throw new Violation("out_of_range", "defect_qty > produced_qty");
                }
                if (v.get(7) == null) {
                    throw new Violation("missing_value", "machine_hours empty");
                }
                positive(v, 7, false);
                ts(v, 8, true);
                fk(v, 1, true, plants);
                fk(v, 2, true, products);
            }
            case "erp/inventory_snapshots.csv" -> {
                date(v, 0, true);
                fk(v, 1, true, plants);
                fk(v, 2, true, products);
                intRange(v, 3, true, 0, Long.MAX_VALUE);
                ts(v, 4, true);
            }
            case "erp/purchase_orders.csv" -> {
                text(v, 0, true);
                text(v, 1, true);
                oneOf(v, 2, Set.of("steel", "aluminium", "copper", "plastic"));
                date(v, 3, true);
                positive(v, 4, true);
                oneOf(v, 5, Set.of("kg", "t"));
                positive(v, 6, true);
                oneOf(v, 7, Set.of("EUR", "USD", "GBP"));
                ts(v, 8, true);
            }
            case "crm/interactions.jsonl" -> {
                text(v, 0, true);
                require(v, 1);
                oneOf(v, 3, EVENTS);
                if (v.get(3).equals("rating")) {
                    if (v.get(4) == null) {
                        throw new Violation("missing_value", "rating empty");
                    }
                    intRange(v, 4, true, 1, 5);
                } else if (v.get(4) != null) {
                    throw new AssertionError("rating on a " + v.get(3) + " event: " + v);
                }
                ts(v, 5, true);
                fk(v, 1, true, customers);
                fk(v, 2, true, products);
            }
            case "market/commodity_prices.csv", "market/fx_rates.jsonl", "market/stock_index.csv" -> {
                date(v, 0, true);
                text(v, 1, true);
                if (v.get(2) == null) {
                    throw new Violation("missing_value", "value empty");
                }
                positive(v, 2, true);
            }
            default -> throw new AssertionError("no rules for " + file);
        }
    }

    private static void require(List<String> v, int i) {
        if (v.get(i) == null) {
            throw new Violation("missing_required", "column " + i + " empty");
        }
    }

    private static void text(List<String> v, int i, boolean required) {
        if (v.get(i) == null) {
            throw new Violation(required ? "missing_required" : "missing_value", "column " + i + " empty");
        }
    }

    private static void oneOf(List<String> v, int i, Set<String> allowed) {
        text(v, i, true);
        if (!allowed.contains(v.get(i))) {
            throw new AssertionError("unexpected value " + v.get(i) + " in column " + i + ": " + v);
        }
    }

    private static void date(List<String> v, int i, boolean required) {
        text(v, i, required);
        try {
            LocalDate.parse(v.get(i));
        } catch (DateTimeParseException e) {
            throw new Violation("type_error", "not a date: " + v.get(i));
        }
    }

    private static void ts(List<String> v, int i, boolean required) {
        text(v, i, required);
        if (!TS.matcher(v.get(i)).matches()) {
            throw new Violation("type_error", "not a timestamp: " + v.get(i));
        }
        try {
            Instant.parse(v.get(i));
        } catch (DateTimeParseException e) {
            throw new Violation("type_error", "not a timestamp: " + v.get(i));
        }
    }

    private static void intRange(List<String> v, int i, boolean required, long min, long max) {
        String s = v.get(i);
        if (s == null) {
            if (required) {
                throw new Violation("missing_required", "column " + i + " empty");
            }
            throw new Violation("missing_value", "column " + i + " empty");
        }
        if (!INT.matcher(s).matches()) {
            throw new Violation("type_error", "not an integer: " + s);
        }
        long x = Long.parseLong(s);
        if (x < min || x > max) {
            throw new Violation("out_of_range", s + " outside " + min + ".." + max);
        }
    }

    private static void positive(List<String> v, int i, boolean required) {
        String s = v.get(i);
        if (s == null) {
            throw new Violation(required ? "missing_required" : "missing_value", "column " + i + " empty");
        }
        if (!DEC.matcher(s).matches()) {
            throw new Violation("type_error", "not a number: " + s);
        }
        if (Double.parseDouble(s) <= 0) {
            throw new Violation("out_of_range", s + " <= 0");
        }
    }

    private static void fk(List<String> v, int i, boolean required, Set<String> ids) {
        text(v, i, required);
        if (!ids.contains(v.get(i))) {
            throw new Violation("unknown_fk", v.get(i) + " does not exist");
        }
    }
}
