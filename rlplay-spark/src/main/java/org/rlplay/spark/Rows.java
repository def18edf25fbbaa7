package org.rlplay.spark;

import java.util.List;
import org.apache.spark.sql.Row;

/** Reading step-table values out of Spark rows on executors. Stateless. */
final class Rows {
    private Rows() {
    }

    /** Copies field {@code i} (a list of numbers, or one number) into {@code out} at {@code at}; returns its width. */
    static int floats(Row row, int i, float[] out, int at) {
        Object v = row.get(i);
        if (v instanceof Number n) {
            out[at] = n.floatValue();
            return 1;
        }
        List<?> list = row.getList(i);
        for (int k = 0; k < list.size(); k++) {
            out[at + k] = ((Number) list.get(k)).floatValue();
        }
        return list.size();
    }

    /** Field {@code i} as a float array (a number is one element). */
    static float[] floats(Row row, int i) {
        Object v = row.get(i);
        if (v instanceof Number n) {
            return new float[] {n.floatValue()};
        }
        List<?> list = row.getList(i);
        float[] out = new float[list.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ((Number) list.get(k)).floatValue();
        }
        return out;
    }
}
