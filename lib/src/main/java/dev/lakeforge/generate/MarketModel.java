package dev.lakeforge.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Daily market series: commodity prices (log random walks with drift; energy with a winter peak), fx rates to EUR
 * (mean-reverting random walks around realistic levels) and two synthetic stock indexes (business days only).
 * Simulated from {@value #PRE} days before the history start so lagged prices exist. A few doubles per day: the
 * whole series is kept in memory.
 */
final class MarketModel {
    static final int PRE = 180;
    static final String[] COMMODITIES = {"steel", "aluminium", "copper", "plastic", "energy"};
    static final String[] COMMODITY_CURRENCY = {"EUR", "USD", "USD", "EUR", "EUR"};
    static final String[] COMMODITY_UNIT = {"t", "t", "t", "kg", "MWh"};
    static final int[] COMMODITY_DECIMALS = {2, 2, 2, 3, 2};
    static final int ENERGY = 4;
    private static final double[] BASE = {640, 2250, 8100, 1.32, 85};
    private static final double[] DRIFT_PER_YEAR = {0.06, 0.05, 0.08, 0.04, 0.0};
    private static final double[] VOL_PER_DAY = {0.012, 0.012, 0.013, 0.009, 0.03};

    static final String[] CURRENCIES = {"USD", "GBP", "CHF"};
    private static final double[] FX_BASE = {0.92, 1.16, 1.03};

    static final String[] INDEXES = {"LFX Industrial", "LFX Consumer"};
    private static final double[] INDEX_BASE = {1480, 1210};

    private final LocalDate start;
    private final int days;
    private final double[][] commodity;
    private final double[][] fx;
    private final double[][] index;

    MarketModel(long seed, LocalDate start, int days) {
        this.start = start;
        this.days = days;
        int n = PRE + days;
        commodity = new double[COMMODITIES.length][n];
        for (int c = 0; c < COMMODITIES.length; c++) {
            SplittableRandom r = Rng.of(seed, Rng.MARKET, 1, c);
            double dev = 0;
            double trend = StrictMath.log(BASE[c]);
            for (int i = 0; i < n; i++) {
                LocalDate date = start.plusDays(i - PRE);
                trend += DRIFT_PER_YEAR[c] / 365.0;
                if (c == ENERGY) {
                    dev = 0.96 * dev + VOL_PER_DAY[c] * Rng.normal(r);
                    double season = 0.22 * StrictMath.cos(2 * Math.PI * (date.getDayOfYear() - 20) / 365.25);
                    commodity[c][i] = StrictMath.exp(trend + season + dev);
                } else {
                    // a random walk with slow mean reversion, so two years stay within a realistic band
                    dev = 0.997 * dev + VOL_PER_DAY[c] * Rng.normal(r);
                    commodity[c][i] = StrictMath.exp(trend + dev);
                }
            }
        }
        fx = new double[CURRENCIES.length][n];
        for (int k = 0; k < CURRENCIES.length; k++) {
            SplittableRandom r = Rng.of(seed, Rng.MARKET, 2, k);
            double x = 0;
            for (int i = 0; i < n; i++) {
                x = 0.99 * x + 0.0035 * Rng.normal(r);
                fx[k][i] = FX_BASE[k] * StrictMath.exp(x);
            }
        }
        index = new double[INDEXES.length][n];
        for (int k = 0; k < INDEXES.length; k++) {
            SplittableRandom r = Rng.of(seed, Rng.MARKET, 3, k);
            double v = INDEX_BASE[k];
            for (int i = 0; i < n; i++) {
                LocalDate date = start.plusDays(i - PRE);
                if (businessDay(date) && i > 0) {
                    double ret = 0.0003 + 0.0105 * Rng.normal(r);
                    if (k == 0) {
                        // the industrial index moves a little with metal prices
                        double metals = StrictMath.log(commodity[0][i] / commodity[0][i - 1]) + StrictMath.log(commodity[2][i] / commodity[2][i - 1]);
                        ret += 0.25 * metals;
                    }
                    v *= StrictMath.exp(ret);
                }
                index[k][i] = v;
            }
        }
    }

    static boolean businessDay(LocalDate date) {
        DayOfWeek d = date.getDayOfWeek();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY;
    }

    private int idx(int day) {
        return Math.max(0, Math.min(PRE + days - 1, PRE + day));
    }

    /** The commodity price in its own currency and unit; day may be negative (before the history start). */
    double commodity(int c, int day) {
        return commodity[c][idx(day)];
    }

    /** The commodity price in EUR per kg (energy: EUR per MWh). */
    double commodityEurPerKg(int c, int day) {
        double p = commodity(c, day);
        if (COMMODITY_CURRENCY[c].equals("USD")) {
            p *= fx(0, day);
        }
        return COMMODITY_UNIT[c].equals("t") ? p / 1000.0 : p;
    }

    /** EUR per one unit of the currency (USD, GBP, CHF); EUR itself is 1. */
    double fx(int currency, int day) {
        return fx[currency][idx(day)];
    }

    double fx(String currency, int day) {
        return switch (currency) {
            case "EUR" -> 1.0;
            case "USD" -> fx(0, day);
            case "GBP" -> fx(1, day);
            case "CHF" -> fx(2, day);
            default -> throw new IllegalArgumentException(currency);
        };
    }

    double index(int k, int day) {
        return index[k][idx(day)];
    }

    LocalDate start() {
        return start;
    }
}
