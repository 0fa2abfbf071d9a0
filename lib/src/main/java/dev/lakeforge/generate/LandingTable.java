package dev.lakeforge.generate;

import java.util.List;

/** The landing files of one batch, in the order of the contract (docs/landing-data.md), with their columns and keys. */
enum LandingTable {
    CUSTOMERS("erp/customers.csv", new int[]{0},
            "customer_id", "name", "email", "customer_type", "region", "city", "signup_date", "status", "updated_at"),
    PRODUCTS("erp/products.csv", new int[]{0},
            "product_id", "name", "category", "unit_cost", "list_price", "weight", "weight_unit", "launched_at", "updated_at"),
    PLANTS("erp/plants.csv", new int[]{0},
            "plant_id", "name", "region", "weekly_capacity", "updated_at"),
    SALES_ORDERS("erp/sales_orders.csv", new int[]{0},
            "order_id", "customer_id", "order_date", "channel", "region", "status", "updated_at"),
    ORDER_LINES("erp/order_lines.csv", new int[]{0, 1},
            "order_id", "line_no", "product_id", "quantity", "unit_price", "discount_pct", "promo_flag", "updated_at"),
    PRODUCTION_RUNS("erp/production_runs.csv", new int[]{0},
            "run_id", "plant_id", "product_id", "run_date", "planned_qty", "produced_qty", "defect_qty", "machine_hours", "updated_at"),
    INVENTORY_SNAPSHOTS("erp/inventory_snapshots.csv", new int[]{0, 1, 2},
            "snapshot_date", "plant_id", "product_id", "on_hand_qty", "updated_at"),
    PURCHASE_ORDERS("erp/purchase_orders.csv", new int[]{0},
            "po_id", "supplier_id", "material", "order_date", "quantity", "unit", "unit_price", "currency", "updated_at"),
    INTERACTIONS("crm/interactions.jsonl", new int[]{0},
            "event_id", "customer_id", "product_id", "event_type", "rating", "event_time"),
    COMMODITY_PRICES("market/commodity_prices.csv", new int[]{0, 1},
            "price_date", "commodity", "price", "currency", "unit"),
    FX_RATES("market/fx_rates.jsonl", new int[]{0, 1},
            "rate_date", "currency", "rate_to_eur"),
    STOCK_INDEX("market/stock_index.csv", new int[]{0, 1},
            "index_date", "index_name", "close");

    /** The extra column of the order lines in the second incremental batch. */
    static final String PROMO_CODE = "promo_code";

    private final String path;
    private final int[] keyColumns;
    private final String[] columns;

    LandingTable(String path, int[] keyColumns, String... columns) {
        this.path = path;
        this.keyColumns = keyColumns;
        this.columns = columns;
    }

    /** The path inside a batch folder, e.g. {@code erp/order_lines.csv}. */
    String path() {
        return path;
    }

    boolean json() {
        return path.endsWith(".jsonl");
    }

    String[] columns() {
        return columns.clone();
    }

    List<String> columnList() {
        return List.of(columns);
    }

    /** The record key as listed in {@code _dirt.csv}: the key columns joined with '|'. */
    String key(String[] rec) {
        if (keyColumns.length == 1) {
            return rec[keyColumns[0]];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyColumns.length; i++) {
            if (i > 0) {
                sb.append('|');
            }
            sb.append(rec[keyColumns[i]]);
        }
        return sb.toString();
    }

    static boolean numericJsonColumn(String column) {
        return column.equals("rating") || column.equals("rate_to_eur");
    }

    static LandingTable byPath(String path) {
        for (LandingTable t : values()) {
            if (t.path.equals(path)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no landing file " + path);
    }
}
