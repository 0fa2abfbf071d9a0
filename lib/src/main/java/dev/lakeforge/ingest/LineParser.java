package dev.lakeforge.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Turns one physical line of a landing file into a staging row: the declared and extra columns as strings
 * followed by the ingest metadata, or — for a line that cannot be parsed — a row carrying the raw line and the
 * reason. Runs on the executors.
 */
final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_RAW_CHARS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String format;
    private final List<String> columns;
    private final Map<String, FileLayout> layouts;
    private final CsvLineParser csv;

    LineParser(String format, List<String> columns, Map<String, FileLayout> layouts, char delimiter) {
        this.format = format;
        this.columns = columns;
        this.layouts = layouts;
        this.csv = new CsvLineParser(delimiter);
    }

    /** What the parser knows of a file (its checksum, batch, header positions and line index). */
    FileLayout layout(String file) {
        return layouts.get(file);
    }

    /** The staging row for a line, or null for a line that holds nothing (the CSV header, a blank line). */
    Row parse(String file, long offset, Long lineNumber, byte[] bytes, int length) {
        FileLayout layout = layouts.get(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            String lossy = new String(bytes, 0, length, StandardCharsets.UTF_8);
            return reject(layout, file, offset, lineNumber, lossy, "not valid UTF-8 text (wrong encoding?)");
        }
        if (offset == 0 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (SourceSpec.CSV.equals(format) && offset == 0) {
            return null; // the header, read on the driver
        }
        if (text.isBlank()) {
            return null;
        }
        Object[] values = new Object[columns.size() + StagingSchema.META_COUNT];
        try {
            if (SourceSpec.CSV.equals(format)) {
                List<String> fields = csv.split(text);
                if (fields.size() != layout.fieldCount()) {
                    return reject(layout, file, offset, lineNumber, text,
                            "expected " + layout.fieldCount() + " fields as in the header, found " + fields.size());
                }
                for (int i = 0; i < columns.size(); i++) {
                    Integer pos = layout.positions().get(columns.get(i));
                    String v = pos == null ? null : fields.get(pos);
                    values[i] = v == null || v.isEmpty() ? null : v;
                }
            } else {
                JsonNode node = JSON.readTree(text);
                if (node == null || !node.isObject()) {
                    return reject(layout, file, offset, lineNumber, text, "not a JSON object");
                }
                for (int i = 0; i < columns.size(); i++) {
                    JsonNode v = node.get(columns.get(i));
                    values[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
                }
            }
        } catch (CsvLineParser.MalformedLineException e) {
            return reject(layout, file, offset, lineNumber, text, "malformed CSV: " + e.getMessage());
        } catch (java.io.IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return reject(layout, file, offset, lineNumber, text, "malformed JSON: " + msg);
        }
        fillMeta(values, layout, file, offset, lineNumber, null, null);
        return RowFactory.create(values);
    }

    /** A line longer than the limit: rejected with its start as the raw line (the reader kept only the first bytes). */
    Row tooLong(String file, long offset, Long lineNumber, byte[] bytes, int kept, long fullLength, int limit) {
        String start = new String(bytes, 0, Math.min(kept, MAX_RAW_CHARS * 4), StandardCharsets.UTF_8);
        return reject(layouts.get(file), file, offset, lineNumber, start, String.format(java.util.Locale.ROOT,
                "line of %,d bytes is longer than the %,d-byte limit of a line: not a record of this source",
                fullLength, limit));
    }

    private Row reject(FileLayout layout, String file, long offset, Long lineNumber, String raw, String reason) {
        Object[] values = new Object[columns.size() + StagingSchema.META_COUNT];
        String shown = raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) + "…[" + raw.length() + " chars]" : raw;
        fillMeta(values, layout, file, offset, lineNumber, shown, reason);
        return RowFactory.create(values);
    }

    private void fillMeta(Object[] values, FileLayout layout, String file, long offset, Long lineNumber, String raw, String reason) {
        int m = columns.size();
        values[m] = file;
        values[m + 1] = layout.checksum();
        values[m + 2] = layout.batchDate();
        values[m + 3] = offset;
        values[m + 4] = lineNumber;
        values[m + 5] = raw;
        values[m + 6] = reason;
    }
}
