package dev.lakeforge.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The business models and what follows them.
 *
 * @param business            spec files (absolute paths) the {@code predict} stage trains and applies, in order
 * @param serviceLevel        production planning: the share of weeks safety stock should cover (z from the normal)
 * @param shareWeeks          production planning: weeks of production history that split a product over plants
 * @param forecastTable       production planning: the forecasts it plans from
 * @param planTable           production planning: the plan it writes
 * @param pipelineStages      the stages {@code pipeline} runs, in order
 */
public record ModelsSettings(List<String> business, double serviceLevel, int shareWeeks, String forecastTable, String planTable,
                             List<String> pipelineStages) {
    public static final List<String> STAGES = List.of("ingest", "refine", "marts", "predict", "plan", "publish", "docs");

    static ModelsSettings read(ConfigReader r) {
        List<String> specs = new ArrayList<>();
        for (String s : r.stringList("lakeforge.models.business")) {
            specs.add(r.home().resolve(s).normalize().toString());
        }
        double level = r.config().hasPath("lakeforge.planning.service-level") ? r.config().getDouble("lakeforge.planning.service-level") : 0.95;
        if (!(level >= 0.5 && level < 1)) {
            r.problem("lakeforge.planning.service-level", r.describe("lakeforge.planning.service-level"), "a share in [0.5, 1), e.g. 0.95");
        }
        List<String> stages = r.stringList("lakeforge.pipeline.stages");
        List<String> order = new ArrayList<>();
        for (String s : stages) {
            if (!STAGES.contains(s)) {
                r.problem("lakeforge.pipeline.stages", r.describe("lakeforge.pipeline.stages"), "stages out of " + STAGES);
                break;
            }
            order.add(s);
        }
        if (!order.equals(STAGES.stream().filter(order::contains).toList())) {
            r.problem("lakeforge.pipeline.stages", r.describe("lakeforge.pipeline.stages"), "stages in the order " + STAGES);
        }
        return new ModelsSettings(List.copyOf(specs), level, r.intInRange("lakeforge.planning.share-weeks", 1, 520),
                r.qualifiedTable("lakeforge.planning.forecast-table"), r.qualifiedTable("lakeforge.planning.output"), List.copyOf(order));
    }
}
