package dev.lakeforge.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Which configuration keys hold secrets, and how they are shown. */
public final class Secrets {
    public static final String MASK = "********";
    private static final Pattern SECRET_KEY =
            Pattern.compile("(^|[.\\-_])(password|passwd|secret|secret-key|access-key|token|credentials?|api-key)$");

    private Secrets() {
    }

    public static boolean isSecretKey(String path) {
        String leaf = path.toLowerCase(Locale.ROOT).replace("\"", "");
        return SECRET_KEY.matcher(leaf).find();
    }

    /** Replaces every occurrence of each secret value in a text (for error messages and logs). */
    public static String redact(String text, Iterable<String> secretValues) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secretValues) {
            if (secret != null && secret.length() >= 3) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
