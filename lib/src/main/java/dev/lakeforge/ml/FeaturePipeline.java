package dev.lakeforge.ml;

import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The feature steps every model's pipeline starts with, so that scoring applies exactly what training did:
 * numeric columns cast to double and missing values imputed (median); categorical columns indexed (unseen
 * values kept as their own category) and one-hot encoded; everything assembled into {@value #FEATURES}, and
 * standardised where the algorithm needs it (linear models, k-means).
 */
final class FeaturePipeline {
    static final String FEATURES = "features";
    static final String NUM = "__n_";
    static final String IMPUTED = "__i_";
    static final String CAT = "__c_";
    static final String INDEX = "__x_";
    static final String ONE_HOT = "__o_";

    private FeaturePipeline() {
    }

    /** Internal column names are plain identifiers (input names may hold dots or spaces): prefix + position. */
    static String internal(String prefix, int i) {
        return prefix + i;
    }

    static List<PipelineStage> stages(List<String> numeric, List<String> categorical, boolean scale) {
        List<PipelineStage> stages = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        for (int i = 0; i < numeric.size(); i++) {
            casts.add("CAST(`" + numeric.get(i).replace("`", "``") + "` AS DOUBLE) AS " + internal(NUM, i));
        }
        for (int i = 0; i < categorical.size(); i++) {
            casts.add("COALESCE(CAST(`" + categorical.get(i).replace("`", "``") + "` AS STRING), '(missing)') AS " + internal(CAT, i));
        }
        stages.add(new SQLTransformer().setStatement("SELECT *, " + String.join(", ", casts) + " FROM __THIS__"));
        List<String> assembled = new ArrayList<>();
        if (!numeric.isEmpty()) {
            String[] in = new String[numeric.size()];
            String[] out = new String[numeric.size()];
            for (int i = 0; i < numeric.size(); i++) {
                in[i] = internal(NUM, i);
                out[i] = internal(IMPUTED, i);
                assembled.add(out[i]);
            }
            stages.add(new Imputer().setStrategy("median").setInputCols(in).setOutputCols(out));
        }
        if (!categorical.isEmpty()) {
            String[] in = new String[categorical.size()];
            String[] idx = new String[categorical.size()];
            String[] hot = new String[categorical.size()];
            for (int i = 0; i < categorical.size(); i++) {
                in[i] = internal(CAT, i);
                idx[i] = internal(INDEX, i);
                hot[i] = internal(ONE_HOT, i);
                assembled.add(hot[i]);
            }
            stages.add(new StringIndexer().setHandleInvalid("keep").setStringOrderType("frequencyDesc").setInputCols(in).setOutputCols(idx));
            stages.add(new OneHotEncoder().setHandleInvalid("keep").setInputCols(idx).setOutputCols(hot));
        }
        String raw = scale ? "__features_raw" : FEATURES;
        stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(raw).setHandleInvalid("keep"));
        if (scale) {
            stages.add(new StandardScaler().setInputCol(raw).setOutputCol(FEATURES).setWithMean(false).setWithStd(true));
        }
        return stages;
    }

    /** The input column an assembled attribute comes from ({@code __i_3} → numeric[3], {@code __o_1_EU} → categorical[1]). */
    static String readable(String attribute, List<String> numeric, List<String> categorical) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(__i_|__o_)(\\d+)(.*)$").matcher(attribute);
        if (!m.matches()) {
            return attribute;
        }
        int i = Integer.parseInt(m.group(2));
        return m.group(1).equals(IMPUTED) ? numeric.get(i) : categorical.get(i);
    }

    static String describe(List<String> numeric, List<String> categorical) {
        return numeric.stream().collect(Collectors.joining(", ")) + (categorical.isEmpty() ? "" : "; categorical: " + String.join(", ", categorical));
    }
}
