package dev.lakeforge.generate;

import java.util.SplittableRandom;

/**
 * Plants, production runs, inventory and purchase orders. Each plant makes a subset of the products; every
 * Monday it plans a run per product from the last week's demand and its stock, scaled down when the plan
 * exceeds the plant's weekly capacity; runs happen on a fixed weekday per plant and product. Inventory moves
 * with production and sales; materials are bought weekly from suppliers at that day's commodity price.
 */
final class Operations {
    private static final String[] PLANT_CITIES = {"Hamburg", "Stuttgart", "Leipzig", "Dortmund", "Kassel", "Bremen", "Nürnberg",
            "Dresden", "Essen", "Mainz"};
    private static final int[] PLANT_REGIONS = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
    private static final double[] DEFECT_RATE = {0.006, 0.012, 0.025, 0.009, 0.035, 0.015, 0.008, 0.02, 0.011, 0.03};
    static final int MATERIALS = 4; // steel, aluminium, copper, plastic: the commodities bought by weight
    static final int SUPPLIERS = 20;

    final int plants;
    final double[] capacity;
    private final double[] defectRate;
    private final int[] poDayOfWeek;
    private final int[] plantUpdatedDay;
    private final int[] plantUpdatedSec;

    // plant x product assignments, ordered by plant then product
    private final int assignments;
    private final int[] aPlant;
    private final int[] aProduct;
    private final double[] aShare;
    private final int[] aRunDay;
    private final double[] onHand;
    private final double[] planned;
    private final double[] producedThisWeek;
    private final double[] producedLastWeek;
    private final int[] plantFirst;

    private final double[][] sales7;
    private final String[] supplierCurrency;
    private final boolean[] supplierTons;
    private final int[] supplierMaterial;

    private final long seed;
    private final ProductCatalog products;
    private final MarketModel market;
    private final Days days;
    private long runSeq;
    private long poSeq;
    private boolean capacityKnown;

    Operations(long seed, int plants, ProductCatalog products, MarketModel market, Days days, double[] expectedDailyUnits) {
        this.seed = seed;
        this.plants = plants;
        this.products = products;
        this.market = market;
        this.days = days;
        capacity = new double[plants];
        defectRate = new double[plants];
        poDayOfWeek = new int[plants];
        plantUpdatedDay = new int[plants];
        plantUpdatedSec = new int[plants];
        for (int k = 0; k < plants; k++) {
            SplittableRandom r = Rng.of(seed, Rng.PLANT, k, 0);
            defectRate[k] = DEFECT_RATE[k % DEFECT_RATE.length] * Rng.uniform(r, 0.9, 1.1);
            poDayOfWeek[k] = r.nextBoolean() ? 2 : 4;
            plantUpdatedDay[k] = -400 - r.nextInt(300);
            plantUpdatedSec[k] = 8 * 3600 + r.nextInt(3600);
        }
        // each product: one primary plant, a quarter also a second plant
        int n = products.n;
        int[] primary = new int[n];
        int[] second = new int[n];
        int count = 0;
        for (int p = 0; p < n; p++) {
            SplittableRandom r = Rng.of(seed, Rng.PLANT, 1000 + p, 1);
            // plants specialise a little by category
            primary[p] = r.nextDouble() < 0.6 ? (products.category[p] % plants) : r.nextInt(plants);
            second[p] = plants > 1 && r.nextDouble() < 0.25 ? (primary[p] + 1 + r.nextInt(plants - 1)) % plants : -1;
            count += second[p] >= 0 ? 2 : 1;
        }
        assignments = count;
        aPlant = new int[count];
        aProduct = new int[count];
        aShare = new double[count];
        aRunDay = new int[count];
        onHand = new double[count];
        planned = new double[count];
        producedThisWeek = new double[count];
        producedLastWeek = new double[count];
        plantFirst = new int[plants + 1];
        int i = 0;
        for (int k = 0; k < plants; k++) {
            plantFirst[k] = i;
            for (int p = 0; p < n; p++) {
                if (primary[p] == k || second[p] == k) {
                    aPlant[i] = k;
                    aProduct[i] = p;
                    aShare[i] = second[p] < 0 ? 1.0 : primary[p] == k ? 0.65 : 0.35;
                    aRunDay[i] = 1 + (int) (Rng.unit(seed, Rng.PLANT, k, 2000 + p) * 5);
                    onHand[i] = 14 * expectedDailyUnits[p] * aShare[i];
                    i++;
                }
            }
        }
        plantFirst[plants] = i;
        sales7 = new double[7][n];
        for (double[] day : sales7) {
            for (int p = 0; p < n; p++) {
                day[p] = products.launched(p, 0) ? expectedDailyUnits[p] : 0;
            }
        }
        supplierCurrency = new String[SUPPLIERS];
        supplierTons = new boolean[SUPPLIERS];
        supplierMaterial = new int[SUPPLIERS];
        for (int s = 0; s < SUPPLIERS; s++) {
            SplittableRandom r = Rng.of(seed, Rng.SUPPLIER, s, 0);
            supplierMaterial[s] = s % MATERIALS;
            double u = r.nextDouble();
            supplierCurrency[s] = u < 0.6 ? "EUR" : u < 0.85 ? "USD" : "GBP";
            supplierTons[s] = supplierMaterial[s] != 3 ? r.nextDouble() < 0.7 : r.nextDouble() < 0.3;
        }
    }

    static String plantId(int k) {
        return Text.id("PL", k + 1, 2);
    }

    String[] plantRecord(int k) {
        return new String[]{plantId(k), "Lakeforge Works " + PLANT_CITIES[k % PLANT_CITIES.length] + (k >= PLANT_CITIES.length ? " " + (k / PLANT_CITIES.length + 1) : ""),
                CustomerBase.REGIONS[PLANT_REGIONS[k % PLANT_REGIONS.length]], Long.toString(Math.round(capacity[k])),
                days.timestamp(plantUpdatedDay[k], plantUpdatedSec[k])};
    }

    /** A capacity change (an incremental batch's plants.csv row). */
    void changeCapacity(int k, double factor, int day) {
        capacity[k] = Math.round(capacity[k] * factor);
        plantUpdatedDay[k] = day;
        plantUpdatedSec[k] = 7 * 3600;
    }

    /** Weekly planning (Mondays and the first day): planned run quantities per plant and product. */
    void beginDay(int day) {
        if (!capacityKnown && day >= 28) {
            // capacity: a little above the demand of the first four weeks (summer level) -> binding in peaks
            for (int k = 0; k < plants; k++) {
                double weekly = 0;
                for (int a = plantFirst[k]; a < plantFirst[k + 1]; a++) {
                    for (double[] d : sales7) {
                        weekly += d[aProduct[a]] * aShare[a];
                    }
                }
                capacity[k] = Math.max(50, Math.round(weekly * 1.35));
            }
            capacityKnown = true;
        }
        if (days.dayOfWeek(day) != 1 && day != 0) {
            return;
        }
        for (int k = 0; k < plants; k++) {
            double sum = 0;
            for (int a = plantFirst[k]; a < plantFirst[k + 1]; a++) {
                int p = aProduct[a];
                double forecast = 0;
                for (double[] d : sales7) {
                    forecast += d[p];
                }
                forecast *= aShare[a];
                double q = products.launched(p, day) ? Math.max(0, forecast + 0.5 * (1.5 * forecast - onHand[a])) : 0;
                planned[a] = q;
                sum += q;
                producedLastWeek[a] = producedThisWeek[a];
                producedThisWeek[a] = 0;
            }
            if (capacityKnown && sum > capacity[k]) {
                double f = capacity[k] / sum;
                for (int a = plantFirst[k]; a < plantFirst[k + 1]; a++) {
                    planned[a] *= f;
                }
            }
        }
    }

    /** Production runs of the day, inventory movement, snapshot and purchase orders. */
    void endDay(int day, double[] unitsToday, LandingWriter runs, LandingWriter inventory, LandingWriter purchases, boolean snapshot) {
        int dow = days.dayOfWeek(day);
        String date = days.date(day);
        for (int a = 0; a < assignments; a++) {
            if (aRunDay[a] != dow || planned[a] < 1) {
                continue;
            }
            int p = aProduct[a];
            int k = aPlant[a];
            SplittableRandom r = Rng.of(seed, Rng.PRODUCTION, a, day);
            long plan = Math.round(planned[a]);
            long produced = Math.round(plan * Rng.uniform(r, 0.85, 1.02));
            long defects = Math.min(produced, Math.round(produced * defectRate[k] * Rng.uniform(r, 0.3, 1.7)));
            double hours = 0.5 + produced * products.hoursPerUnit[p] * Rng.uniform(r, 0.95, 1.1);
            onHand[a] += produced - defects;
            producedThisWeek[a] += produced;
            planned[a] = 0;
            runs.write(new String[]{Text.id("R", ++runSeq, 7), plantId(k), products.id(p), date, Long.toString(plan),
                    Long.toString(produced), Long.toString(defects), Text.dec(hours, 2), days.timestamp(day, 14 * 3600 + r.nextInt(8 * 3600))});
        }
        double[] slot = sales7[Math.floorMod(day, 7)];
        for (int p = 0; p < products.n; p++) {
            slot[p] = unitsToday[p];
        }
        for (int a = 0; a < assignments; a++) {
            onHand[a] = Math.max(0, onHand[a] - unitsToday[aProduct[a]] * aShare[a]);
        }
        if (snapshot) {
            String ts = days.timestamp(day, 23 * 3600 + 30 * 60);
            for (int a = 0; a < assignments; a++) {
                if (products.launched(aProduct[a], day)) {
                    inventory.write(new String[]{date, plantId(aPlant[a]), products.id(aProduct[a]), Long.toString(Math.round(onHand[a])), ts});
                }
            }
        }
        for (int k = 0; k < plants; k++) {
            if (poDayOfWeek[k] == dow) {
                purchase(k, day, purchases);
            }
        }
    }

    private void purchase(int k, int day, LandingWriter purchases) {
        double[] kg = new double[MATERIALS];
        for (int a = plantFirst[k]; a < plantFirst[k + 1]; a++) {
            int p = aProduct[a];
            int m = ProductCatalog.COMMODITY[products.category[p]];
            if (m >= 0 && m < MATERIALS) {
                kg[m] += producedLastWeek[a] * products.weightKg[p] * 1.1;
            }
        }
        for (int m = 0; m < MATERIALS; m++) {
            if (kg[m] < 1) {
                continue;
            }
            SplittableRandom r = Rng.of(seed, Rng.PURCHASE, k * 16 + m, day);
            int s = m + MATERIALS * r.nextInt(SUPPLIERS / MATERIALS);
            String currency = supplierCurrency[s];
            boolean tons = supplierTons[s] && kg[m] >= 500;
            double eurPerKg = market.commodityEurPerKg(m, day) * Rng.uniform(r, 0.97, 1.06);
            double pricePerKg = eurPerKg / market.fx(currency, day);
            String qty = tons ? Text.dec(kg[m] / 1000.0, 3) : Text.dec(kg[m], 1);
            String price = tons ? Text.dec(pricePerKg * 1000.0, 2) : Text.dec(pricePerKg, 4);
            purchases.write(new String[]{Text.id("PO", ++poSeq, 6), Text.id("S", s + 1, 3), MarketModel.COMMODITIES[m], days.date(day),
                    qty, tons ? "t" : "kg", price, currency, days.timestamp(day, 9 * 3600 + r.nextInt(3 * 3600))});
        }
    }
}
