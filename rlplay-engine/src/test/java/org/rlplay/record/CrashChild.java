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
 * The child JVM of {@link CrashSafetyTest}: records CartPole (N = 64, T = 128, default options) into
 * {@code args[0]} without end, until it is killed.
 */
public final class CrashChild {
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

    public static void main(String[] args) {
        RolloutConfig config = RolloutConfig.builder().length(128).seed(7).build();
        try (Rollout rollout = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 64), new Alternating(), config),
                Paths.get(args[0]), DatasetInfo.of("CartPole-v1", 7, 64))) {
            while (rollout.hasNext()) {
                rollout.next();
            }
        }
    }
}
