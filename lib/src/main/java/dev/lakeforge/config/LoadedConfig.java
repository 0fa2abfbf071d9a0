package dev.lakeforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of loading: the typed configuration, the resolved tree (for free-form sections and for showing
 * where each value came from), the layers that were read and any warnings (unknown keys).
 */
public record LoadedConfig(LakeforgeConfig config, Config resolved, List<String> layers, List<String> warnings) {

    /** Every leaf value under {@code lakeforge}, secrets masked, with the place it came from. */
    public List<String> describeValues() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : sortedLeaves().entrySet()) {
            String key = e.getKey();
            ConfigValue v = e.getValue();
            lines.add(key + " = " + shown(key, v) + "    # " + v.origin().description());
        }
        return lines;
    }

    /** Values of every secret that is set, to scrub them from any text that could show them. */
    public List<String> secretValues() {
        List<String> out = new ArrayList<>();
        sortedLeaves().forEach((k, v) -> {
            if (Secrets.isSecretKey(k) && v.unwrapped() != null) {
                out.add(String.valueOf(v.unwrapped()));
            }
        });
        return out;
    }

    /**
     * A short, stable fingerprint of the effective configuration (secrets left out): two runs with the same hash ran
     * with the same settings.
     */
    public String hash() {
        StringBuilder sb = new StringBuilder();
        sortedLeaves().forEach((k, v) -> {
            if (!Secrets.isSecretKey(k)) {
                sb.append(k).append('=').append(shown(k, v)).append('\n');
            }
        });
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, ConfigValue> sortedLeaves() {
        Map<String, ConfigValue> leaves = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : resolved.entrySet()) {
            leaves.put(e.getKey(), e.getValue());
        }
        return leaves;
    }

    private static String shown(String key, ConfigValue v) {
        return Secrets.isSecretKey(key) ? Secrets.MASK : v.render(ConfigRenderOptions.concise());
    }
}
