package dev.lakeforge.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields (RFC 4180: fields may be quoted with {@code "}, a quote inside a quoted field
 * is doubled). One record per line: a quote left open at the end of the line makes the line malformed.
 */
public final class CsvLineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private final char delimiter;

    public CsvLineParser(char delimiter) {
        this.delimiter = delimiter;
    }

    /** The fields, or throws {@link MalformedLineException} saying what is wrong. */
    public List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = line.length();
        boolean fieldStart = true;
        boolean quoted = false;
        while (i < n) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    if (i < n && line.charAt(i) != delimiter) {
                        throw new MalformedLineException("unexpected character after a closing quote at position " + (i + 1));
                    }
                    continue;
                }
                cur.append(c);
                i++;
                continue;
            }
            if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
                i++;
                continue;
            }
            if (c == delimiter) {
                fields.add(cur.toString());
                cur.setLength(0);
                fieldStart = true;
                i++;
                continue;
            }
            cur.append(c);
            fieldStart = false;
            i++;
        }
        if (quoted) {
            throw new MalformedLineException("unterminated quoted field");
        }
        fields.add(cur.toString());
        return fields;
    }

    /** Thrown for a line that cannot be split. */
    public static final class MalformedLineException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedLineException(String message) {
            super(message);
        }
    }
}
