package dev.lakeforge.quality;

/**
 * A row-level expectation: a name, a Spark SQL boolean expression every good row satisfies, and what happens
 * to a row that does not ({@link Action#WARN}: kept and flagged; {@link Action#QUARANTINE}: moved to
 * {@code quarantine.<table>} with the names of every expectation it failed; {@link Action#FAIL}: the run stops
 * and nothing is committed). A row for which the expression is NULL fails it (SQL three-valued logic is not a
 * way to slip through).
 */
public record Expectation(String name, String sql, Action action) {
    public enum Action {
        WARN, QUARANTINE, FAIL;

        public static Action parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "warn" -> WARN;
                case "quarantine" -> QUARANTINE;
                case "fail" -> FAIL;
                default -> throw new IllegalArgumentException(s);
            };
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
