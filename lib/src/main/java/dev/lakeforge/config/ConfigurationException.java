package dev.lakeforge.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used. Raised before Spark starts; the CLI turns it into exit code 2.
 * Lists every problem found, not only the first, so one edit can fix them all.
 */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<ConfigProblem> problems;

    public ConfigurationException(List<ConfigProblem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String key, String found, String expected) {
        this(List.of(new ConfigProblem(key, found, expected)));
    }

    /** A problem that is not about one key (unreadable file, syntax error). */
    public ConfigurationException(String message, Throwable cause) {
        super("Invalid configuration: " + message, cause);
        this.problems = List.of();
    }

    /**
     * Runs a reader of configuration values, turning Typesafe Config's own exceptions (a value of the wrong type read
     * directly; its message names the file, line and key) into this one, so that no configuration error ends in a stack trace.
     */
    public static <T> T reading(java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        return "Invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n"
                + problems.stream().map(p -> "  - " + p.message()).collect(Collectors.joining("\n"));
    }
}
