package dev.lakeforge.generate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signals models will be trained on, measured with simple statistics on the clean CSVs of the initial load:
 * weekly and yearly seasonality, promotions, churn with complaints before it, ratings that follow affinity.
 */
class DataStructureTest {
    private static final String B0 = "2024-06-30";
    private static final LocalDate LAST = LocalDate.of(2024, 6, 30);

    @TempDir
    static Path tmp;
    static LandingFiles landing;
    static Map<String, String[]> orders = new HashMap<>();       // order_id -> customer, date, channel
    static List<String[]> lines = new ArrayList<>();             // order_id, product, quantity, promo, unit_price
    static Map<LocalDate, Long> unitsPerDay = new HashMap<>();

    @BeforeAll
    static void generate() {
        GenerateResult r = EnterpriseDataGenerator.create()
                .orderLines(8_000)
                .seed(42L)
                .outputDir(tmp.resolve("landing"))
                .historyStart(LocalDate.of(2022, 7, 1))
                .initialBatchDate(LAST)
                .incrementalBatches(1)
                .dirt(DirtRates.none())
                .execute();
        landing = new LandingFiles(r.outputDir());
        for (Map.Entry<Integer, String> e : landing.data(B0, "erp/sales_orders.csv")) {
            List<String> v = landing.values(B0, "erp/sales_orders.csv", e.getValue());
            orders.put(v.get(0), new String[]{v.get(1), v.get(2), v.get(3)});
        }
        for (Map.Entry<Integer, String> e : landing.data(B0, "erp/order_lines.csv")) {
            List<String> v = landing.values(B0, "erp/order_lines.csv", e.getValue());
            lines.add(new String[]{v.get(0), v.get(2), v.get(3), v.get(6), v.get(4)});
            LocalDate d = LocalDate.parse(orders.get(v.get(0))[1]);
            unitsPerDay.merge(d, Long.parseLong(v.get(3)), Long::sum);
        }
    }

    private static double mean(List<? extends Number> xs) {
        return xs.stream().mapToDouble(Number::doubleValue).average().orElse(Double.NaN);
    }

    private static double correlation(List<Double> x, List<Double> y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.size(); i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
            syy += (y.get(i) - my) * (y.get(i) - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double meanUnitsPerDay(LocalDate from, LocalDate to, java.util.function.Predicate<LocalDate> filter) {
        List<Long> u = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (filter.test(d)) {
                u.add(unitsPerDay.getOrDefault(d, 0L));
            }
        }
        return mean(u);
    }

    @Test
    void sizeFollowsTheRequest() {
        assertThat(lines.size()).isBetween(6_800, 9_200);
        assertThat((double) lines.size() / orders.size()).as("lines per order").isBetween(2.5, 3.5);
    }

    @Test
    void weekendsDifferFromWeekdays() {
        LocalDate from = LocalDate.of(2022, 7, 1);
        double weekend = meanUnitsPerDay(from, LAST, d -> d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY);
        double weekday = meanUnitsPerDay(from, LAST, d -> d.getDayOfWeek().getValue() <= 5);
        assertThat(Math.abs(weekend - weekday) / weekday).as("weekend %.1f vs weekday %.1f units/day", weekend, weekday).isGreaterThan(0.15);
        // and per channel: distributors do not order on Sundays, stores sell most on Saturdays
        Map<String, long[]> byDow = new HashMap<>();
        for (String[] o : orders.values()) {
            byDow.computeIfAbsent(o[2], k -> new long[8])[LocalDate.parse(o[1]).getDayOfWeek().getValue()]++;
        }
        assertThat(byDow.get("distributor")[7]).isLessThan(byDow.get("distributor")[3] / 5 + 1);
        assertThat(byDow.get("store")[6]).isGreaterThan(byDow.get("store")[2]);
    }

    @Test
    void promotionDaysSellMoreUnitsPerProductDay() {
        Map<String, long[]> productDay = new HashMap<>();
        for (String[] l : lines) {
            String key = l[1] + "|" + orders.get(l[0])[1];
            long[] a = productDay.computeIfAbsent(key, k -> new long[2]);
            a[0] += Long.parseLong(l[2]);
            a[1] |= Long.parseLong(l[3]);
        }
        List<Long> promo = new ArrayList<>();
        List<Long> normal = new ArrayList<>();
        productDay.values().forEach(a -> (a[1] == 1 ? promo : normal).add(a[0]));
        assertThat(promo).hasSizeGreaterThan(200);
        assertThat(mean(promo)).as("promo %.2f vs normal %.2f", mean(promo), mean(normal)).isGreaterThan(mean(normal) * 1.15);
    }

    @Test
    void fourthQuarterDiffersFromThirdQuarter() {
        double q3 = meanUnitsPerDay(LocalDate.of(2023, 7, 1), LocalDate.of(2023, 9, 30), d -> true);
        double q4 = meanUnitsPerDay(LocalDate.of(2023, 10, 1), LocalDate.of(2023, 12, 31), d -> true);
        assertThat(Math.abs(q4 - q3) / q3).as("Q4 %.1f vs Q3 %.1f units/day", q4, q3).isGreaterThan(0.10);
        // and orders grow year over year (trend ~10%/year)
        long h1 = orders.values().stream().filter(o -> o[1].compareTo("2022-07-01") >= 0 && o[1].compareTo("2023-06-30") <= 0).count();
        long h2 = orders.values().stream().filter(o -> o[1].compareTo("2023-07-01") >= 0 && o[1].compareTo("2024-06-30") <= 0).count();
        assertThat((double) h2 / h1).as("orders second year / first year").isBetween(1.0, 1.3);
    }

    @Test
    void customersInactiveInTheLast90DaysComplainedMore() {
        Map<String, String> lastOrder = new HashMap<>();
        for (String[] o : orders.values()) {
            lastOrder.merge(o[0], o[1], (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        String cut = LAST.minusDays(89).toString();
        Set<String> inactive = new HashSet<>();
        lastOrder.forEach((c, d) -> {
            if (d.compareTo(cut) < 0) {
                inactive.add(c);
            }
        });
        double share = (double) inactive.size() / lastOrder.size();
        assertThat(share).as("share of customers with orders but none in the last 90 days").isBetween(0.15, 0.32);

        Map<String, Integer> complaints = new HashMap<>();
        for (Map.Entry<Integer, String> e : landing.data(B0, "crm/interactions.jsonl")) {
            List<String> v = landing.values(B0, "crm/interactions.jsonl", e.getValue());
            if (v.get(3).equals("complaint")) {
                complaints.merge(v.get(1), 1, Integer::sum);
            }
        }
        List<Integer> ci = new ArrayList<>();
        List<Integer> ca = new ArrayList<>();
        for (String c : lastOrder.keySet()) {
            (inactive.contains(c) ? ci : ca).add(complaints.getOrDefault(c, 0));
        }
        assertThat(mean(ci)).as("complaints per inactive %.2f vs active %.2f customer", mean(ci), mean(ca)).isGreaterThan(mean(ca) * 1.5);
    }

    @Test
    void ratingsFollowHowOftenTheCustomerBuysTheProduct() {
        Map<String, Integer> pairs = new HashMap<>();
        for (String[] l : lines) {
            pairs.merge(orders.get(l[0])[0] + "|" + l[1], 1, Integer::sum);
        }
        List<Double> bought = new ArrayList<>();
        List<Double> rating = new ArrayList<>();
        Map<String, Integer> types = new HashMap<>();
        for (Map.Entry<Integer, String> e : landing.data(B0, "crm/interactions.jsonl")) {
            List<String> v = landing.values(B0, "crm/interactions.jsonl", e.getValue());
            types.merge(v.get(3), 1, Integer::sum);
            if (v.get(3).equals("rating")) {
                bought.add(Math.log1p(pairs.getOrDefault(v.get(1) + "|" + v.get(2), 0)));
                rating.add(Double.parseDouble(v.get(4)));
            }
        }
        assertThat(types).containsKeys("view", "add_to_basket", "purchase", "rating", "complaint");
        int events = types.values().stream().mapToInt(Integer::intValue).sum();
        assertThat((double) events / lines.size()).as("interactions per order line").isBetween(1.0, 1.5);
        assertThat(rating).hasSizeGreaterThan(300);
        assertThat(correlation(bought, rating)).as("correlation of rating and log(1 + purchases of the pair)").isGreaterThan(0.08);
    }

    @Test
    void listPricesFollowTheLaggedCommodityPrice() {
        // per metal/plastic category: mean unit price relative to the product's first price, by month,
        // against the monthly mean commodity price two months earlier
        Map<String, String> category = new HashMap<>();
        for (Map.Entry<Integer, String> e : landing.data(B0, "erp/products.csv")) {
            List<String> v = landing.values(B0, "erp/products.csv", e.getValue());
            category.put(v.get(0), v.get(2));
        }
        Map<String, Double> monthlyCommodity = new HashMap<>();
        Map<String, Integer> monthlyCount = new HashMap<>();
        for (Map.Entry<Integer, String> e : landing.data(B0, "market/commodity_prices.csv")) {
            List<String> v = landing.values(B0, "market/commodity_prices.csv", e.getValue());
            String k = v.get(1) + "|" + v.get(0).substring(0, 7);
            monthlyCommodity.merge(k, Double.parseDouble(v.get(2)), Double::sum);
            monthlyCount.merge(k, 1, Integer::sum);
        }
        Map<String, Double> firstPrice = new HashMap<>();
        Map<String, Double> relSum = new HashMap<>();
        Map<String, Integer> relCount = new HashMap<>();
        lines.stream().sorted((a, b) -> orders.get(a[0])[1].compareTo(orders.get(b[0])[1])).forEach(l -> {
            String cat = category.get(l[1]);
            if (!cat.equals("tools") && !cat.equals("electronics") && !cat.equals("cookware")) {
                return;
            }
            double price = Double.parseDouble(l[4]);
            // B2B unit prices are 10% below list: compare like with like by keeping the first price per product and channel type
            String channelKey = l[1] + "|" + orders.get(l[0])[2].equals("distributor");
            double first = firstPrice.computeIfAbsent(channelKey, k -> price);
            String k = cat + "|" + orders.get(l[0])[1].substring(0, 7);
            relSum.merge(k, price / first, Double::sum);
            relCount.merge(k, 1, Integer::sum);
        });
        Map<String, String> commodity = Map.of("tools", "steel", "electronics", "copper", "cookware", "aluminium");
        int positive = 0;
        for (String cat : commodity.keySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (LocalDate m = LocalDate.of(2022, 10, 1); m.isBefore(LAST); m = m.plusMonths(1)) {
                String month = m.toString().substring(0, 7);
                String lag = m.minusMonths(2).toString().substring(0, 7);
                String ck = commodity.get(cat) + "|" + lag;
                if (relCount.containsKey(cat + "|" + month) && monthlyCount.containsKey(ck)) {
                    x.add(monthlyCommodity.get(ck) / monthlyCount.get(ck));
                    y.add(relSum.get(cat + "|" + month) / relCount.get(cat + "|" + month));
                }
            }
            if (correlation(x, y) > 0.3) {
                positive++;
            }
        }
        assertThat(positive).as("categories whose prices follow their commodity").isGreaterThanOrEqualTo(2);
    }
}
