package dev.lakeforge.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded sample of recently written clean order lines (with their order header), the candidates for late
 * corrections. Each clean line enters with a fixed probability and replaces a random slot when full, so the
 * sample leans to the last weeks; memory is bounded by the capacity whatever the data size.
 */
final class CorrectionReservoir {
    record Entry(int batchIndex, String batch, long line, String[] lineRecord, String[] header, long headerLine) {
    }

    private final Entry[] items;
    private final double admit;
    private final SplittableRandom rng;
    private int size;

    CorrectionReservoir(int capacity, double admitProbability, SplittableRandom rng) {
        this.items = new Entry[capacity];
        this.admit = admitProbability;
        this.rng = rng;
    }

    void offer(int batchIndex, String batch, long line, String[] lineRecord, String[] header, long headerLine) {
        if (rng.nextDouble() >= admit) {
            return;
        }
        Entry e = new Entry(batchIndex, batch, line, lineRecord, header, headerLine);
        if (size < items.length) {
            items[size++] = e;
        } else {
            items[rng.nextInt(items.length)] = e;
        }
    }

    /** Removes and returns up to {@code count} random entries from batches before {@code batchIndex}. */
    List<Entry> take(int count, int batchIndex, boolean needShippedHeader, SplittableRandom r) {
        List<Entry> out = new ArrayList<>();
        int attempts = 0;
        while (out.size() < count && size > 0 && attempts < count * 50) {
            attempts++;
            int i = r.nextInt(size);
            Entry e = items[i];
            if (e.batchIndex() >= batchIndex) {
                continue;
            }
            if (needShippedHeader && (e.headerLine() < 0 || !"shipped".equals(e.header()[5]))) {
                continue;
            }
            out.add(e);
            items[i] = items[--size];
            items[size] = null;
        }
        return out;
    }
}
