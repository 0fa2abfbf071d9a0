package dev.lakeforge.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The products (at most 5,000, kept in primitive arrays) and their demand per day: base level by product and
 * category, yearly seasonality by category, promotions, price response (elasticity -1.5) and list prices that
 * follow the commodity a category depends on with a lag of some weeks.
 */
final class ProductCatalog {
    static final String[] CATEGORIES = {"tools", "cookware", "electronics", "garden", "toys", "lighting", "furniture", "cleaning"};
    /** The commodity (index into {@link MarketModel#COMMODITIES}) a category's cost depends on, -1 for none. */
    static final int[] COMMODITY = {0, 1, 2, 3, 3, 2, 0, -1};
    private static final double[] PASS_THROUGH = {0.6, 0.5, 0.45, 0.55, 0.4, 0.45, 0.4, 0.0};
    private static final double[] SHARE = {0.16, 0.12, 0.14, 0.12, 0.12, 0.10, 0.08, 0.16};
    private static final double[] PRICE_MIN = {12, 18, 25, 5, 6, 9, 60, 2.5};
    private static final double[] PRICE_MAX = {160, 140, 450, 90, 70, 110, 650, 25};
    private static final double[] WEIGHT_MIN = {0.3, 0.5, 0.2, 0.2, 0.1, 0.2, 5, 0.3};
    private static final double[] WEIGHT_MAX = {6, 4, 5, 15, 2, 4, 45, 5};
    private static final double[] SEASON_AMP = {0.15, 0.10, 0.15, 0.45, 0.20, 0.30, 0.10, 0.05};
    private static final double[] SEASON_PEAK = {110, 340, 350, 140, 350, 15, 20, 90};
    private static final double[] Q4_BUMP = {0.2, 0.5, 0.6, 0.0, 1.0, 0.2, 0.0, 0.0};
    private static final double[] LEVEL = {1.0, 0.9, 0.7, 1.0, 1.0, 0.8, 0.4, 1.8};
    private static final double[] HOURS_PER_UNIT = {0.05, 0.04, 0.08, 0.03, 0.02, 0.04, 0.4, 0.01};
    /** Where a product goes when its category changes (a re-classification between related categories). */
    private static final int[] RELATED = {3, 7, 5, 0, 3, 2, 0, 1};
    private static final String[][] ITEMS = {
            {"Cordless Drill", "Claw Hammer", "Wrench Set", "Screwdriver Kit", "Pliers", "Angle Grinder", "Tape Measure", "Hand Saw", "Spirit Level"},
            {"Frying Pan", "Stock Pot", "Saucepan", "Wok", "Roasting Tin", "Kettle", "Casserole", "Baking Tray"},
            {"Power Bank", "USB Charger", "Bluetooth Speaker", "Headphones", "Smart Plug", "Extension Lead", "Webcam", "Router"},
            {"Garden Hose", "Planter", "Watering Can", "Rake", "Lawn Sprinkler", "Garden Chair", "Compost Bin", "Seed Tray"},
            {"Building Blocks", "Puzzle", "Toy Car", "Doll", "Board Game", "Kite", "Water Pistol", "Marble Run"},
            {"LED Bulb", "Desk Lamp", "Floor Lamp", "String Lights", "Ceiling Light", "Torch", "Night Light"},
            {"Office Chair", "Bookshelf", "Side Table", "Desk", "Wardrobe", "Bed Frame", "Shoe Rack"},
            {"Dish Soap", "Sponges", "Microfibre Cloths", "Floor Cleaner", "Bin Bags", "Glass Cleaner", "Descaler"}};
    private static final String[] BRANDS = {"Brava", "Kühne", "Nordvik", "Solano", "Ferrotec", "Lumio", "Høst", "Camino", "Verda", "Atelier Noé", "Oakmere", "Zeller"};
    static final int LATENT = 4;
    private static final double COMMON_SEASON = 0.12;
    private static final int REVISION_DAYS = 28;

    final int n;
    final byte[] category;
    final String[] name;
    final double[] basePrice;
    final double[] baseCost;
    final double[] listPrice;
    final double[] unitCost;
    final double[] priceAdj;
    final double[] weightKg;
    final double[] level;
    final double[] hoursPerUnit;
    final int[] launchDay;
    final int[] revisionOffset;
    final int[] lagDays;
    final int[] updatedDay;
    final int[] updatedSec;
    final int[] priceRoseUntil;
    final float[] latent;

    // the current day
    final boolean[] promo;
    final int[] discount;
    final double[] weight;
    private final double[] uplift;
    private int[][] members;
    private final double[][] cumulative;
    final double[] categoryTotal = new double[CATEGORIES.length];

    private final long seed;
    private final MarketModel market;

    ProductCatalog(long seed, int n, int totalDays, MarketModel market) {
        this.seed = seed;
        this.n = n;
        this.market = market;
        category = new byte[n];
        name = new String[n];
        basePrice = new double[n];
        baseCost = new double[n];
        listPrice = new double[n];
        unitCost = new double[n];
        priceAdj = new double[n];
        weightKg = new double[n];
        level = new double[n];
        hoursPerUnit = new double[n];
        launchDay = new int[n];
        revisionOffset = new int[n];
        lagDays = new int[n];
        updatedDay = new int[n];
        updatedSec = new int[n];
        priceRoseUntil = new int[n];
        latent = new float[n * LATENT];
        promo = new boolean[n];
        discount = new int[n];
        weight = new double[n];
        uplift = new double[n];
        cumulative = new double[CATEGORIES.length][];

        // launch days first, sorted, so that product ids follow the launch order
        SplittableRandom lr = Rng.of(seed, Rng.PRODUCT, -1, 0);
        int[] launches = new int[n];
        for (int p = 0; p < n; p++) {
            launches[p] = lr.nextDouble() < 0.85 || p < 16 ? -30 - lr.nextInt(1400) : lr.nextInt(Math.max(1, totalDays));
        }
        Arrays.sort(launches);
        for (int p = 0; p < n; p++) {
            SplittableRandom r = Rng.of(seed, Rng.PRODUCT, p, 0);
            int c = p < CATEGORIES.length ? p : Rng.pick(r, SHARE);
            category[p] = (byte) c;
            launchDay[p] = launches[p];
            double u = r.nextDouble();
            basePrice[p] = Text.round(PRICE_MIN[c] * StrictMath.pow(PRICE_MAX[c] / PRICE_MIN[c], u * u), 2);
            baseCost[p] = basePrice[p] * Rng.uniform(r, 0.42, 0.68);
            priceAdj[p] = 1.0;
            weightKg[p] = WEIGHT_MIN[c] * StrictMath.pow(WEIGHT_MAX[c] / WEIGHT_MIN[c], r.nextDouble());
            level[p] = LEVEL[c] * StrictMath.exp(0.75 * Rng.normal(r));
            hoursPerUnit[p] = HOURS_PER_UNIT[c] * Rng.uniform(r, 0.7, 1.4);
            revisionOffset[p] = r.nextInt(REVISION_DAYS);
            lagDays[p] = 21 + r.nextInt(36);
            for (int k = 0; k < LATENT; k++) {
                latent[p * LATENT + k] = (float) (0.6 * Rng.normal(r));
            }
            String item = ITEMS[c][r.nextInt(ITEMS[c].length)];
            name[p] = BRANDS[r.nextInt(BRANDS.length)] + " " + item + " " + (char) ('A' + r.nextInt(26)) + (100 + r.nextInt(900));
            listPrice[p] = basePrice[p];
            unitCost[p] = Text.round(baseCost[p], 2);
            updatedDay[p] = launchDay[p];
            updatedSec[p] = 8 * 3600 + r.nextInt(8 * 3600);
            priceRoseUntil[p] = Integer.MIN_VALUE;
        }
        // the list price on day 0 already reflects the commodity prices of the weeks before
        for (int p = 0; p < n; p++) {
            listPrice[p] = priceFor(p, 0);
            unitCost[p] = costFor(p, 0);
        }
        rebuildMembers();
    }

    static double categorySeason(int cat, int dayOfYear) {
        double s = 1 + SEASON_AMP[cat] * StrictMath.cos(2 * Math.PI * (dayOfYear - SEASON_PEAK[cat]) / 365.25);
        double dist = Math.abs(dayOfYear - 342);
        dist = Math.min(dist, 365.25 - dist);
        s += Q4_BUMP[cat] * StrictMath.exp(-(dist / 24) * (dist / 24));
        // common to all categories: a peak before Christmas, a dip in early summer
        return Math.max(0.15, s) * (1 + COMMON_SEASON * StrictMath.cos(2 * Math.PI * (dayOfYear - 330) / 365.25));
    }

    /** The average seasonality over categories (weighted by their share of demand). */
    static double overallSeason(int dayOfYear) {
        double num = 0;
        double den = 0;
        for (int c = 0; c < CATEGORIES.length; c++) {
            num += SHARE[c] * LEVEL[c] * categorySeason(c, dayOfYear);
            den += SHARE[c] * LEVEL[c];
        }
        return num / den;
    }

    private double commodityRatio(int p, int day) {
        int c = COMMODITY[category[p]];
        if (c < 0) {
            return 1.0;
        }
        return market.commodity(c, day - lagDays[p]) / market.commodity(c, -lagDays[p] - 60);
    }

    private double priceFor(int p, int day) {
        double ratio = commodityRatio(p, day);
        return Text.round(basePrice[p] * priceAdj[p] * (1 + PASS_THROUGH[category[p]] * (ratio - 1)), 2);
    }

    private double costFor(int p, int day) {
        double ratio = commodityRatio(p, day);
        return Text.round(baseCost[p] * (1 + 0.8 * (ratio - 1)), 2);
    }

    boolean launched(int p, int day) {
        return launchDay[p] <= day;
    }

    /**
     * The scheduled price revision (every four weeks per product): the list price follows the lagged commodity
     * price. Returns whether the product row changed on that day.
     */
    boolean revise(int p, int day) {
        if (!launched(p, day) || Math.floorMod(day + revisionOffset[p], REVISION_DAYS) != 0) {
            return false;
        }
        double price = priceFor(p, day);
        double cost = costFor(p, day);
        if (price == listPrice[p] && cost == unitCost[p]) {
            return false;
        }
        if (price > listPrice[p] * 1.02) {
            priceRoseUntil[p] = day + 90;
        }
        listPrice[p] = price;
        unitCost[p] = cost;
        updatedDay[p] = day;
        updatedSec[p] = 6 * 3600;
        return true;
    }

    /** A slowly changing attribute change on an incremental day: a list price change or a re-classification. */
    void change(int p, int day, SplittableRandom r) {
        if (r.nextDouble() < 0.7) {
            double f = Rng.uniform(r, 0.03, 0.08);
            priceAdj[p] *= r.nextBoolean() ? 1 + f : 1 - f;
            double price = priceFor(p, day);
            if (price > listPrice[p] * 1.02) {
                priceRoseUntil[p] = day + 90;
            }
            listPrice[p] = price;
        } else {
            category[p] = (byte) RELATED[category[p]];
            rebuildMembers();
        }
        updatedDay[p] = day;
        updatedSec[p] = 9 * 3600 + r.nextInt(8 * 3600);
    }

    private void rebuildMembers() {
        int[] counts = new int[CATEGORIES.length];
        for (int p = 0; p < n; p++) {
            counts[category[p]]++;
        }
        members = new int[CATEGORIES.length][];
        for (int c = 0; c < CATEGORIES.length; c++) {
            members[c] = new int[counts[c]];
            cumulative[c] = new double[counts[c]];
            counts[c] = 0;
        }
        for (int p = 0; p < n; p++) {
            int c = category[p];
            members[c][counts[c]++] = p;
        }
    }

    /** Promotions and demand weights of every product for the day; builds the per-category samplers. */
    void prepareDay(int day, int dayOfYear, int block14) {
        double overall = overallSeason(dayOfYear);
        double[] rel = new double[CATEGORIES.length];
        for (int c = 0; c < CATEGORIES.length; c++) {
            rel[c] = categorySeason(c, dayOfYear) / overall;
        }
        for (int p = 0; p < n; p++) {
            if (!launched(p, day)) {
                promo[p] = false;
                discount[p] = 0;
                weight[p] = 0;
                continue;
            }
            SplittableRandom r = Rng.of(seed, Rng.PROMO, p, block14);
            promo[p] = false;
            discount[p] = 0;
            uplift[p] = 1;
            if (r.nextDouble() < 0.25) {
                int len = 3 + r.nextInt(5);
                int start = r.nextInt(14 - len + 1);
                int pos = day - block14 * 14;
                if (pos >= start && pos < start + len && day - launchDay[p] >= 14) {
                    promo[p] = true;
                    discount[p] = 5 * (2 + r.nextInt(5));
                    uplift[p] = Rng.uniform(r, 1.4, 1.8);
                }
            }
            double effective = listPrice[p] * (1 - discount[p] / 100.0);
            double ramp = Math.min(1.0, (day - launchDay[p] + 1) / 30.0);
            weight[p] = level[p] * rel[category[p]] * uplift[p] * StrictMath.pow(effective / basePrice[p], -1.5) * ramp;
        }
        for (int c = 0; c < CATEGORIES.length; c++) {
            double s = 0;
            int[] m = members[c];
            double[] cum = cumulative[c];
            for (int i = 0; i < m.length; i++) {
                s += weight[m[i]];
                cum[i] = s;
            }
            categoryTotal[c] = s;
        }
    }

    /** A product of the category drawn by today's demand weights; -1 when nothing of it is on sale. */
    int sample(int cat, SplittableRandom r) {
        if (categoryTotal[cat] <= 0) {
            return -1;
        }
        int[] m = members[cat];
        return m[Rng.searchCumulative(cumulative[cat], m.length, r.nextDouble() * categoryTotal[cat])];
    }

    boolean priceRose(int p, int day) {
        return day < priceRoseUntil[p];
    }

    String id(int p) {
        return Text.id("P", p + 1, 4);
    }

    /** The products.csv record as of now. */
    String[] record(int p, Days days) {
        boolean grams = weightKg[p] < 1.0;
        return new String[]{
                id(p), name[p], CATEGORIES[category[p]], Text.dec(unitCost[p], 2), Text.dec(listPrice[p], 2),
                grams ? Long.toString(Math.round(weightKg[p] * 1000)) : Text.dec(weightKg[p], 2), grams ? "g" : "kg",
                days.date(launchDay[p]), days.timestamp(Math.max(updatedDay[p], launchDay[p]), updatedSec[p])};
    }
}
