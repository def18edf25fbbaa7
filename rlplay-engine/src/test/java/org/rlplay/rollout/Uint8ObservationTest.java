package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.fragment.Transitions;
import org.rlplay.ring.RingConfig;
import org.rlplay.testing.ImageEnv;

/** uint8 image observations stay bytes in every mode: in the fragment, in the actor's view and in transitions. */
class Uint8ObservationTest {
    private static final int N = 2;
    private static final int T = 5;

    /** Acts on the mean of its uint8 view, so the test also sees what the actor saw; reports that mean as info. */
    private static Actor meanActor() {
        return (in, hx, virtual, out) -> {
            NDArray obs = in.obs();
            assertEquals(DataType.UINT8, obs.getDataType(), "the actor gets the bytes and casts itself");
            NDArray mean = obs.toType(DataType.FLOAT32, false).reshape(in.numEnvs(), -1).mean(new int[] {1});
            mean.setName("mean");
            out.info(new NDList(mean));
            if (!virtual) {
                float[] m = mean.toFloatArray();
                for (int j = 0; j < in.numEnvs(); j++) {
                    out.actions().setDiscrete(j, m[j] > 127.5f ? 1 : 0);
                }
            }
            return null;
        };
    }

    private static SerialVecEnv envs() {
        return SerialVecEnv.of(N, ImageEnv::new);
    }

    private static List<byte[]> collect(Rollout r, int fragments) {
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < fragments; k++) {
            Fragment f = r.next();
            assertEquals(ElementType.UINT8, f.column(ColumnSpec.OBS).type());
            out.add(f.column(ColumnSpec.OBS).bytes().clone());
            out.add(f.column(ColumnSpec.FINAL_OBS).bytes().clone());
        }
        return out;
    }

    @Test
    void imagesStayBytesAndEveryModeYieldsTheSameOnes() {
        RolloutConfig config = RolloutConfig.builder().length(T).seed(40).build();
        List<byte[]> same;
        try (Rollout r = Rollouts.same(envs(), meanActor(), config)) {
            Fragment f = r.next();
            byte[] obs = f.column(ColumnSpec.OBS).bytes();
            int size = ImageEnv.H * ImageEnv.W * ImageEnv.C;
            for (int t = 0; t <= T; t++) {
                for (int j = 0; j < N; j++) {
                    for (int i = 0; i < size; i++) {
                        int step = t % ImageEnv.LENGTH;
                        assertEquals(ImageEnv.pixel(40 + j, 0, step, i), obs[f.index(t, j) * size + i] & 0xff,
                                "record " + t + " env " + j + " pixel " + i);
                    }
                }
            }
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray view = f.obs(m);
                assertEquals(DataType.UINT8, view.getDataType());
                assertArrayEquals(obs, view.toByteArray(), "the NDArray view holds the same bytes");
            }
        }
        try (Rollout r = Rollouts.same(envs(), meanActor(), config)) {
            same = collect(r, 4);
        }
        try (Rollout r = Rollouts.single(envs(), meanActor(), config, RingConfig.builder().build())) {
            List<byte[]> single = collect(r, 4);
            for (int k = 0; k < same.size(); k++) {
                assertArrayEquals(same.get(k), single.get(k), "single, array " + k);
            }
        }
        try (Rollout r = Rollouts.multi(List.of(envs()), List.of(meanActor()), config, RingConfig.builder().build())) {
            List<byte[]> multi = collect(r, 4);
            for (int k = 0; k < same.size(); k++) {
                assertArrayEquals(same.get(k), multi.get(k), "multi, array " + k);
            }
        }
    }

    @Test
    void transitionsKeepTheBytesToo() {
        try (Rollout r = Rollouts.same(envs(), meanActor(), RolloutConfig.builder().length(T).build());
             NDManager m = NDManager.newBaseManager()) {
            Fragment f = r.next();
            Transitions store = new Transitions(f.spec().observationSpace(), f.spec().actionSpace(), 16);
            boolean[] real = Transitions.real(f, new boolean[T * N]);
            int stored = store.put(f, real, 0);
            TransitionBatch batch = store.newBatch(stored);
            for (int b = 0; b < stored; b++) {
                batch.indices()[b] = b;
            }
            store.gather(batch, stored);
            assertEquals(DataType.UINT8, batch.obs(m).getDataType());
            int size = ImageEnv.H * ImageEnv.W * ImageEnv.C;
            byte[] s = (byte[]) batch.obsArray();
            byte[] obs = f.column(ColumnSpec.OBS).bytes();
            for (int i = 0; i < size; i++) {
                assertEquals(obs[i], s[i], "transition 0 starts at record 0 env 0");
            }
        }
    }
}
