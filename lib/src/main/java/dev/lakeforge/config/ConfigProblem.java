package dev.lakeforge.config;

/**
 * One thing wrong with the configuration: which key, what was found there (and where it came from), and
 * what is expected instead.
 */
public record ConfigProblem(String key, String found, String expected) {

    public String message() {
        return key + ": expected " + expected + ", found " + found;
    }

    @Override
    public String toString() {
        return message();
    }
}
