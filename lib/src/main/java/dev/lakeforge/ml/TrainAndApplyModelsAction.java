package dev.lakeforge.ml;

import dev.lakeforge.lake.Lakehouse;
import dev.lakeforge.lake.ResultTable;
import dev.lakeforge.ml.forecast.ForecastDemandAction;
import dev.lakeforge.runs.JobRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The business models, one after the other: each spec is trained, evaluated against its baseline and registered
 * (a new version becomes champion only when it is no worse), then the champion is applied as the spec's
 * {@code apply} block says — forecasts, churn scores, segments, recommendations into gold.
 * <pre>
 *   List&lt;Outcome&gt; done = new TrainAndApplyModelsAction(lakehouse).models(list).runDate(d).run(jobRun).execute();
 * </pre>
 */
public final class TrainAndApplyModelsAction {
    private static final Logger LOG = LoggerFactory.getLogger(TrainAndApplyModelsAction.class);
    private final Lakehouse lakehouse;
    private List<BusinessModel> models = List.of();
    private LocalDate runDate;
    private JobRun run;
    private String runsTable = "ops.job_runs";
    private Consumer<Outcome> onModelDone = o -> { };

    private boolean applyOnly;

    public TrainAndApplyModelsAction(Lakehouse lakehouse) {
        this.lakehouse = lakehouse;
    }

    public TrainAndApplyModelsAction models(List<BusinessModel> models) {
        this.models = List.copyOf(models);
        return this;
    }

    public TrainAndApplyModelsAction runDate(LocalDate runDate) {
        this.runDate = runDate;
        return this;
    }

    public TrainAndApplyModelsAction run(JobRun run) {
        this.run = run;
        return this;
    }

    public TrainAndApplyModelsAction runsTable(String table) {
        this.runsTable = table;
        return this;
    }

    public TrainAndApplyModelsAction onModelDone(Consumer<Outcome> listener) {
        this.onModelDone = listener;
        return this;
    }

    /**
     * What one business model did: the version trained (and its alias), the version applied (the champion),
     * primary metric beside the baseline's, the tables written, and job-specific figures.
     */
    public record Outcome(BusinessModel model, TrainResult trained, RegisteredModel applied, List<ResultTable.Written> tables,
                          Map<String, Double> figures) {
    }

    /**
     * Apply the registered champions without training (a daily scoring run; a model without a champion yet is trained
     * once). Forecasts are left out: their intervals come from the backtest, which trains — the weekly retrain makes them.
     */
    public TrainAndApplyModelsAction applyOnly(boolean applyOnly) {
        this.applyOnly = applyOnly;
        return this;
    }

    public List<Outcome> execute() {
        List<Outcome> out = new ArrayList<>();
        for (BusinessModel b : models) {
            if (applyOnly && b.job() == BusinessModel.Job.FORECAST) {
                LOG.info("Model {}: not applied (apply-only: forecasts are made when the model is trained)", b.spec().name());
                continue;
            }
            long t0 = System.nanoTime();
            Outcome o = switch (b.job()) {
                case FORECAST -> forecast(b);
                case CHURN_SCORES -> churn(b);
                case SEGMENTS -> segments(b);
                case RECOMMENDATIONS -> recommendations(b);
            };
            LOG.info("Model {}: v{} ({}), applied {} → {} in {} s", b.spec().name(), o.trained().model().version(), o.trained().model().alias(),
                    o.applied().id(), o.tables().stream().map(t -> t.table() + " (" + t.rows() + " rows)").toList(),
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            onModelDone.accept(o);
            out.add(o);
        }
        return out;
    }

    private TrainResult train(BusinessModel b) {
        if (applyOnly) {
            java.util.Optional<RegisteredModel> champion = new ModelRegistry(lakehouse).find(b.spec().name(), ModelRegistry.CHAMPION);
            if (champion.isPresent()) {
                RegisteredModel m = champion.get();
                return new TrainResult(m, m.metrics(), m.baseline(), Map.of(), Map.of(), Map.of(), 0, 0);
            }
            LOG.info("Model {}: no champion yet, training it once", b.spec().name());
        }
        return new TrainModelAction(lakehouse).spec(b.spec()).runsTable(runsTable).run(run).execute();
    }

    private Outcome forecast(BusinessModel b) {
        ForecastDemandAction.ForecastResult r = new ForecastDemandAction(lakehouse).spec(b.spec()).runDate(runDate).run(run)
                .runsTable(runsTable).output(b.output()).backtestOutput(b.secondOutput().orElseThrow()).execute();
        Map<String, Double> f = new LinkedHashMap<>();
        var model = r.error(ForecastDemandAction.MODEL, 0);
        var naive = r.error(ForecastDemandAction.SEASONAL_NAIVE, 0);
        f.put("backtest_wape", model.wape());
        f.put("backtest_wape_seasonal_naive", naive.wape());
        f.put("backtest_smape", model.smape());
        f.put("backtest_smape_seasonal_naive", naive.smape());
        f.put("backtest_rmse", model.rmse());
        f.put("backtest_rmse_seasonal_naive", naive.rmse());
        return new Outcome(b, r.trained(), r.used(), List.of(r.forecast(), r.backtestTable(), r.backtestSeries()), f);
    }

    private Outcome churn(BusinessModel b) {
        TrainResult t = train(b);
        ScoreChurnAction.ChurnResult r = new ScoreChurnAction(lakehouse).model(b.spec().name() + "@champion")
                .input(b.input(), b.where().orElse(null)).id(b.id()).bands(b.lowBand(), b.highBand()).output(b.output())
                .runDate(runDate).run(run).execute();
        return new Outcome(b, t, r.model(), List.of(r.table()), Map.of("high_risk", (double) r.high(), "medium_risk", (double) r.medium(),
                "low_risk", (double) r.low()));
    }

    private Outcome segments(BusinessModel b) {
        TrainResult t = train(b);
        SegmentCustomersAction.SegmentResult r = new SegmentCustomersAction(lakehouse).model(b.spec().name() + "@champion")
                .input(b.input(), b.where().orElse(null)).id(b.id()).output(b.output(), b.secondOutput().orElseThrow())
                .runDate(runDate).run(run).execute();
        return new Outcome(b, t, r.model(), List.of(r.table(), r.profileTable()), Map.of("segments", (double) r.segments().size()));
    }

    private Outcome recommendations(BusinessModel b) {
        TrainResult t = train(b);
        RecommendProductsAction.RecommendResult r = new RecommendProductsAction(lakehouse).model(b.spec().name() + "@champion")
                .input(b.input(), b.bought()).top(b.top()).output(b.output()).runDate(runDate).run(run).execute();
        return new Outcome(b, t, r.model(), List.of(r.table()), Map.of("customers", (double) r.customers()));
    }
}
