package org.rlplay.spark;

import java.nio.file.Path;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** Records the tests' datasets with the project's own recorder. */
final class Recordings {
    private Recordings() {
    }

    /** Runs {@code actor} on N copies of {@code env} with T-step fragments for at least {@code steps} env steps into {@code dir}, partition {@code date}. */
    static void record(Path dir, String env, int n, int t, long steps, long seed, String date, Actor actor) {
        RecorderOptions options = RecorderOptions.defaults().withFsync(false)
                .withPartition(RecorderOptions.fixed("date", date));
        try (Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec(env, n), actor,
                RolloutConfig.builder().length(t).seed(seed).build()), dir, DatasetInfo.of(env, seed, n), options)) {
            while (r.envSteps() < steps) {
                r.next();
            }
        }
    }
}
