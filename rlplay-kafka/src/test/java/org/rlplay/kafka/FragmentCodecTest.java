package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/** The record layout: bit-identical round trips for every column type, and clear errors for records that do not fit. */
class FragmentCodecTest {

    private static FragmentSpec spec(Space obs, Space act, int keys, boolean finalObs) {
        return new FragmentSpec(5, 3, obs, act, keys == 0 ? List.of() : List.of("x", "flag").subList(0, keys), finalObs);
    }

    private static Box box(ElementType type, int... shape) {
        int n = Space.sizeOf(shape);
        float[] lo = new float[n];
        float[] hi = new float[n];
        Arrays.fill(hi, 255);
        return new Box(lo, hi, shape, type);
    }

    /** Fills every column with random bits (floats include NaNs with payloads), adds actor info of several dtypes, episodes, hx and metadata. */
    private static void fill(FragmentWriter w, NDManager m, long seed, boolean hx) {
        SplittableRandom rng = new SplittableRandom(seed);
        w.actorInfoColumn(new ColumnSpec("logits", ElementType.FLOAT32, new int[] {4}, true));
        w.actorInfoColumn(new ColumnSpec("value", ElementType.FLOAT64, new int[0], true));
        w.actorInfoColumn(new ColumnSpec("choice", ElementType.INT64, new int[0], true));
        w.actorInfoColumn(new ColumnSpec("mask", ElementType.BOOL, new int[] {2}, true));
        w.actorInfoColumn(new ColumnSpec("pixels", ElementType.UINT8, new int[] {2, 2}, true));
        w.actorInfoColumn(new ColumnSpec("signed", ElementType.INT8, new int[0], true));
        w.actorInfoColumn(new ColumnSpec("count", ElementType.INT32, new int[0], true));
        for (Column c : w.fragment().columns()) {
            Object a = c.array();
            if (a instanceof float[] f) {
                for (int i = 0; i < f.length; i++) {
                    f[i] = Float.intBitsToFloat(rng.nextInt());
                }
            } else if (a instanceof double[] d) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = Double.longBitsToDouble(rng.nextLong());
                }
            } else if (a instanceof int[] x) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = rng.nextInt();
                }
            } else if (a instanceof long[] x) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = rng.nextLong();
                }
            } else if (a instanceof byte[] x) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (byte) rng.nextInt();
                }
            } else {
                boolean[] x = (boolean[]) a;
                for (int i = 0; i < x.length; i++) {
                    x[i] = rng.nextBoolean();
                }
            }
        }
        w.clearEpisodes();
        w.addEpisode(0, 2, 17.25, 40, false);
        w.addEpisode(2, 5, -3.5, 7, true);
        w.setMeta(41, 9, 3, 12);
        if (hx) {
            float[] h = new float[2 * 3 * 5];
            for (int i = 0; i < h.length; i++) {
                h[i] = Float.intBitsToFloat(rng.nextInt());
            }
            NDArray c = m.create(new int[] {1, 2, 3, 4, 5, 6}, new Shape(1, 3, 2));
            w.setHx(new NDList(m.create(h, new Shape(2, 3, 5)), c));
        }
    }

    private static void roundTrip(FragmentSpec spec, boolean hx) {
        try (NDManager m = NDManager.newBaseManager();
                FragmentWriter src = new FragmentWriter(spec);
                FragmentWriter dst = new FragmentWriter(spec)) {
            fill(src, m, spec.hashCode(), hx);
            FragmentCodec.Meta meta = new FragmentCodec.Meta(5, 3, 3, 12, 1_700_000_000_000L, 41, 9, 15);
            byte[] value = FragmentCodec.encode(src.fragment(), meta);
            assertEquals(FragmentCodec.size(src.fragment()), value.length);
            assertEquals(meta, FragmentCodec.decode(value, dst, m));
            Fragments.assertBitIdentical(src.fragment(), dst.fragment(), spec.observationSpace() + " obs");
            assertEquals(9, dst.fragment().actorVersion());
            assertEquals(3, dst.fragment().collector());
            assertEquals(12, dst.fragment().envOffset());
            // A second decode into the same slot (actor info columns now exist) gives the same fragment.
            fill(src, m, 99, hx);
            FragmentCodec.decode(FragmentCodec.encode(src.fragment(), meta), dst, m);
            Fragments.assertBitIdentical(src.fragment(), dst.fragment(), "second decode");
        }
    }

    @Test
    void float32ObservationsIntActionsAndActorInfoOfEveryDtypeRoundTripBitForBit() {
        roundTrip(spec(Box.of(-1, 1, 4), new Discrete(2), 2, true), true);
    }

    @Test
    void discreteInt32ObservationsAndFloatActionsRoundTripBitForBit() {
        roundTrip(spec(new Discrete(16), Box.of(-2, 2, 2), 1, false), false);
    }

    @Test
    void uint8ImageObservationsRoundTripBitForBit() {
        roundTrip(spec(box(ElementType.UINT8, 6, 5, 3), new Discrete(4), 0, true), true);
    }

    @Test
    void columnDataStartsAtMultiplesOfEightBytes() {
        FragmentSpec spec = spec(box(ElementType.UINT8, 3), new Discrete(4), 1, false);
        try (NDManager m = NDManager.newBaseManager(); FragmentWriter w = new FragmentWriter(spec)) {
            fill(w, m, 1, false);
            int size = FragmentCodec.size(w.fragment());
            assertEquals(0, size % 8, "every block is padded to 8 bytes");
        }
    }

    @Test
    void recordsOfAnotherLayoutOrTruncatedOrForeignAreRejectedWithTheReason() {
        FragmentSpec spec = spec(Box.of(-1, 1, 4), new Discrete(2), 2, true);
        try (NDManager m = NDManager.newBaseManager();
                FragmentWriter src = new FragmentWriter(spec);
                FragmentWriter otherN = new FragmentWriter(spec.withNumEnvs(4));
                FragmentWriter otherObs = new FragmentWriter(spec(Box.of(-1, 1, 5), new Discrete(2), 2, true));
                FragmentWriter dst = new FragmentWriter(spec)) {
            fill(src, m, 5, true);
            byte[] value = FragmentCodec.encode(src.fragment(), new FragmentCodec.Meta(5, 3, 0, 0, 1, 0, 0, 15));
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                    () -> FragmentCodec.decode(value, otherN, m));
            assertTrue(n.getMessage().contains("N=3") && n.getMessage().contains("N=4"), n.getMessage());
            IllegalArgumentException obs = assertThrows(IllegalArgumentException.class,
                    () -> FragmentCodec.decode(value, otherObs, m));
            assertTrue(obs.getMessage().contains("column 1"), obs.getMessage());
            IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                    () -> FragmentCodec.decode(Arrays.copyOf(value, value.length - 8), dst, m));
            assertTrue(cut.getMessage().contains("truncated") || cut.getMessage().contains("bytes"), cut.getMessage());
            byte[] foreign = "hello, this is not a fragment record at all, not even close".getBytes();
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> FragmentCodec.decode(foreign, dst, m));
            assertTrue(f.getMessage().contains("magic"), f.getMessage());
            byte[] future = value.clone();
            future[4] = 2;
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                    () -> FragmentCodec.decode(future, dst, m));
            assertTrue(s.getMessage().contains("schema 2"), s.getMessage());
        }
    }

    @Test
    void keysSortAndOrderByIncarnationThenSequence() {
        FragmentKey a = new FragmentKey(3, 100, 7);
        assertEquals(a, FragmentKey.decode(a.encode()));
        assertEquals(FragmentKey.BYTES, a.encode().length);
        assertTrue(new FragmentKey(3, 100, 8).isAfter(a));
        assertTrue(new FragmentKey(3, 101, 0).isAfter(a));
        assertTrue(!new FragmentKey(3, 99, 50).isAfter(a));
        assertTrue(!a.isAfter(a));
        assertThrows(IllegalArgumentException.class, () -> FragmentKey.decode(new byte[7]));
    }

    @Test
    void weightSnapshotsLoadIntoAReplicaAndRefuseAnotherNetwork() {
        try (NDManager m = NDManager.newBaseManager()) {
            var learner = TestNets.mlp(m, 1);
            var replica = TestNets.mlp(m, 2);
            byte[] snapshot = WeightSnapshot.encode(learner, 12);
            assertEquals(12, WeightSnapshot.version(snapshot));
            assertEquals(12, WeightSnapshot.loadInto(snapshot, replica));
            for (int i = 0; i < learner.getParameters().size(); i++) {
                NDArray x = learner.getParameters().valueAt(i).getArray();
                NDArray y = replica.getParameters().valueAt(i).getArray();
                assertTrue(Arrays.equals(x.toFloatArray(), y.toFloatArray()), "parameter " + i);
            }
            var wider = org.rlplay.algos.policy.Mlp.of(2, true, 16);
            wider.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WeightSnapshot.loadInto(snapshot, wider));
            assertTrue(e.getMessage().contains("parameter 0"), e.getMessage());
        }
    }
}
