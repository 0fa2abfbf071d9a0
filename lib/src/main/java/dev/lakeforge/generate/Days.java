package dev.lakeforge.generate;

import java.time.LocalDate;

/** The day axis: day 0 is the history start; cached date strings and fast timestamp formatting. */
final class Days {
    private static final int BEFORE = 2000;

    private final LocalDate start;
    private final int total;
    private final String[] dates;
    private final byte[] dayOfWeek;
    private final short[] dayOfYear;

    Days(LocalDate start, int total) {
        this.start = start;
        this.total = total;
        int n = BEFORE + total + 1;
        dates = new String[n];
        dayOfWeek = new byte[n];
        dayOfYear = new short[n];
        for (int i = 0; i < n; i++) {
            LocalDate d = start.plusDays(i - BEFORE);
            dates[i] = d.toString();
            dayOfWeek[i] = (byte) d.getDayOfWeek().getValue();
            dayOfYear[i] = (short) d.getDayOfYear();
        }
    }

    int total() {
        return total;
    }

    LocalDate localDate(int day) {
        return start.plusDays(day);
    }

    String date(int day) {
        int i = day + BEFORE;
        return i >= 0 && i < dates.length ? dates[i] : start.plusDays(day).toString();
    }

    /** 1 = Monday ... 7 = Sunday. */
    int dayOfWeek(int day) {
        int i = day + BEFORE;
        return i >= 0 && i < dates.length ? dayOfWeek[i] : start.plusDays(day).getDayOfWeek().getValue();
    }

    int dayOfYear(int day) {
        int i = day + BEFORE;
        return i >= 0 && i < dates.length ? dayOfYear[i] : start.plusDays(day).getDayOfYear();
    }

    /** ISO-8601 UTC timestamp of the second of the day, e.g. {@code 2024-06-30T14:05:00Z}. */
    String timestamp(int day, int secondOfDay) {
        int s = Math.max(0, Math.min(86_399, secondOfDay));
        StringBuilder sb = new StringBuilder(20);
        sb.append(date(day)).append('T');
        Text.two(sb, s / 3600);
        sb.append(':');
        Text.two(sb, (s / 60) % 60);
        sb.append(':');
        Text.two(sb, s % 60);
        return sb.append('Z').toString();
    }
}
