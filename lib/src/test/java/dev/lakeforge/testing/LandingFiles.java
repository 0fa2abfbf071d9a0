package dev.lakeforge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small landing files for tests. */
public final class LandingFiles {
    private LandingFiles() {
    }

    public static Path write(Path landing, String relative, String... lines) {
        try {
            Path p = landing.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
