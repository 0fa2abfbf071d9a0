package dev.lakeforge.ml.forecast;

import com.typesafe.config.Config;
import dev.lakeforge.config.ConfigReader;

import java.util.Optional;

/**
 * The {@code forecast} block of a regression spec, which makes it a forecaster of a weekly series table:
 * <pre>
 * forecast {
 *   id = product_id        # the series key
 *   time = week_start      # the week column (one row per series and week, no gaps)
 *   target = units         # the value to forecast
 *   horizon = 4            # weeks ahead (1..H, one model for every horizon)
 *   season = 52            # season length in weeks (the seasonal-naive baseline looks back this far)
 *   backtest { origins = 4, step = 4 }   # rolling-origin backtest: 4 origins, 4 weeks apart, ending H weeks before the data
 * }
 * </pre>
 * The spec's label is then {@code target} and its features are columns of {@link ForecastFrame}.
 */
public record ForecastSettings(String id, String time, String target, int horizon, int season, int origins, int step) {

    public static Optional<ForecastSettings> read(Config c, ConfigReader r) {
        if (!c.hasPath("forecast")) {
            return Optional.empty();
        }
        String id = r.nonEmptyString("forecast.id");
        String time = r.nonEmptyString("forecast.time");
        String target = r.nonEmptyString("forecast.target");
        int horizon = c.hasPath("forecast.horizon") ? r.intInRange("forecast.horizon", 1, 52) : 4;
        int season = c.hasPath("forecast.season") ? r.intInRange("forecast.season", 2, 520) : 52;
        int origins = c.hasPath("forecast.backtest.origins") ? r.intInRange("forecast.backtest.origins", 1, 52) : 4;
        int step = c.hasPath("forecast.backtest.step") ? r.intInRange("forecast.backtest.step", 1, 52) : horizon;
        return Optional.of(new ForecastSettings(id, time, target, horizon, season, origins, step));
    }
}
