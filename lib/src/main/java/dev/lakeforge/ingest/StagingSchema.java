package dev.lakeforge.ingest;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** Columns of parsed lines before they split into bronze rows and rejects. */
final class StagingSchema {
    static final String SOURCE_FILE = "_source_file";
    static final String FILE_CHECKSUM = "_file_checksum";
    static final String BATCH_DATE = "_batch_date";
    static final String BYTE_OFFSET = "_byte_offset";
    static final String LINE_NUMBER = "_line_number";
    static final String RAW_LINE = "_raw_line";
    static final String REJECT_REASON = "_reject_reason";
    static final int META_COUNT = 7;

    private StagingSchema() {
    }

    static StructType of(List<String> columns) {
        List<StructField> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(SOURCE_FILE, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(FILE_CHECKSUM, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(BATCH_DATE, DataTypes.DateType, true));
        fields.add(DataTypes.createStructField(BYTE_OFFSET, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(LINE_NUMBER, DataTypes.LongType, true));
        fields.add(DataTypes.createStructField(RAW_LINE, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(REJECT_REASON, DataTypes.StringType, true));
        return new StructType(fields.toArray(StructField[]::new));
    }
}
