package dev.lakeforge.generate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The day-by-day simulation behind {@link EnterpriseDataGenerator}: market, products, customers, orders,
 * interactions, production, inventory and purchasing, streamed into one folder per batch. Only dimension state
 * and bounded buffers live in memory.
 */
final class Simulation {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

    static final int WEB = 0;
    static final int STORE = 1;
    static final int DISTRIBUTOR = 2;
    /** Order intensity by weekday (Mon..Sun) and channel; normalised to mean 1 per channel. */
    private static final double[][] WEEKLY = {
            {0.95, 0.9, 0.9, 0.95, 1.0, 1.25, 1.45},
            {0.8, 0.8, 0.85, 0.9, 1.1, 1.8, 0.3},
            {1.4, 1.4, 1.4, 1.4, 1.3, 0.1, 0.0}};
    private static final double[] WEB_HOURS = {1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1, 1.5, 2, 2.2, 2.3, 2.5, 2.3, 2.2, 2.2, 2.4, 2.8,
            3.3, 3.8, 4, 3.5, 2.5, 1.6};
    private static final double TREND_PER_YEAR = 0.10;
    private static final double PRE_CHURN_STRETCH = 2.5;
    private static final double AFFINITY_STRENGTH = 1.6;
    private static final int CANDIDATES = 8;
    private static final double CONTACT_GAP_DAYS = 300;
    private static final String[] PROMO_SEASON = {"WINTER", "WINTER", "SPRING", "SPRING", "SPRING", "SUMMER", "SUMMER", "SUMMER",
            "AUTUMN", "AUTUMN", "AUTUMN", "WINTER"};

    record Sizes(int customers, int products, int plants, int suppliers) {
    }

    private final EnterpriseDataGenerator.Settings s;
    private final long seed;
    private final Path out;
    private final Path tmp;
    private final int history;
    private final int total;
    private final Days days;
    private final MarketModel market;
    private final ProductCatalog products;
    private final CustomerBase customers;
    private final Operations operations;
    private final DirtInjector injector;
    private final CorrectionReservoir reservoir;
    private final double[][] cumulative;
    private final double[] unitsToday;
    private final double gapScale;
    private final Set<String> correctedOrders = new HashSet<>();
    private final List<LandingWriter.Stats> stats = new ArrayList<>();
    private final Sizes sizes;

    private long orderSeq;
    private long eventSeq;
    private int[] buffer = new int[1024];
    private final double[] candWeight = new double[CANDIDATES];
    private final int[] candProduct = new int[CANDIDATES];
    private final double[] catWeight = new double[ProductCatalog.CATEGORIES.length];

    // the batch being written
    private int batchIndex;
    private String batchName;
    private int batchLastDay;
    private Map<LandingTable, LandingWriter> w;
    private boolean promoColumn;
    private final TreeSet<Integer> changedCustomers = new TreeSet<>();
    private final TreeSet<Integer> changedProducts = new TreeSet<>();
    private long linesToday;
    /** Two days per market file of the initial load that get one missing value. */
    private final int[][] marketGapDays = new int[3][];

    Simulation(EnterpriseDataGenerator.Settings settings, Path out, Path tmp) {
        this.s = settings;
        this.seed = settings.seed();
        this.out = out;
        this.tmp = tmp;
        this.history = (int) ChronoUnit.DAYS.between(settings.historyStart(), settings.initialBatchDate()) + 1;
        this.total = history + settings.incrementalBatches();
        this.days = new Days(settings.historyStart(), total);
        long lines = settings.orderLines();
        int nCustomers = (int) Math.max(200, lines / 25);
        int nProducts = (int) Math.min(5000, 40 + lines / 250);
        int nPlants = (int) (5 + lines / 2_000_000);
        this.sizes = new Sizes(nCustomers, nProducts, nPlants, Operations.SUPPLIERS);
        this.market = new MarketModel(seed, settings.historyStart(), total);
        this.products = new ProductCatalog(seed, nProducts, total, market);
        this.customers = new CustomerBase(seed, nCustomers, history, total);
        this.injector = new DirtInjector(nCustomers, nPlants);
        this.unitsToday = new double[nProducts];

        // the order rhythm: cumulative intensity per channel, calibrated to the requested number of lines
        double[] base = baseIntensity();
        this.cumulative = new double[3][total + 1];
        for (int ch = 0; ch < 3; ch++) {
            double mean = 0;
            for (double v : WEEKLY[ch]) {
                mean += v / 7;
            }
            for (int d = 0; d < total; d++) {
                cumulative[ch][d + 1] = cumulative[ch][d] + base[d] * WEEKLY[ch][days.dayOfWeek(d) - 1] / mean;
            }
        }
        double[] cum = new double[total + 1];
        for (int d = 0; d < total; d++) {
            cum[d + 1] = cum[d] + base[d];
        }
        this.gapScale = calibrate(cum, lines);

        double linesPerDay = (double) lines / total;
        double[] expectedUnits = expectedDailyUnits(linesPerDay);
        this.operations = new Operations(seed, nPlants, products, market, days, expectedUnits);
        this.reservoir = new CorrectionReservoir(2048, Math.min(1.0, 2048 / (30 * linesPerDay)), Rng.of(seed, Rng.RESERVOIR, 0, 0));
        scheduleFirst();
    }

    Sizes sizes() {
        return sizes;
    }

    List<LandingWriter.Stats> stats() {
        return stats;
    }

    int historyDays() {
        return history;
    }

    // ------------------------------------------------------------------ set-up

    /** Trend x yearly seasonality x compensation for the number of customers alive that day. */
    private double[] baseIntensity() {
        int[] diff = new int[total + 1];
        for (int c = 0; c < customers.n; c++) {
            int start = Math.max(customers.signup[c], 0);
            int end = Math.min(customers.churn[c], total);
            if (start < end && customers.segment[c] != CustomerBase.PROSPECT) {
                diff[start]++;
                diff[end]--;
            }
        }
        double[] alive = new double[total];
        int a = 0;
        double mean = 0;
        for (int d = 0; d < total; d++) {
            a += diff[d];
            alive[d] = a;
            mean += a / (double) total;
        }
        double[] base = new double[total];
        for (int d = 0; d < total; d++) {
            double comp = alive[d] > 0 ? Math.max(0.5, Math.min(2.0, mean / alive[d])) : 1.0;
            base[d] = StrictMath.pow(1 + TREND_PER_YEAR, d / 365.25) * ProductCatalog.overallSeason(days.dayOfYear(d)) * comp;
        }
        return base;
    }

    private static double meanLines(int seg) {
        return switch (seg) {
            case CustomerBase.BARGAIN -> 1.8;
            case CustomerBase.LOYAL -> 3.0;
            case CustomerBase.OCCASIONAL -> 1.8;
            default -> 5.0;
        };
    }

    /** The factor on every customer's mean gap between orders so that the expected lines match the request. */
    private double calibrate(double[] cum, long target) {
        double renewal = 0;
        double first = 0;
        for (int c = 0; c < customers.n; c++) {
            int seg = customers.segment[c];
            int start = Math.max(customers.signup[c], 0);
            int end = Math.min(customers.churn[c], total);
            if (start >= end || seg == CustomerBase.PROSPECT) {
                continue;
            }
            int window = customers.churn[c] == Integer.MAX_VALUE ? end : Math.max(start, Math.min(end, customers.churn[c] - 90));
            double op = (cum[window] - cum[start]) + (cum[end] - cum[window]) / PRE_CHURN_STRETCH;
            renewal += op / (CustomerBase.GAP_DAYS[seg] * customers.gapMult[c]) * meanLines(seg);
            if (customers.signup[c] >= 0) {
                first += 0.8 * meanLines(seg);
            }
        }
        return renewal / Math.max(target - first, 0.25 * target);
    }

    private double[] expectedDailyUnits(double linesPerDay) {
        products.prepareDay(0, days.dayOfYear(0), 0);
        double sum = 0;
        for (int p = 0; p < products.n; p++) {
            sum += products.weight[p];
        }
        double[] e = new double[products.n];
        for (int p = 0; p < products.n; p++) {
            e[p] = sum > 0 ? linesPerDay * 12.0 * products.weight[p] / sum : 0;
        }
        return e;
    }

    private double meanGap(int c) {
        return CustomerBase.GAP_DAYS[customers.segment[c]] * customers.gapMult[c] * gapScale;
    }

    /** The first day at or after {@code from} whose cumulative intensity reaches {@code target}; -1 if none. */
    private int dayFor(int ch, double target, int from) {
        double[] cum = cumulative[ch];
        int lo = Math.max(0, from);
        int hi = total;
        if (lo >= total || cum[total] < target) {
            return -1;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid + 1] >= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo < total ? lo : -1;
    }

    private int drawChannel(int c, SplittableRandom r) {
        return Rng.pick(r, CustomerBase.CHANNEL_MIX[customers.segment[c]]);
    }

    private void scheduleFirst() {
        for (int c = 0; c < customers.n; c++) {
            SplittableRandom r = Rng.of(seed, Rng.SCHEDULE, c, -1);
            int seg = customers.segment[c];
            int ch = drawChannel(c, r);
            customers.nextChannel[c] = (byte) ch;
            int start = Math.max(customers.signup[c], 0);
            double gap = Rng.gamma(r, CustomerBase.GAP_SHAPE[seg], meanGap(c));
            double target;
            if (customers.signup[c] < 0) {
                target = cumulative[ch][0] + r.nextDouble() * gap;
            } else if (r.nextDouble() < 0.8) {
                target = cumulative[ch][start] + 1e-9;
            } else {
                target = cumulative[ch][start] + gap;
            }
            int day = dayFor(ch, target, start);
            if (seg != CustomerBase.PROSPECT && day >= 0 && day < customers.churn[c]) {
                customers.scheduleOrder(c, day);
            }
            int contact = customers.signup[c] < 0
                    ? (int) (r.nextDouble() * CONTACT_GAP_DAYS)
                    : start + (int) Rng.exponential(r, CONTACT_GAP_DAYS / 2);
            scheduleContact(c, start, contact, r);
        }
    }

    private void scheduleContact(int c, int today, int day, SplittableRandom r) {
        int churn = customers.churn[c];
        if (churn != Integer.MAX_VALUE && today < churn - 90 && day >= churn - 90) {
            // whoever is about to churn gets in touch in the weeks before
            day = churn - 90 + r.nextInt(25);
        }
        day = Math.max(day, today + 1);
        if (day < total && day < churn) {
            customers.scheduleContact(c, day);
        }
    }

    // ------------------------------------------------------------------ batches

    void run(BufferedWriter dirtCsv) throws IOException {
        LocalDate start = s.historyStart();
        openBatch(0, days.date(history - 1), history - 1);
        for (int d = 0; d < history; d++) {
            simulateDay(d);
            if (d % 90 == 89) {
                LOG.debug("simulated up to {}", start.plusDays(d));
            }
        }
        int signed = customers.signedUpBy(history - 1);
        for (int c = 0; c < signed; c++) {
            w.get(LandingTable.CUSTOMERS).write(customers.record(c, days));
        }
        for (int p = 0; p < products.n; p++) {
            if (products.launched(p, history - 1)) {
                w.get(LandingTable.PRODUCTS).write(products.record(p, days));
            }
        }
        for (int k = 0; k < operations.plants; k++) {
            w.get(LandingTable.PLANTS).write(operations.plantRecord(k));
        }
        closeBatch(dirtCsv);

        for (int i = 1; i <= s.incrementalBatches(); i++) {
            int d = history + i - 1;
            openBatch(i, days.date(d), d);
            changeDimensions(d, i);
            simulateDay(d);
            for (int c : changedCustomers) {
                w.get(LandingTable.CUSTOMERS).write(customers.record(c, days));
            }
            for (int p : changedProducts) {
                w.get(LandingTable.PRODUCTS).write(products.record(p, days));
            }
            if (i == 1) {
                w.get(LandingTable.PLANTS).write(operations.plantRecord(0));
            }
            lateCorrections(d);
            closeBatch(dirtCsv);
        }
    }

    private void openBatch(int index, String name, int lastDay) {
        batchIndex = index;
        batchName = name;
        batchLastDay = lastDay;
        changedCustomers.clear();
        changedProducts.clear();
        promoColumn = index == 2 && s.dirt().newColumn();
        Path dir = out.resolve(name);
        w = new EnumMap<>(LandingTable.class);
        for (LandingTable t : LandingTable.values()) {
            String[] cols = t.columns();
            if (t == LandingTable.ORDER_LINES && promoColumn) {
                cols = Arrays.copyOf(cols, cols.length + 1);
                cols[cols.length - 1] = LandingTable.PROMO_CODE;
            }
            DirtRates rates = s.dirt();
            LandingWriter lw = new LandingWriter(dir, tmp.resolve(index + "-" + t.ordinal() + ".csv"), name, t, cols, rates, injector,
                    Rng.of(seed, Rng.DIRT, index, t.ordinal()));
            w.put(t, lw);
        }
        w.get(LandingTable.SALES_ORDERS).synthetic(rec -> {
            String[] extra = rec.clone();
            extra[0] = Text.id("O", ++orderSeq, 8);
            extra[5] = "created";
            return extra;
        });
        if (promoColumn) {
            w.get(LandingTable.ORDER_LINES).logHeader(DirtKind.NEW_COLUMN, LandingTable.PROMO_CODE,
                    "extra last column promo_code (header and every row; set on promotion lines)");
        }
        if (index == 0 && s.dirt().missingValue() > 0) {
            scheduleMarketGaps();
        }
    }

    private void closeBatch(BufferedWriter dirtCsv) throws IOException {
        for (LandingWriter lw : w.values()) {
            lw.close();
            stats.add(lw.stats());
        }
        for (LandingTable t : LandingTable.values()) {
            Path f = w.get(t).dirtFile();
            try (java.io.BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                in.transferTo(dirtCsv);
            }
            Files.delete(f);
        }
        dirtCsv.flush();
        LOG.debug("Batch {} written", batchName);
    }

    private void scheduleMarketGaps() {
        SplittableRandom r = Rng.of(seed, Rng.MARKET_DIRT, 0, 0);
        for (int k = 0; k < 3; k++) {
            int a = 10 + r.nextInt(Math.max(1, history - 20));
            int b = 10 + r.nextInt(Math.max(1, history - 20));
            while (b == a) {
                b = 10 + r.nextInt(Math.max(1, history - 20));
            }
            marketGapDays[k] = new int[]{a, b};
        }
    }

    private DirtKind marketGap(int k, int day, int row, int rows) {
        int[] g = marketGapDays[k];
        if (batchIndex != 0 || g == null) {
            return null;
        }
        for (int gd : g) {
            if (gd == day && row == (int) (Rng.unit(seed, Rng.MARKET_DIRT, k, day) * rows)) {
                return DirtKind.MISSING_VALUE;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ one day

    private void simulateDay(int d) {
        int doy = days.dayOfYear(d);
        writeMarket(d);
        for (int p = 0; p < products.n; p++) {
            if (products.revise(p, d) && d >= history) {
                changedProducts.add(p);
            }
        }
        products.prepareDay(d, doy, Math.floorDiv(d, 14));
        operations.beginDay(d);
        Arrays.fill(unitsToday, 0);
        linesToday = 0;

        buffer = customers.drainOrders(d, buffer);
        int count = buffer[0];
        int[] todays = Arrays.copyOfRange(buffer, 1, count + 1);
        for (int c : todays) {
            placeOrder(c, d);
        }
        buffer = customers.drainContacts(d, buffer);
        count = buffer[0];
        todays = Arrays.copyOfRange(buffer, 1, count + 1);
        for (int c : todays) {
            contact(c, d);
        }
        boolean snapshot = d >= history || days.dayOfWeek(d) == 7;
        operations.endDay(d, unitsToday, w.get(LandingTable.PRODUCTION_RUNS), w.get(LandingTable.INVENTORY_SNAPSHOTS),
                w.get(LandingTable.PURCHASE_ORDERS), snapshot);
    }

    private void writeMarket(int d) {
        String date = days.date(d);
        LandingWriter cp = w.get(LandingTable.COMMODITY_PRICES);
        for (int c = 0; c < MarketModel.COMMODITIES.length; c++) {
            cp.write(new String[]{date, MarketModel.COMMODITIES[c], Text.dec(market.commodity(c, d), MarketModel.COMMODITY_DECIMALS[c]),
                    MarketModel.COMMODITY_CURRENCY[c], MarketModel.COMMODITY_UNIT[c]}, marketGap(0, d, c, MarketModel.COMMODITIES.length));
        }
        LandingWriter fx = w.get(LandingTable.FX_RATES);
        for (int k = 0; k < MarketModel.CURRENCIES.length; k++) {
            fx.write(new String[]{date, MarketModel.CURRENCIES[k], Text.dec(market.fx(k, d), 6)}, marketGap(1, d, k, MarketModel.CURRENCIES.length));
        }
        if (MarketModel.businessDay(days.localDate(d))) {
            LandingWriter si = w.get(LandingTable.STOCK_INDEX);
            for (int k = 0; k < MarketModel.INDEXES.length; k++) {
                si.write(new String[]{date, MarketModel.INDEXES[k], Text.dec(market.index(k, d), 2)}, marketGap(2, d, k, MarketModel.INDEXES.length));
            }
        }
    }

    private int orderSecond(int ch, SplittableRandom r) {
        int hour = switch (ch) {
            case WEB -> Rng.pick(r, WEB_HOURS);
            case STORE -> 9 + r.nextInt(11);
            default -> 7 + r.nextInt(10);
        };
        return hour * 3600 + r.nextInt(3600);
    }

    private int lineCount(int seg, SplittableRandom r) {
        int l = switch (seg) {
            case CustomerBase.BARGAIN -> 1 + Rng.poisson(r, 0.8);
            case CustomerBase.LOYAL -> 1 + Rng.poisson(r, 2.0);
            case CustomerBase.OCCASIONAL -> 1 + Rng.poisson(r, 0.8);
            default -> 2 + Rng.poisson(r, 3.0);
        };
        return Math.min(l, Math.min(14, products.n));
    }

    private int quantity(int seg, boolean promo, SplittableRandom r) {
        return switch (seg) {
            case CustomerBase.BARGAIN -> 1 + Rng.poisson(r, promo ? 1.0 : 0.25);
            case CustomerBase.LOYAL -> 1 + Rng.poisson(r, 0.5);
            case CustomerBase.OCCASIONAL -> 1 + Rng.poisson(r, 0.3);
            default -> (int) Math.max(5, Math.round(StrictMath.exp(Math.log(24) + 0.6 * Rng.normal(r)) * (promo ? 1.3 : 1.0)));
        };
    }

    /** A category for one line of the customer's order: segment habits x what sells today. */
    private int category(int seg, SplittableRandom r) {
        for (int cat = 0; cat < catWeight.length; cat++) {
            catWeight[cat] = CustomerBase.CATEGORY_PREF[seg][cat] * products.categoryTotal[cat];
        }
        return Rng.pick(r, catWeight);
    }

    /**
     * A product for the customer: candidates drawn by today's demand weights, one of them chosen by the customer's
     * affinity (latent factors), promotion sensitivity and, before churning, attention to products whose price rose.
     */
    private int chooseProduct(int c, int seg, boolean preChurn, int day, SplittableRandom r) {
        int cat = category(seg, r);
        if (cat < 0) {
            return -1;
        }
        double sum = 0;
        for (int j = 0; j < CANDIDATES; j++) {
            int p = products.sample(cat, r);
            candProduct[j] = p;
            double wgt = StrictMath.exp(AFFINITY_STRENGTH * customers.affinity(c, products, p));
            if (products.promo[p]) {
                wgt *= CustomerBase.PROMO_SENSITIVITY[seg];
            }
            if (preChurn && products.priceRose(p, day)) {
                wgt *= 3;
            }
            candWeight[j] = wgt;
            sum += wgt;
        }
        double x = r.nextDouble() * sum;
        for (int j = 0; j < CANDIDATES; j++) {
            x -= candWeight[j];
            if (x < 0) {
                return candProduct[j];
            }
        }
        return candProduct[CANDIDATES - 1];
    }

    private int rating(int c, int p, SplittableRandom r) {
        double v = 3.1 + 1.6 * customers.affinity(c, products, p) + 0.6 * Rng.normal(r);
        return (int) Math.max(1, Math.min(5, Math.round(v)));
    }

    private void event(int c, int p, String type, String rating, int day, int second) {
        w.get(LandingTable.INTERACTIONS).write(new String[]{Text.id("E", ++eventSeq, 9), customers.id(c), products.id(p), type, rating,
                days.timestamp(day, second)});
    }

    private void placeOrder(int c, int d) {
        if (!customers.alive(c, d)) {
            return;
        }
        SplittableRandom r = Rng.of(seed, Rng.ORDER, c, d);
        int seg = customers.segment[c];
        int ch = customers.nextChannel[c];
        boolean preChurn = customers.preChurn(c, d);
        int sec = orderSecond(ch, r);
        int lines = lineCount(seg, r);
        int[] chosen = new int[lines];
        int n = 0;
        for (int i = 0; i < lines; i++) {
            int p = chooseProduct(c, seg, preChurn, d, r);
            for (int attempt = 0; attempt < 2 && contains(chosen, n, p); attempt++) {
                p = chooseProduct(c, seg, preChurn, d, r);
            }
            if (p >= 0 && !contains(chosen, n, p)) {
                chosen[n++] = p;
            }
        }
        if (n > 0) {
            writeOrder(c, d, r, seg, ch, preChurn, sec, chosen, n);
        }
        scheduleNextOrder(c, d, r, preChurn);
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    private void writeOrder(int c, int d, SplittableRandom r, int seg, int ch, boolean preChurn, int sec, int[] chosen, int n) {
        String orderId = Text.id("O", ++orderSeq, 8);
        String orderTs = days.timestamp(d, sec);
        String status;
        String updated;
        if (d >= batchLastDay - 1) {
            status = "created";
            updated = orderTs;
        } else {
            double u = r.nextDouble();
            status = u < 0.035 ? "cancelled" : u < 0.065 ? "returned" : "shipped";
            int upd = Math.min(batchLastDay, d + (status.equals("cancelled") ? 1 : status.equals("returned") ? 12 : 2));
            updated = days.timestamp(upd, 8 * 3600 + r.nextInt(10 * 3600));
        }
        String[] header = {orderId, customers.id(c), days.date(d), CustomerBase.CHANNELS[ch], CustomerBase.REGIONS[customers.region[c]], status, updated};
        long headerLine = w.get(LandingTable.SALES_ORDERS).write(header);
        boolean b2b = customers.type[c] == 1;
        LandingWriter lw = w.get(LandingTable.ORDER_LINES);
        for (int i = 0; i < n; i++) {
            int p = chosen[i];
            boolean promo = products.promo[p];
            int qty = quantity(seg, promo, r);
            double price = Text.round(products.listPrice[p] * (b2b ? 0.9 : 1.0), 2);
            String[] rec = promoColumn ? new String[9] : new String[8];
            rec[0] = orderId;
            rec[1] = Integer.toString(i + 1);
            rec[2] = products.id(p);
            rec[3] = Integer.toString(qty);
            rec[4] = Text.dec(price, 2);
            rec[5] = Integer.toString(promo ? products.discount[p] : 0);
            rec[6] = promo ? "1" : "0";
            rec[7] = orderTs;
            if (promoColumn) {
                rec[8] = promo ? promoCode(d, products.discount[p]) : null;
            }
            long l = lw.write(rec);
            if (l > 0) {
                reservoir.offer(batchIndex, batchName, l, rec, header, headerLine);
            }
            unitsToday[p] += qty;
            linesToday++;
        }
        // the customer's clicks around the order, drawn from the same affinities
        int views = Rng.poisson(r, 0.25 * n);
        for (int v = 0; v < views; v++) {
            int p = chooseProduct(c, seg, preChurn, d, r);
            if (p >= 0) {
                event(c, p, "view", null, d, sec - 60 - r.nextInt(3600));
            }
        }
        for (int i = 0; i < n; i++) {
            int p = chosen[i];
            if (r.nextDouble() < 0.35) {
                event(c, p, "add_to_basket", null, d, sec - 30 - r.nextInt(1200));
            }
            if (r.nextDouble() < 0.3) {
                event(c, p, "purchase", null, d, sec);
            }
            if (r.nextDouble() < 0.1) {
                event(c, p, "rating", Integer.toString(rating(c, p, r)), d, sec + 3600 + r.nextInt(8 * 3600));
            }
        }
        if (r.nextDouble() < (preChurn ? 0.5 : 0.02)) {
            int p = chosen[0];
            for (int i = 0; i < n; i++) {
                if (products.priceRose(chosen[i], d)) {
                    p = chosen[i];
                }
            }
            event(c, p, "complaint", null, d, sec + 1800 + r.nextInt(6 * 3600));
        }
    }

    private String promoCode(int day, int discount) {
        return PROMO_SEASON[days.localDate(day).getMonthValue() - 1] + discount;
    }

    private void scheduleNextOrder(int c, int d, SplittableRandom r, boolean preChurn) {
        int seg = customers.segment[c];
        int ch = drawChannel(c, r);
        customers.nextChannel[c] = (byte) ch;
        double gap = Rng.gamma(r, CustomerBase.GAP_SHAPE[seg], meanGap(c)) * (preChurn ? PRE_CHURN_STRETCH : 1.0);
        int next = dayFor(ch, cumulative[ch][d + 1] + Math.max(gap, 1e-6), d + 1);
        if (next > d && next < customers.churn[c]) {
            customers.scheduleOrder(c, next);
        }
    }

    /** A visit without an order: views, sometimes a rating; before churning, complaints. */
    private void contact(int c, int d) {
        if (!customers.alive(c, d)) {
            return;
        }
        SplittableRandom r = Rng.of(seed, Rng.CONTACT, c, d);
        int seg = customers.segment[c];
        boolean preChurn = customers.preChurn(c, d);
        int sec = 8 * 3600 + r.nextInt(14 * 3600);
        int views = 1 + Rng.poisson(r, 0.5);
        int first = -1;
        int risen = -1;
        for (int v = 0; v < views; v++) {
            int p = chooseProduct(c, seg, preChurn, d, r);
            if (p < 0) {
                continue;
            }
            if (first < 0) {
                first = p;
            }
            if (products.priceRose(p, d)) {
                risen = p;
            }
            event(c, p, "view", null, d, sec + 40 * v);
        }
        if (first >= 0 && r.nextDouble() < 0.25) {
            event(c, first, "rating", Integer.toString(rating(c, first, r)), d, sec + 600);
        }
        if (first >= 0 && r.nextDouble() < (preChurn ? 0.75 : 0.01)) {
            event(c, risen >= 0 ? risen : first, "complaint", null, d, sec + 900 + r.nextInt(3600));
        }
        double gap = Rng.exponential(r, CONTACT_GAP_DAYS * (preChurn ? 0.2 : 1.0));
        scheduleContact(c, d, d + 1 + (int) gap, r);
    }

    // ------------------------------------------------------------------ incremental batches

    private void changeDimensions(int d, int index) {
        SplittableRandom r = Rng.of(seed, Rng.SCD, 1, d);
        int signedBefore = customers.signedUpBy(d - 1);
        int signedNow = customers.signedUpBy(d);
        for (int c = signedBefore; c < signedNow; c++) {
            changedCustomers.add(c);
        }
        int moves = (int) Math.max(3, Math.round(0.003 * signedBefore));
        TreeSet<Integer> picked = new TreeSet<>();
        for (int attempt = 0; picked.size() < Math.min(moves, signedBefore) && attempt < moves * 20; attempt++) {
            picked.add(r.nextInt(Math.max(1, signedBefore)));
        }
        for (int c : picked) {
            double u = r.nextDouble();
            if (u < 0.5) {
                int reg = (customers.region[c] + 1 + r.nextInt(CustomerBase.REGIONS.length - 1)) % CustomerBase.REGIONS.length;
                customers.region[c] = (byte) reg;
                customers.city[c] = (byte) r.nextInt(CustomerBase.CITIES[reg].length);
            } else if (u < 0.8) {
                int reg = customers.region[c];
                customers.city[c] = (byte) ((customers.city[c] + 1 + r.nextInt(CustomerBase.CITIES[reg].length - 1)) % CustomerBase.CITIES[reg].length);
            } else {
                customers.type[c] = (byte) (1 - customers.type[c]);
            }
            customers.updatedDay[c] = d;
            customers.updatedSec[c] = 9 * 3600 + r.nextInt(9 * 3600);
            changedCustomers.add(c);
        }
        // a few customers who left some time ago are closed
        int churned = 0;
        for (int c = 0; c < signedBefore; c++) {
            if (customers.churn[c] < history - 30) {
                churned++;
            }
        }
        int closures = churned == 0 ? 0 : (int) Math.max(1, Math.round(0.004 * churned));
        for (int attempt = 0; closures > 0 && attempt < 200 * closures; attempt++) {
            int c = r.nextInt(Math.max(1, signedBefore));
            if (customers.churn[c] < history - 30 && customers.closed[c] == 0) {
                customers.closed[c] = 1;
                customers.updatedDay[c] = d;
                customers.updatedSec[c] = 10 * 3600 + r.nextInt(6 * 3600);
                changedCustomers.add(c);
                closures--;
            }
        }
        // products: new launches, price changes and re-classifications
        int launched = 0;
        for (int p = 0; p < products.n; p++) {
            if (products.launchDay[p] == d) {
                changedProducts.add(p);
            }
            if (products.launchDay[p] < d) {
                launched++;
            }
        }
        int changes = (int) Math.max(2, Math.round(0.01 * launched));
        TreeSet<Integer> pp = new TreeSet<>();
        for (int attempt = 0; pp.size() < Math.min(changes, launched) && attempt < changes * 20; attempt++) {
            int p = r.nextInt(products.n);
            if (products.launchDay[p] < d) {
                pp.add(p);
            }
        }
        for (int p : pp) {
            products.change(p, d, r);
            changedProducts.add(p);
        }
        if (index == 1) {
            operations.changeCapacity(0, 1.15, d);
        }
    }

    private void lateCorrections(int d) {
        double rate = s.dirt().lateCorrection();
        if (rate <= 0) {
            return;
        }
        SplittableRandom r = Rng.of(seed, Rng.CORRECTION, batchIndex, d);
        int count = (int) Math.max(3, Math.round(rate * linesToday));
        LandingWriter lw = w.get(LandingTable.ORDER_LINES);
        for (CorrectionReservoir.Entry e : reservoir.take(count, batchIndex, false, r)) {
            String[] rec = Arrays.copyOf(e.lineRecord(), promoColumn ? 9 : 8);
            if (promoColumn && e.lineRecord().length < 9) {
                rec[8] = null;
            }
            int oldQty = Integer.parseInt(rec[3]);
            int newQty = oldQty > 1 && r.nextBoolean() ? oldQty - 1 - r.nextInt(Math.max(1, oldQty / 3)) : oldQty + 1 + r.nextInt(Math.max(1, oldQty / 4));
            rec[3] = Integer.toString(Math.max(1, newQty));
            rec[7] = days.timestamp(d, 6 * 3600 + r.nextInt(16 * 3600));
            lw.writeCorrection(rec, "quantity " + oldQty + " -> " + rec[3] + "; corrects line " + e.line() + " of batch " + e.batch());
        }
        int statuses = Math.max(1, count / 3);
        LandingWriter so = w.get(LandingTable.SALES_ORDERS);
        for (CorrectionReservoir.Entry e : reservoir.take(statuses * 3, batchIndex, true, r)) {
            if (statuses == 0) {
                break;
            }
            if (!correctedOrders.add(e.header()[0])) {
                continue;
            }
            String[] h = e.header().clone();
            h[5] = "returned";
            h[6] = days.timestamp(d, 6 * 3600 + r.nextInt(16 * 3600));
            so.writeCorrection(h, "status shipped -> returned; corrects line " + e.headerLine() + " of batch " + e.batch());
            statuses--;
        }
    }
}
