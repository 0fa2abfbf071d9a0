package dev.lakeforge.generate;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which dirt kinds apply to which landing file and row, and how a dirty variant of a clean record looks.
 *
 * <p>Modes: duplicates are copies emitted later ({@link Mode#COPY}); in the transactional files the other kinds
 * replace the clean row ({@link Mode#REPLACE}). In customers and products a malformed line is an extra broken
 * re-send of a row that is also present clean ({@link Mode#VARIANT}), so no order loses its customer or product.
 * In sales orders the kinds that would drop a header (missing customer, unknown customer, bad date, malformed)
 * go only into extra synthetic headers that have no lines ({@link Mode#SYNTHETIC}), so no line loses its order.
 */
final class DirtInjector {
    enum Mode { COPY, REPLACE, VARIANT, SYNTHETIC }

    /** A dirty variant: either fields (rendered like a clean record) or a raw line (malformed). */
    record Dirty(String[] fields, String raw, String note) {
    }

    private static final String[] BAD_DATES = {"2024-13-45", "yesterday"};
    private static final String[] BAD_TIMESTAMPS = {"2024-13-45T10:00:00Z", "yesterday"};
    private static final String[] BAD_NUMBERS = {"abc", "12,5"};
    private static final String[] BAD_RATINGS = {"0", "6", "7", "10", "-1"};

    private final long unknownCustomerBase;
    private final int plants;

    DirtInjector(int customersTotal, int plants) {
        this.unknownCustomerBase = Math.max(9_000_000L, customersTotal + 1L);
        this.plants = plants;
    }

    boolean applicable(LandingTable t, DirtKind k, String[] rec) {
        boolean rating = t == LandingTable.INTERACTIONS && "rating".equals(rec[3]);
        return switch (t) {
            case CUSTOMERS -> k == DirtKind.EXACT_DUPLICATE || k == DirtKind.NEAR_DUPLICATE || k == DirtKind.MISSING_VALUE
                    || k == DirtKind.MALFORMED;
            case PRODUCTS -> k == DirtKind.EXACT_DUPLICATE || k == DirtKind.NEAR_DUPLICATE || k == DirtKind.MALFORMED;
            case SALES_ORDERS -> k != DirtKind.OUT_OF_RANGE && k.isDataLine() && k != DirtKind.LATE_CORRECTION;
            case ORDER_LINES, PRODUCTION_RUNS -> k.isDataLine() && k != DirtKind.LATE_CORRECTION;
            case INTERACTIONS -> switch (k) {
                case EXACT_DUPLICATE, NEAR_DUPLICATE, MISSING_REQUIRED, MALFORMED, TYPE_ERROR, UNKNOWN_FK -> true;
                case MISSING_VALUE, OUT_OF_RANGE -> rating;
                default -> false;
            };
            case COMMODITY_PRICES, FX_RATES, STOCK_INDEX -> k == DirtKind.EXACT_DUPLICATE;
            default -> false;
        };
    }

    Mode mode(LandingTable t, DirtKind k) {
        if (k == DirtKind.EXACT_DUPLICATE || k == DirtKind.NEAR_DUPLICATE) {
            return Mode.COPY;
        }
        if ((t == LandingTable.CUSTOMERS || t == LandingTable.PRODUCTS) && k == DirtKind.MALFORMED) {
            return Mode.VARIANT;
        }
        if (t == LandingTable.SALES_ORDERS && k != DirtKind.MISSING_VALUE) {
            return Mode.SYNTHETIC;
        }
        return Mode.REPLACE;
    }

    Dirty apply(LandingTable t, DirtKind k, String[] clean, String[] columns, SplittableRandom r) {
        String[] f = clean.clone();
        return switch (k) {
            case NEAR_DUPLICATE -> near(t, f, r);
            case MISSING_VALUE -> missingValue(t, f, r);
            case MISSING_REQUIRED -> missingRequired(t, f);
            case MALFORMED -> malformed(t, f, columns, r);
            case TYPE_ERROR -> typeError(t, f, r);
            case OUT_OF_RANGE -> outOfRange(t, f, r);
            case UNKNOWN_FK -> unknownFk(t, f, r);
            default -> throw new IllegalStateException("no variant for " + k);
        };
    }

    private static String pad(String s, SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> "  " + s;
            case 1 -> s + " ";
            default -> " " + s + "  ";
        };
    }

    private Dirty near(LandingTable t, String[] f, SplittableRandom r) {
        switch (t) {
            case CUSTOMERS -> {
                int v = f[2] == null ? 0 : r.nextInt(3);
                if (v != 1) {
                    f[1] = pad(f[1], r);
                }
                if (v != 0) {
                    f[2] = f[2].toUpperCase(Locale.ROOT);
                }
                return new Dirty(f, null, v == 0 ? "name padded" : v == 1 ? "email upper-cased" : "name padded, email upper-cased");
            }
            case PRODUCTS -> {
                f[1] = pad(f[1], r);
                boolean cat = r.nextBoolean();
                if (cat) {
                    f[2] = pad(f[2], r);
                }
                return new Dirty(f, null, cat ? "name and category padded" : "name padded");
            }
            case SALES_ORDERS -> {
                if (f[3] != null && r.nextBoolean()) {
                    f[3] = pad(f[3], r);
                    return new Dirty(f, null, "channel padded");
                }
                f[4] = pad(f[4], r);
                return new Dirty(f, null, "region padded");
            }
            case ORDER_LINES -> {
                f[2] = pad(f[2], r);
                return new Dirty(f, null, "product_id padded");
            }
            case PRODUCTION_RUNS -> {
                int c = r.nextBoolean() ? 1 : 2;
                f[c] = pad(f[c], r);
                return new Dirty(f, null, (c == 1 ? "plant_id" : "product_id") + " padded");
            }
            case INTERACTIONS -> {
                f[3] = pad(f[3], r);
                boolean p = r.nextBoolean();
                if (p) {
                    f[2] = pad(f[2], r);
                }
                return new Dirty(f, null, p ? "event_type and product_id padded" : "event_type padded");
            }
            default -> throw new IllegalStateException("no near duplicate for " + t);
        }
    }

    private static Dirty missingValue(LandingTable t, String[] f, SplittableRandom r) {
        int c = switch (t) {
            case CUSTOMERS -> r.nextBoolean() ? 2 : 5;
            case SALES_ORDERS -> 3;
            case ORDER_LINES -> 5;
            case PRODUCTION_RUNS -> 7;
            case INTERACTIONS -> 4;
            case COMMODITY_PRICES -> 2;
            case FX_RATES -> 2;
            case STOCK_INDEX -> 2;
            default -> throw new IllegalStateException("no optional column in " + t);
        };
        f[c] = null;
        return new Dirty(f, null, t.columnList().get(c) + " empty");
    }

    private static Dirty missingRequired(LandingTable t, String[] f) {
        int c = switch (t) {
            case SALES_ORDERS -> 1;
            case ORDER_LINES -> 3;
            case PRODUCTION_RUNS -> 5;
            case INTERACTIONS -> 1;
            default -> throw new IllegalStateException("no required column for dirt in " + t);
        };
        f[c] = null;
        return new Dirty(f, null, t.columnList().get(c) + " empty" + (t == LandingTable.SALES_ORDERS ? " (order without lines)" : ""));
    }

    private static Dirty malformed(LandingTable t, String[] f, String[] columns, SplittableRandom r) {
        String suffix = t == LandingTable.SALES_ORDERS ? " (order without lines)" : "";
        if (t.json()) {
            String line = Text.jsonLine(columns, numericMask(columns), f);
            switch (r.nextInt(3)) {
                case 0 -> {
                    int cut = (int) (line.length() * Rng.uniform(r, 0.3, 0.85));
                    return new Dirty(null, line.substring(0, Math.max(1, Math.min(cut, line.length() - 2))), "truncated JSON" + suffix);
                }
                case 1 -> {
                    String key = "\"" + columns[columns.length > 3 ? 3 : 1] + "\":";
                    String bare = columns[columns.length > 3 ? 3 : 1] + ":";
                    return new Dirty(null, line.replace(key, bare), "unquoted JSON field name" + suffix);
                }
                default -> {
                    return new Dirty(null, line.substring(0, line.length() - 1) + ",", "JSON object not closed" + suffix);
                }
            }
        }
        int n = f.length;
        switch (r.nextInt(3)) {
            case 0 -> {
                int keep = Math.max(1, n - 1 - r.nextInt(2));
                return new Dirty(null, Text.csvLine(Arrays.copyOf(f, keep)), "too few fields (" + keep + " of " + n + ")" + suffix);
            }
            case 1 -> {
                String[] more = Arrays.copyOf(f, n + 1);
                more[n] = "unexpected";
                return new Dirty(null, Text.csvLine(more), "too many fields (" + (n + 1) + " of " + n + ")" + suffix);
            }
            default -> {
                // the quote opens early in the line and never closes: a line-based parser swallows the remaining
                // separators and sees too few fields, a strict one an unterminated quote
                int at = 1 + r.nextInt(Math.max(1, n - 2));
                StringBuilder sb = new StringBuilder(Text.csvLine(Arrays.copyOf(f, at)));
                sb.append(",\"");
                for (int i = at; i < n; i++) {
                    if (i > at) {
                        sb.append(',');
                    }
                    sb.append(f[i] == null ? "" : f[i].replace("\"", ""));
                }
                return new Dirty(null, sb.toString(), "unterminated quote in " + columns[at] + suffix);
            }
        }
    }

    private static Dirty typeError(LandingTable t, String[] f, SplittableRandom r) {
        switch (t) {
            case SALES_ORDERS -> {
                f[2] = BAD_DATES[r.nextInt(2)];
                return new Dirty(f, null, "order_date=" + f[2] + " (order without lines)");
            }
            case ORDER_LINES -> {
                int c = 3 + r.nextInt(3);
                f[c] = BAD_NUMBERS[r.nextInt(2)];
                return new Dirty(f, null, t.columnList().get(c) + "=" + f[c]);
            }
            case PRODUCTION_RUNS -> {
                int v = r.nextInt(3);
                if (v == 0) {
                    f[3] = BAD_DATES[r.nextInt(2)];
                    return new Dirty(f, null, "run_date=" + f[3]);
                }
                int c = v == 1 ? 4 : 5;
                f[c] = BAD_NUMBERS[r.nextInt(2)];
                return new Dirty(f, null, t.columnList().get(c) + "=" + f[c]);
            }
            case INTERACTIONS -> {
                if ("rating".equals(f[3]) && r.nextBoolean()) {
                    f[4] = r.nextBoolean() ? "abc" : "4,5";
                    return new Dirty(f, null, "rating=" + f[4]);
                }
                f[5] = BAD_TIMESTAMPS[r.nextInt(2)];
                return new Dirty(f, null, "event_time=" + f[5]);
            }
            default -> throw new IllegalStateException("no typed column for dirt in " + t);
        }
    }

    private static Dirty outOfRange(LandingTable t, String[] f, SplittableRandom r) {
        switch (t) {
            case ORDER_LINES -> {
                int c = 3 + r.nextInt(3);
                switch (c) {
                    case 3 -> f[3] = r.nextBoolean() ? "0" : Integer.toString(-1 - r.nextInt(5));
                    case 4 -> f[4] = r.nextBoolean() ? "0.00" : "-" + f[4];
                    default -> f[5] = r.nextBoolean() ? Integer.toString(101 + r.nextInt(50)) : Integer.toString(-5 - r.nextInt(16));
                }
                return new Dirty(f, null, t.columnList().get(c) + "=" + f[c]);
            }
            case PRODUCTION_RUNS -> {
                long produced = Long.parseLong(f[5]);
                if (r.nextBoolean() || produced == 0) {
                    f[6] = Long.toString(produced + 1 + r.nextInt(20));
                    return new Dirty(f, null, "defect_qty=" + f[6] + " > produced_qty=" + f[5]);
                }
                f[5] = Long.toString(-produced);
                return new Dirty(f, null, "produced_qty=" + f[5]);
            }
            case INTERACTIONS -> {
                f[4] = BAD_RATINGS[r.nextInt(BAD_RATINGS.length)];
                return new Dirty(f, null, "rating=" + f[4]);
            }
            default -> throw new IllegalStateException("no range check for dirt in " + t);
        }
    }

    private Dirty unknownFk(LandingTable t, String[] f, SplittableRandom r) {
        switch (t) {
            case SALES_ORDERS -> {
                f[1] = unknownCustomer(r);
                return new Dirty(f, null, "customer_id " + f[1] + " does not exist (order without lines)");
            }
            case ORDER_LINES -> {
                f[2] = unknownProduct(r);
                return new Dirty(f, null, "product_id " + f[2] + " does not exist");
            }
            case PRODUCTION_RUNS -> {
                f[1] = unknownPlant(r);
                return new Dirty(f, null, "plant_id " + f[1] + " does not exist");
            }
            case INTERACTIONS -> {
                if (r.nextBoolean()) {
                    f[1] = unknownCustomer(r);
                    return new Dirty(f, null, "customer_id " + f[1] + " does not exist");
                }
                f[2] = unknownProduct(r);
                return new Dirty(f, null, "product_id " + f[2] + " does not exist");
            }
            default -> throw new IllegalStateException("no foreign key for dirt in " + t);
        }
    }

    private String unknownCustomer(SplittableRandom r) {
        return Text.id("C", unknownCustomerBase + r.nextInt(900_000), 6);
    }

    /** Products are capped at 5,000, so P9000..P9999 never exist. */
    private static String unknownProduct(SplittableRandom r) {
        return Text.id("P", 9000 + r.nextInt(1000), 4);
    }

    private String unknownPlant(SplittableRandom r) {
        return Text.id("PL", Math.max(90, plants + 1) + r.nextInt(10), 2);
    }

    static boolean[] numericMask(String[] columns) {
        boolean[] m = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            m[i] = LandingTable.numericJsonColumn(columns[i]);
        }
        return m;
    }
}
