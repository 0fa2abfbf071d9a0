package dev.lakeforge.generate;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The customers, in primitive arrays (a few dozen bytes each): latent segment, type, region and city, signup and
 * churn day, latent affinity vector and order rhythm; plus two calendar queues (next order day, next contact day)
 * kept as linked lists in int arrays, so the simulation never holds orders in memory.
 */
final class CustomerBase {
    static final int BARGAIN = 0;
    static final int LOYAL = 1;
    static final int OCCASIONAL = 2;
    static final int B2B = 3;
    /** Registered (newsletter, account, app) but not buying: they browse and rate, they do not order. */
    static final int PROSPECT = 4;
    static final double[] SEGMENT_SHARE = {0.27, 0.22, 0.16, 0.14, 0.21};
    /** Mean days between orders at the base demand level, before calibration to the requested size. */
    static final double[] GAP_DAYS = {40, 28, 80, 30, 0};
    static final int[] GAP_SHAPE = {4, 4, 2, 4, 1};
    private static final double[] CHURN_PROB = {0.26, 0.12, 0.24, 0.12, 0.25};
    static final String[] CHANNELS = {"web", "store", "distributor"};
    static final double[][] CHANNEL_MIX = {{0.7, 0.3, 0}, {0.5, 0.5, 0}, {0.55, 0.45, 0}, {0.15, 0, 0.85}, {1, 0, 0}};
    static final double[][] CATEGORY_PREF = {
            // tools, cookware, electronics, garden, toys, lighting, furniture, cleaning
            {0.8, 0.9, 0.5, 1.1, 1.5, 0.8, 0.25, 1.8},
            {1.0, 1.5, 1.7, 0.9, 0.8, 1.2, 1.7, 0.7},
            {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0},
            {1.9, 0.6, 0.7, 0.6, 0.2, 1.5, 0.8, 2.1},
            {1.0, 1.0, 1.3, 1.0, 1.0, 1.0, 1.0, 0.6}};
    static final double[] PROMO_SENSITIVITY = {3.0, 1.1, 1.5, 1.3, 1.5};
    static final String[] REGIONS = {"North", "South", "East", "West", "Central"};
    private static final double[] REGION_WEIGHT = {0.2, 0.22, 0.18, 0.25, 0.15};
    static final String[][] CITIES = {
            {"Hamburg", "Bremen", "Kiel", "Hannover", "Rostock"},
            {"München", "Stuttgart", "Nürnberg", "Augsburg", "Freiburg"},
            {"Berlin", "Leipzig", "Dresden", "Erfurt", "Magdeburg"},
            {"Köln", "Düsseldorf", "Dortmund", "Essen", "Aachen"},
            {"Frankfurt", "Kassel", "Mainz", "Würzburg", "Wiesbaden"}};
    private static final String[] FIRST = {"Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Léa", "Noah", "Emma", "Elias",
            "Zoë", "Paul", "Mia", "Jürgen", "Hannah", "Ömer", "Laura", "Björn", "Sara", "Tomasz", "Inés", "David", "Clara", "Mehmet",
            "Julia", "Finn", "Chloé", "Karl", "Lena", "Matteo"};
    private static final String[] LAST = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann",
            "Krüger", "Hartmann", "Lange", "Werner", "Lehmann", "Dubois", "Rossi", "Nowak", "Jensen", "O'Brien", "García"};
    private static final String[] COMPANY_SUFFIX = {" GmbH", " AG", " & Co. KG", " Handel GmbH", ", Braun & Partner", " Bau GmbH",
            " Facility Services", " Einkauf eG"};
    private static final String[] DOMAINS = {"example.com", "example.org", "example.net"};

    final int n;
    final byte[] segment;
    final byte[] type;
    final byte[] region;
    final byte[] city;
    final byte[] closed;
    final int[] signup;
    final int[] churn;
    final float[] gapMult;
    final float[] latent;
    final byte[] nextChannel;
    final int[] updatedDay;
    final int[] updatedSec;

    // calendar queues: head per day, next per customer (-1 = end)
    private final int[] orderHead;
    private final int[] orderNext;
    private final int[] contactHead;
    private final int[] contactNext;

    private final long seed;

    CustomerBase(long seed, int n, int historyDays, int totalDays) {
        this.seed = seed;
        this.n = n;
        segment = new byte[n];
        type = new byte[n];
        region = new byte[n];
        city = new byte[n];
        closed = new byte[n];
        signup = new int[n];
        churn = new int[n];
        gapMult = new float[n];
        latent = new float[n * ProductCatalog.LATENT];
        nextChannel = new byte[n];
        updatedDay = new int[n];
        updatedSec = new int[n];
        orderHead = new int[totalDays];
        contactHead = new int[totalDays];
        Arrays.fill(orderHead, -1);
        Arrays.fill(contactHead, -1);
        orderNext = new int[n];
        contactNext = new int[n];

        // signup days, sorted so that customer ids follow the signup order
        SplittableRandom sr = Rng.of(seed, Rng.CUSTOMER, -1, 0);
        for (int c = 0; c < n; c++) {
            signup[c] = sr.nextDouble() < 0.72 ? -1 - sr.nextInt(1095) : sr.nextInt(totalDays);
        }
        Arrays.sort(signup);
        for (int c = 0; c < n; c++) {
            SplittableRandom r = Rng.of(seed, Rng.CUSTOMER, c, 0);
            int seg = Rng.pick(r, SEGMENT_SHARE);
            segment[c] = (byte) seg;
            type[c] = (byte) (seg == B2B ? 1 : 0);
            int reg = Rng.pick(r, REGION_WEIGHT);
            region[c] = (byte) reg;
            city[c] = (byte) r.nextInt(CITIES[reg].length);
            gapMult[c] = (float) StrictMath.exp(0.35 * Rng.normal(r));
            for (int k = 0; k < ProductCatalog.LATENT; k++) {
                latent[c * ProductCatalog.LATENT + k] = (float) (0.6 * Rng.normal(r));
            }
            updatedDay[c] = signup[c];
            updatedSec[c] = 7 * 3600 + r.nextInt(14 * 3600);
            churn[c] = Integer.MAX_VALUE;
            int start = Math.max(signup[c], 0);
            if (start < historyDays - 150 && r.nextDouble() < CHURN_PROB[seg]) {
                // churn follows behaviour: more churn in the last months of the history
                int lo;
                int hi;
                if (r.nextDouble() < 0.5 || start + 60 >= historyDays - 180) {
                    lo = Math.max(start + 60, historyDays - 180);
                    hi = historyDays - 10;
                } else {
                    lo = start + 60;
                    hi = historyDays - 180;
                }
                churn[c] = lo + r.nextInt(Math.max(1, hi - lo));
            }
        }
    }

    String id(int c) {
        return Text.id("C", c + 1, 6);
    }

    boolean alive(int c, int day) {
        return day >= signup[c] && day < churn[c];
    }

    /** In the ~90 days before churning: fewer orders, complaints, attention to products whose price rose. */
    boolean preChurn(int c, int day) {
        return churn[c] != Integer.MAX_VALUE && day >= churn[c] - 90 && day < churn[c];
    }

    /** Number of customers who signed up on or before the day (ids are in signup order). */
    int signedUpBy(int day) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (signup[mid] <= day) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    float affinity(int c, ProductCatalog products, int p) {
        float s = 0;
        int a = c * ProductCatalog.LATENT;
        int b = p * ProductCatalog.LATENT;
        for (int k = 0; k < ProductCatalog.LATENT; k++) {
            s += latent[a + k] * products.latent[b + k];
        }
        return s;
    }

    // --- calendar queues ---

    void scheduleOrder(int c, int day) {
        orderNext[c] = orderHead[day];
        orderHead[day] = c;
    }

    void scheduleContact(int c, int day) {
        contactNext[c] = contactHead[day];
        contactHead[day] = c;
    }

    /** The customers scheduled to order on the day, ascending; the queue of the day is emptied. */
    int[] drainOrders(int day, int[] buffer) {
        return drain(orderHead, orderNext, day, buffer);
    }

    int[] drainContacts(int day, int[] buffer) {
        return drain(contactHead, contactNext, day, buffer);
    }

    /** Returns the buffer (grown if needed); element 0 is the count, the customers follow sorted. */
    private static int[] drain(int[] head, int[] next, int day, int[] buffer) {
        int count = 0;
        for (int c = head[day]; c >= 0; c = next[c]) {
            count++;
        }
        int[] b = buffer.length >= count + 1 ? buffer : new int[Math.max(count + 1, buffer.length * 2)];
        int i = 1;
        for (int c = head[day]; c >= 0; c = next[c]) {
            b[i++] = c;
        }
        head[day] = -1;
        Arrays.sort(b, 1, count + 1);
        b[0] = count;
        return b;
    }

    // --- the customers.csv record ---

    String[] record(int c, Days days) {
        SplittableRandom r = Rng.of(seed, Rng.NAME, c, 0);
        String first = FIRST[r.nextInt(FIRST.length)];
        String last = LAST[r.nextInt(LAST.length)];
        String domain = DOMAINS[r.nextInt(DOMAINS.length)];
        String name;
        String email;
        if (segment[c] == B2B) {
            String suffix = COMPANY_SUFFIX[r.nextInt(COMPANY_SUFFIX.length)];
            name = last + suffix;
            email = "purchasing." + ascii(last) + (c + 1) + "@" + domain;
        } else {
            name = first + " " + last;
            email = ascii(first) + "." + ascii(last) + (c + 1) + "@" + domain;
        }
        return new String[]{id(c), name, email, type[c] == 1 ? "B2B" : "B2C", REGIONS[region[c]], CITIES[region[c]][city[c]],
                days.date(signup[c]), closed[c] == 1 ? "closed" : "active", days.timestamp(updatedDay[c], updatedSec[c])};
    }

    static String ascii(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 4);
        for (char ch : s.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (ch) {
                case 'ä' -> sb.append("ae");
                case 'ö' -> sb.append("oe");
                case 'ü' -> sb.append("ue");
                case 'ß' -> sb.append("ss");
                case 'é', 'è', 'ë' -> sb.append('e');
                case 'á', 'à' -> sb.append('a');
                case 'í' -> sb.append('i');
                case 'ó', 'ø' -> sb.append('o');
                case 'ñ' -> sb.append('n');
                default -> {
                    if (ch >= 'a' && ch <= 'z') {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }
}
