package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.MultiDiscrete;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * Fragments of every storage type survive a recording bit for bit: uint8 image observations stay
 * uint8 (also in the Parquet schema), continuous and multi-discrete actions, actor info of each
 * element type, NaN payloads and negative zeros, env info, a two-array hx of two dtypes, final
 * observations, and episode lists in a non-canonical order.
 */
class TypedRoundTripTest {
    static final int T = 4;
    static final int N = 3;

    @TempDir
    Path tmp;

    /** Fills every column of {@code w} with random values of its type, and the episodes and hx. */
    static void fill(FragmentWriter w, long sequence, SplittableRandom rng, NDManager m) {
        Fragment f = w.fragment();
        w.actorInfoColumn(new ColumnSpec("probs", ElementType.FLOAT64, new int[] {2, 2}, true));
        w.actorInfoColumn(new ColumnSpec("mask", ElementType.BOOL, new int[] {3}, true));
        w.actorInfoColumn(new ColumnSpec("count", ElementType.INT64, new int[0], true));
        w.actorInfoColumn(new ColumnSpec("pixel", ElementType.UINT8, new int[0], true));
        for (Column c : f.columns()) {
            Object a = c.array();
            int n = java.lang.reflect.Array.getLength(a);
            for (int i = 0; i < n; i++) {
                switch (c.type()) {
                    case BOOL: ((boolean[]) a)[i] = rng.nextBoolean(); break;
                    case UINT8: case INT8: ((byte[]) a)[i] = (byte) rng.nextInt(256); break;
                    case INT32: ((int[]) a)[i] = rng.nextInt(); break;
                    case INT64: ((long[]) a)[i] = rng.nextLong(); break;
                    case FLOAT32: ((float[]) a)[i] = Float.intBitsToFloat(rng.nextInt()); break;
                    default: ((double[]) a)[i] = Double.longBitsToDouble(rng.nextLong()); break;
                }
            }
        }
        float[] rew = f.rew();
        rew[0] = -0.0f;
        rew[1] = Float.intBitsToFloat(0x7fc00123);
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        for (int i = 0; i < fin.length; i++) {
            trunc[i] = trunc[i] && fin[i];
        }
        // finalObs is zero where no episode ends, except one stray value that must survive too
        Column finalObs = f.column("finalObs");
        w.clearEpisodes();
        List<int[]> ends = new ArrayList<>();
        for (int t = 1; t <= T; t++) {
            for (int j = 0; j < N; j++) {
                if (fin[f.index(t, j)] && rng.nextInt(3) > 0) {
                    ends.add(new int[] {j, t});
                } else {
                    int at = finalObs.offset(t, j);
                    Arrays.fill((byte[]) finalObs.array(), at, at + finalObs.width(), (byte) 0);
                }
            }
        }
        ((byte[]) finalObs.array())[finalObs.offset(0, 1)] = 0;
        java.util.Collections.reverse(ends);
        for (int[] e : ends) {
            w.addEpisode(e[0], e[1], rng.nextDouble() * 100, 1 + rng.nextInt(50), trunc[f.index(e[1], e[0])]);
        }
        w.setMeta(sequence, 7 + sequence, 2, 5);
        NDArray h = m.randomNormal(new Shape(2, N, 4));
        NDArray c = m.arange(0, 2 * N, 1, DataType.INT32).reshape(1, N, 2);
        w.setHx(new NDList(h, c));
    }

    @Test
    void uint8ImagesAndEveryOtherTypeRoundTripBitForBit() {
        Space image = new Box(filled(6, 0), filled(6, 255), new int[] {2, 3}, ElementType.UINT8);
        Space actions = new MultiDiscrete(3, 4);
        FragmentSpec spec = new FragmentSpec(T, N, image, actions, List.of("a", "b"), true);
        assertEquals(ElementType.UINT8, spec.observationSpace().storageType());
        Path dir = tmp.resolve("typed");
        List<FragmentWriter> written = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(3);
        try (NDManager m = NDManager.newBaseManager();
             Recorder recorder = Recorder.create(dir, spec, DatasetInfo.of("Image-v0", 1, N),
                     RecorderOptions.defaults().withFragmentsPerFile(2))) {
            for (long k = 0; k < 3; k++) {
                FragmentWriter w = new FragmentWriter(spec);
                fill(w, k, rng, m);
                recorder.write(w.fragment());
                written.add(w);
            }
        }
        Dataset d = Dataset.open(dir);
        assertEquals(2, d.files().size());
        try (FragmentReader r = FragmentReader.open(d.files().get(0).path())) {
            String schema = StepColumns.schema(r.layout()).toString();
            assertTrue(schema.contains("required int32 element (INTEGER(8,false))"), schema);
        }
        try (Rollout replay = d.replay(ReplayOptions.once())) {
            for (FragmentWriter w : written) {
                Fixtures.assertSameFragment(w.fragment(), replay.next(), "typed fragment " + w.fragment().sequence());
            }
        }
        written.forEach(FragmentWriter::close);
    }

    @Test
    void continuousActionsAndInfiniteBoundsRoundTrip() {
        Box obs = Box.of(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2);
        Box act = Box.of(-2f, 2f, 2);
        FragmentSpec spec = new FragmentSpec(2, 1, obs, act, List.of(), false);
        Path dir = tmp.resolve("continuous");
        try (FragmentWriter w = new FragmentWriter(spec);
             Recorder recorder = Recorder.create(dir, spec, DatasetInfo.of("Continuous-v0", 3, 1),
                     RecorderOptions.defaults().inline())) {
            Fragment f = w.fragment();
            for (int i = 0; i < f.actFloats().length; i++) {
                f.actFloats()[i] = -1.5f + i;
                f.obs()[i] = 0.1f * i;
            }
            recorder.write(f);
            recorder.close();
            Dataset d = Dataset.open(dir);
            assertEquals(obs, d.spec().observationSpace());
            try (FragmentWriter back = new FragmentWriter(spec)) {
                d.readFragment(0, back);
                Fixtures.assertSameFragment(f, back.fragment(), "continuous");
            }
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
