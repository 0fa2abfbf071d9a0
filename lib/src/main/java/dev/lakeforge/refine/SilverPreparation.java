package dev.lakeforge.refine;

import dev.lakeforge.ingest.SourceSpec;
import dev.lakeforge.quality.Expectation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

/**
 * Bronze strings → typed, standardised silver candidates, with the verdict of every row-level rule:
 * <ul>
 *   <li>{@value #REASONS}: why the row goes to quarantine (missing required value, wrong type, unknown unit,
 *       failed {@code quarantine} expectation) — empty for a good row;</li>
 *   <li>{@value #WARNINGS}: what is flagged on a kept row (missing optional value, failed {@code warn} expectation);</li>
 *   <li>{@value #FAILS}: failed {@code fail} expectations (any such row stops the run).</li>
 * </ul>
 * Raw values are kept beside the typed ones ({@code _raw_<column>}) so quarantine rows show what arrived.
 */
public final class SilverPreparation {
    public static final String REASONS = "_dq_reasons";
    public static final String WARNINGS = "_dq_warnings";
    public static final String FAILS = "_dq_fails";
    static final String RAW = "_raw_";

    private SilverPreparation() {
    }

    public static Dataset<Row> prepare(Dataset<Row> bronze, SourceSpec spec) {
        Dataset<Row> df = bronze;
        List<Column> reasons = new ArrayList<>();
        List<Column> warnings = new ArrayList<>();
        List<String> unitReasons = new ArrayList<>();
        // 1. keep raw, standardise text, type
        for (StructField f : spec.schema().fields()) {
            String c = f.name();
            df = df.withColumn(RAW + c, col(c));
            Column v = col(c);
            if (spec.trimStrings()) {
                v = trim(v);
            }
            v = when(v.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(v);
            if (spec.lowerCase().contains(c)) {
                v = lower(v);
            }
            if (spec.upperCase().contains(c)) {
                v = upper(v);
            }
            DataType t = f.dataType();
            String pattern = spec.formats().get(c);
            Column typed;
            if (pattern != null && (t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType))) {
                typed = org.apache.spark.sql.functions.try_to_timestamp(v, lit(pattern)).cast(t);
            } else {
                typed = t.equals(DataTypes.StringType) ? v : v.try_cast(t);
            }
            df = df.withColumn(c, typed);
            if (!t.equals(DataTypes.StringType)) {
                reasons.add(when(col(c).isNull().and(trimmedRaw(c).isNotNull()),
                        concat(lit("type_error:" + c + ": '"), col(RAW + c), lit("' is not a valid " + t.sql()))));
            }
        }
        // 2. units
        for (SourceSpec.UnitRule u : spec.units()) {
            Column factor = lit(null).cast(DataTypes.DoubleType);
            for (Map.Entry<String, Double> e : u.factors().entrySet()) {
                factor = when(col(u.unitColumn()).equalTo(e.getKey()), lit(e.getValue())).otherwise(factor);
            }
            DataType valueType = spec.schema().apply(u.column()).dataType();
            String tmp = "_factor_" + u.column();
            df = df.withColumn(tmp, factor);
            String reason = "_unit_reason_" + u.column();
            df = df.withColumn(reason, when(col(u.column()).isNotNull().and(col(tmp).isNull()),
                    concat(lit("unknown_unit:" + u.unitColumn() + ": '"), coalesce(col(u.unitColumn()), lit("")),
                            lit("' is not one of " + u.factors().keySet()))));
            reasons.add(col(reason));
            unitReasons.add(reason);
            df = df.withColumn(u.column(), when(col(tmp).isNotNull(), col(u.column()).cast(DataTypes.DoubleType).multiply(col(tmp))
                            .cast(valueType)).otherwise(col(u.column())))
                    .withColumn(u.unitColumn(), when(col(tmp).isNotNull(), lit(u.target())).otherwise(col(u.unitColumn())))
                    .drop(tmp);
        }
        // 3. required and flagged-missing columns
        for (String c : spec.required()) {
            reasons.add(when(col(c).isNull().and(trimmedRaw(c).isNull()), lit("missing_required:" + c)));
        }
        for (String c : spec.flagMissing()) {
            warnings.add(when(col(c).isNull(), lit("missing:" + c)));
        }
        // 4. expectations (NULL counts as failed)
        List<Column> fails = new ArrayList<>();
        for (Expectation e : spec.expectations()) {
            Column failed = coalesce(expr(e.sql()), lit(false)).equalTo(false);
            Column tag = when(failed, lit("expectation:" + e.name()));
            switch (e.action()) {
                case WARN -> warnings.add(tag);
                case QUARANTINE -> reasons.add(tag);
                case FAIL -> fails.add(tag);
            }
        }
        // A row already refused for its own defects (wrong type, missing value, …) is quarantined; it does not
        // stop the run through a fail expectation as well.
        return df.withColumn(REASONS, compact(reasons))
                .withColumn(WARNINGS, compact(warnings))
                .withColumn(FAILS, when(size(col(REASONS)).equalTo(0), compact(fails))
                        .otherwise(array().cast(DataTypes.createArrayType(DataTypes.StringType))))
                .drop(unitReasons.toArray(String[]::new));
    }

    private static Column trimmedRaw(String c) {
        return when(trim(col(RAW + c)).equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(col(RAW + c));
    }

    private static Column compact(List<Column> items) {
        if (items.isEmpty()) {
            return array().cast(DataTypes.createArrayType(DataTypes.StringType));
        }
        return array_compact(array(items.toArray(Column[]::new)));
    }
}
