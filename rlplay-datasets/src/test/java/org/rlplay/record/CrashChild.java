package org.rlplay.record;

import ai.djl.ndarray.NDList;
import java.nio.file.Paths;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.EnvRegistry;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The child JVM of {@link CrashSafetyTest}: records CartPole (N = 64, T = 128, seed 7) with the
 * background writer into {@code args[0]}, with compression {@code args[1]} and {@code args[2]}
 * fragments per file, without end, until it is killed. After each fragment the recorder accepted
 * it prints {@code handed <sequence>}. With a slow compression (gzip) the writer falls behind the
 * DJL-free actor, so every slot is taken and the recorder holds a file's worth of fragments that
 * are not on disk yet.
 */
public final class CrashChild {
    static final int N = 64;
    static final int T = 128;
    static final long SEED = 7;

    private CrashChild() {
    }

    /** A DJL-free actor: pushes left or right by stepno and env index. */
    static final class Alternating implements Actor {
        @Override
        public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, (in.stepno(j) / 3 + j) % 2);
            }
            return null;
        }
    }

    /** The rollout the child records (and the test replays to compare). */
    static Rollout rollout() {
        return Rollouts.same(EnvRegistry.makeVec("CartPole-v1", N), new Alternating(),
                RolloutConfig.builder().length(T).seed(SEED).build());
    }

    public static void main(String[] args) {
        RecorderOptions options = RecorderOptions.defaults().withCompression(Compression.valueOf(args[1]))
                .withFragmentsPerFile(Integer.parseInt(args[2]));
        try (Rollout rollout = Recorder.wrap(rollout(), Paths.get(args[0]), DatasetInfo.of("CartPole-v1", SEED, N), options)) {
            while (rollout.hasNext()) {
                System.out.println("handed " + rollout.next().sequence());
                System.out.flush();
            }
        }
    }
}
