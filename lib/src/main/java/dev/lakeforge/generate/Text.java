package dev.lakeforge.generate;

/** Locale-independent, allocation-light formatting of the values the generator writes. */
final class Text {
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L};

    private Text() {
    }

    /** {@code v} with exactly {@code decimals} decimals, '.' as separator, no grouping. */
    static String dec(double v, int decimals) {
        StringBuilder sb = new StringBuilder(16);
        appendDec(sb, v, decimals);
        return sb.toString();
    }

    static void appendDec(StringBuilder sb, double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        long p = POW10[decimals];
        long scaled = Math.round(v * p);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / p);
        if (decimals > 0) {
            sb.append('.');
            String f = Long.toString(scaled % p);
            for (int i = f.length(); i < decimals; i++) {
                sb.append('0');
            }
            sb.append(f);
        }
    }

    /** {@code v} rounded half up to {@code decimals} decimals (the value {@link #dec} prints). */
    static double round(double v, int decimals) {
        return Math.round(v * POW10[decimals]) / (double) POW10[decimals];
    }

    /** {@code prefix} and {@code n} zero-padded to at least {@code width} digits, e.g. {@code C000042}. */
    static String id(String prefix, long n, int width) {
        String digits = Long.toString(n);
        StringBuilder sb = new StringBuilder(prefix.length() + Math.max(width, digits.length()));
        sb.append(prefix);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    static void two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    /** One CSV line (without line end): RFC 4180 quoting; {@code null} is an empty field. */
    static String csvLine(String[] fields) {
        StringBuilder sb = new StringBuilder(128);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendCsv(sb, fields[i]);
        }
        return sb.toString();
    }

    static void appendCsv(StringBuilder sb, String v) {
        if (v == null || v.isEmpty()) {
            return;
        }
        if (needsQuotes(v)) {
            sb.append('"');
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '"') {
                    sb.append('"');
                }
                sb.append(c);
            }
            sb.append('"');
        } else {
            sb.append(v);
        }
    }

    private static boolean needsQuotes(String v) {
        if (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' ') {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * One JSON object on one line. A {@code null} value is JSON null; a value of a numeric column is written as a
     * number when it is one and as a string otherwise (that is how a type error looks in JSON).
     */
    static String jsonLine(String[] names, boolean[] numeric, String[] values) {
        StringBuilder sb = new StringBuilder(160);
        sb.append('{');
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendJsonString(sb, names[i]);
            sb.append(':');
            String v = values[i];
            if (v == null) {
                sb.append("null");
            } else if (numeric[i] && isJsonNumber(v)) {
                sb.append(v);
            } else {
                appendJsonString(sb, v);
            }
        }
        return sb.append('}').toString();
    }

    static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00");
                        sb.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static boolean isJsonNumber(String s) {
        int i = 0;
        int n = s.length();
        if (n == 0) {
            return false;
        }
        if (s.charAt(0) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || (digits > 1 && s.charAt(s.charAt(0) == '-' ? 1 : 0) == '0')) {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int frac = 0;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                frac++;
            }
            if (frac == 0) {
                return false;
            }
        }
        return i == n;
    }
}
