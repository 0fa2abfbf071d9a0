package dev.lakeforge.config;

import java.time.Duration;

/** Table maintenance: how long VACUUM keeps unreferenced files. */
public record MaintenanceSettings(Duration retention) {
    static MaintenanceSettings read(ConfigReader r) {
        return new MaintenanceSettings(r.duration("lakeforge.maintenance.retention", Duration.ZERO));
    }
}
