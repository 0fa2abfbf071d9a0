package dev.lakeforge.bench;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic data sets of the ML benchmark ({@link MlDataGenerator} writes them), one CSV file each with a
 * header. Every set has an {@value #IS_TEST} column (0 or 1): exactly one row in five, the same rows for Spark and
 * scikit-learn, is held out.
 */
public enum MlDataSet {
    /** Friedman #1: {@code y = 10 sin(π x0 x1) + 20 (x2 - 0.5)² + 10 x3 + 5 x4 + N(0, 1)}; x5..x9 are pure noise. */
    REGRESSION(features("x", 10), "y", DataTypes.DoubleType),
    /**
     * Binary label from a nonlinear score of x0..x7 plus Gaussian noise, thresholded so that about a fifth are
     * positive, then 5% of the labels flipped; x8, x9 are pure noise.
     */
    CLASSIFICATION(features("x", 10), "label", DataTypes.IntegerType),
    /** {@value MlDataGenerator#BLOBS} Gaussian blobs in 8 dimensions of unequal size and spread; {@code blob} is the true one. */
    CLUSTERING(features("f", 8), "blob", DataTypes.IntegerType),
    /**
     * Implicit feedback: users pick items by latent-factor affinity plus item popularity; {@code strength} is the
     * number of interactions (1 or more) of a user with an item, at most one row per user and item.
     */
    INTERACTIONS(List.of("user_id", "item_id"), "strength", DataTypes.IntegerType);

    public static final String IS_TEST = "is_test";

    private final List<String> features;
    private final String target;
    private final org.apache.spark.sql.types.DataType targetType;

    MlDataSet(List<String> features, String target, org.apache.spark.sql.types.DataType targetType) {
        this.features = features;
        this.target = target;
        this.targetType = targetType;
    }

    private static List<String> features(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return List.copyOf(out);
    }

    /** Lower-case name, used in file names: {@code regression}, {@code interactions}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The feature columns (for interactions: user and item). */
    public List<String> features() {
        return features;
    }

    /** The label, true cluster or interaction strength. */
    public String target() {
        return target;
    }

    /** Every column in file order. */
    public List<String> columns() {
        List<String> out = new ArrayList<>(features);
        out.add(target);
        out.add(IS_TEST);
        return List.copyOf(out);
    }

    /** The files' schema, for reading them without inference. */
    public StructType schema() {
        List<StructField> fields = new ArrayList<>();
        for (String f : features) {
            fields.add(DataTypes.createStructField(f, this == INTERACTIONS ? DataTypes.IntegerType : DataTypes.DoubleType, false));
        }
        fields.add(DataTypes.createStructField(target, targetType, false));
        fields.add(DataTypes.createStructField(IS_TEST, DataTypes.IntegerType, false));
        return DataTypes.createStructType(fields);
    }
}
