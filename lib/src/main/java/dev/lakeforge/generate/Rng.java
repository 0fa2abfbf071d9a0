package dev.lakeforge.generate;

import java.util.SplittableRandom;

/**
 * Deterministic random streams: a generator is derived from the seed, a stream number and up to two entity
 * coordinates (e.g. customer and day), so a value does not depend on the order in which other values were drawn.
 */
final class Rng {
    // stream numbers
    static final int MARKET = 1;
    static final int PRODUCT = 2;
    static final int CUSTOMER = 3;
    static final int PROMO = 4;
    static final int ORDER = 5;
    static final int CONTACT = 6;
    static final int PLANT = 7;
    static final int PRODUCTION = 8;
    static final int PURCHASE = 9;
    static final int DIRT = 10;
    static final int RESERVOIR = 11;
    static final int CORRECTION = 12;
    static final int SCD = 13;
    static final int SCHEDULE = 14;
    static final int SUPPLIER = 15;
    static final int NAME = 16;
    static final int MARKET_DIRT = 17;

    private Rng() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long key(long seed, long stream, long a, long b) {
        long h = mix(seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L);
        h = mix(h ^ (a * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
        return mix(h ^ (b * 0x9E3779B97F4A7C15L + 0x27D4EB2F165667C5L));
    }

    static SplittableRandom of(long seed, long stream, long a, long b) {
        return new SplittableRandom(key(seed, stream, a, b));
    }

    /** A uniform double in [0, 1) as a pure function of its coordinates. */
    static double unit(long seed, long stream, long a, long b) {
        return (key(seed, stream, a, b) >>> 11) * 0x1.0p-53;
    }

    static double normal(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    static double exponential(SplittableRandom r, double mean) {
        return -mean * StrictMath.log(1.0 - r.nextDouble());
    }

    /** Gamma with an integer shape (a sum of exponentials) and the given mean. */
    static double gamma(SplittableRandom r, int shape, double mean) {
        double s = 0;
        for (int i = 0; i < shape; i++) {
            s += exponential(r, mean / shape);
        }
        return s;
    }

    static int poisson(SplittableRandom r, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 30) {
            return (int) Math.max(0, Math.round(lambda + StrictMath.sqrt(lambda) * normal(r)));
        }
        double l = StrictMath.exp(-lambda);
        int k = 0;
        double p = 1.0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    /** An index drawn from non-negative weights (not normalised); -1 when they are all zero. */
    static int pick(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        if (total <= 0) {
            return -1;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** The first index whose cumulative weight exceeds {@code x} (cumulative ascending, length n). */
    static int searchCumulative(double[] cumulative, int n, double x) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
