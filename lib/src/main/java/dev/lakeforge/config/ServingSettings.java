package dev.lakeforge.config;

import java.util.Optional;

/**
 * The BI serving database the result tables are published to.
 *
 * @param url        JDBC URL (jdbc:sqlite:… by default, jdbc:postgresql://… in production); relative SQLite paths
 *                   are resolved against the project home
 * @param user       writer account
 * @param password   writer password, only ever from an environment variable
 * @param schema     schema the tables go to (ignored by SQLite)
 * @param readerRole read-only role granted SELECT on the schema
 * @param readerPassword the reader role's password when it should log in (environment only; empty: NOLOGIN)
 */
public record ServingSettings(String url, String user, Optional<String> password, String schema, String readerRole,
                              Optional<String> readerPassword) {
    static ServingSettings read(ConfigReader r) {
        String url = r.nonEmptyString("lakeforge.serving.url");
        if (!url.isBlank() && !url.startsWith("jdbc:")) {
            r.problem("lakeforge.serving.url", r.describe("lakeforge.serving.url"), "a JDBC URL starting with jdbc:");
        }
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            if (!file.isBlank() && !file.startsWith(":memory:")) {
                url = "jdbc:sqlite:" + ConfigReader.resolveLocation(file, r.home(), "lakeforge.serving.url", r);
            }
        }
        return new ServingSettings(url, r.string("lakeforge.serving.user"), r.secret("lakeforge.serving.password"),
                r.identifier("lakeforge.serving.schema"), r.identifier("lakeforge.serving.reader-role"),
                r.secret("lakeforge.serving.reader-password"));
    }

    public boolean isSqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    /** The URL as logs and messages may show it: a password inside it masked. */
    public String redactedUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1" + Secrets.MASK);
    }

    @Override
    public String toString() {
        return "ServingSettings[url=" + url + ", user=" + user + ", password=" + (password.isPresent() ? Secrets.MASK : "unset")
                + ", schema=" + schema + ", readerRole=" + readerRole + ", readerPassword=" + (readerPassword.isPresent() ? Secrets.MASK : "unset") + "]";
    }
}
