package dev.lakeforge.config;

import java.time.Duration;

/**
 * Run records and the run lock.
 *
 * @param table          lakehouse table of run records, layer.table
 * @param listLimit      default number of runs `lakeforge runs` lists
 * @param lockHeartbeat  how often a running job touches its lock
 * @param lockStaleAfter a lock untouched this long belongs to a run that died, and is taken over
 */
public record RunsSettings(String table, int listLimit, Duration lockHeartbeat, Duration lockStaleAfter) {
    static RunsSettings read(ConfigReader r) {
        Duration heartbeat = r.duration("lakeforge.runs.lock.heartbeat", Duration.ofMillis(100));
        Duration stale = r.duration("lakeforge.runs.lock.stale-after", Duration.ofSeconds(1));
        if (stale.compareTo(heartbeat.multipliedBy(3)) < 0) {
            r.problem("lakeforge.runs.lock.stale-after", stale.toString(), "at least three heartbeats (lakeforge.runs.lock.heartbeat = "
                    + heartbeat + "), or live runs would lose their lock");
        }
        return new RunsSettings(r.qualifiedTable("lakeforge.runs.table"), r.intInRange("lakeforge.runs.list-limit", 1, 10_000),
                heartbeat, stale);
    }
}
