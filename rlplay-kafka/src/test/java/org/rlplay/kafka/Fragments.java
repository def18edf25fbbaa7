package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.nio.ByteBuffer;
import java.util.List;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;

/** Bit-for-bit comparison of fragments for the tests. */
final class Fragments {
    private Fragments() {
    }

    /** Every column (storage bits, NaN payloads included), the episodes and hx of {@code actual} equal {@code expected}'s. */
    static void assertBitIdentical(Fragment expected, Fragment actual, String what) {
        assertEquals(expected.spec(), actual.spec(), what + ": layout");
        List<Column> e = expected.columns();
        List<Column> a = actual.columns();
        assertEquals(e.size(), a.size(), what + ": column count");
        for (int k = 0; k < e.size(); k++) {
            Column ce = e.get(k);
            Column ca = a.get(k);
            String where = what + ": column " + ce.name();
            assertEquals(ce.spec(), ca.spec(), where);
            Object x = ce.array();
            Object y = ca.array();
            if (x instanceof float[] f) {
                float[] g = (float[]) y;
                assertEquals(f.length, g.length, where);
                for (int i = 0; i < f.length; i++) {
                    if (Float.floatToRawIntBits(f[i]) != Float.floatToRawIntBits(g[i])) {
                        fail(where + "[" + i + "]: " + f[i] + " != " + g[i]);
                    }
                }
            } else if (x instanceof double[] d) {
                double[] g = (double[]) y;
                assertEquals(d.length, g.length, where);
                for (int i = 0; i < d.length; i++) {
                    if (Double.doubleToRawLongBits(d[i]) != Double.doubleToRawLongBits(g[i])) {
                        fail(where + "[" + i + "]: " + d[i] + " != " + g[i]);
                    }
                }
            } else if (x instanceof int[] i) {
                assertArrayEquals(i, (int[]) y, where);
            } else if (x instanceof long[] l) {
                assertArrayEquals(l, (long[]) y, where);
            } else if (x instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) y, where);
            } else {
                assertArrayEquals((boolean[]) x, (boolean[]) y, where);
            }
        }
        Episodes ee = expected.episodes();
        Episodes ea = actual.episodes();
        assertEquals(ee.count(), ea.count(), what + ": episodes");
        for (int i = 0; i < ee.count(); i++) {
            assertEquals(ee.env(i), ea.env(i), what + ": episode env");
            assertEquals(ee.record(i), ea.record(i), what + ": episode record");
            assertEquals(Double.doubleToRawLongBits(ee.episodeReturn(i)), Double.doubleToRawLongBits(ea.episodeReturn(i)),
                    what + ": episode return");
            assertEquals(ee.length(i), ea.length(i), what + ": episode length");
            assertEquals(ee.truncated(i), ea.truncated(i), what + ": episode truncated");
        }
        assertHxEqual(expected.hx(), actual.hx(), what);
        assertEquals(expected.sequence(), actual.sequence(), what + ": sequence");
    }

    static void assertHxEqual(NDList expected, NDList actual, String what) {
        if (expected == null) {
            assertNull(actual, what + ": hx");
            return;
        }
        assertEquals(expected.size(), actual.size(), what + ": hx arrays");
        for (int k = 0; k < expected.size(); k++) {
            NDArray x = expected.get(k);
            NDArray y = actual.get(k);
            assertEquals(x.getDataType(), y.getDataType(), what + ": hx[" + k + "] type");
            assertEquals(x.getShape(), y.getShape(), what + ": hx[" + k + "] shape");
            assertEquals(bytes(x.toByteBuffer()), bytes(y.toByteBuffer()), what + ": hx[" + k + "] bytes");
        }
    }

    private static List<Byte> bytes(ByteBuffer b) {
        Byte[] out = new Byte[b.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(b.position() + i);
        }
        return List.of(out);
    }
}
