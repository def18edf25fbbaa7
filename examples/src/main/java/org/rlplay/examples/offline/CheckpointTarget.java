package org.rlplay.examples.offline;

import java.nio.file.Path;
import java.util.List;
import org.rlplay.actor.ActorCall;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.spark.TargetPolicy;

/**
 * A checkpoint's policy for the Spark jobs ({@code rlplay spark ope|score}): what travels to the
 * executors is the checkpoint's path and the target's epsilon; {@link #open} loads the checkpoint
 * there with DJL (natives from the jar, {@code ai.djl.offline=true}, single-threaded torch, set
 * here if the executor JVM did not set them) and gives the epsilon-greedy distribution of its greedy
 * actor, {@code pi(a|x) = (1 - epsilon) [a = greedy(x)] + epsilon / K}, the target of
 * {@code rlplay ope}. The greedy actor runs with grad off on batches of {@value #BATCH}
 * observations (a T = 1 fragment of that many envs). The path must be readable where the executors
 * run (a shared file system on a cluster). Feed-forward actors only.
 *
 * @param checkpoint the checkpoint or run directory, as the executors see it
 * @param epsilon    the target's exploration, in [0, 1]
 */
public record CheckpointTarget(String checkpoint, double epsilon) implements TargetPolicy {
    static final int BATCH = 256;

    public CheckpointTarget {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
    }

    @Override
    public String key() {
        return "checkpoint " + checkpoint + " epsilon " + epsilon;
    }

    @Override
    public ActionDistribution open(Space observations, Discrete actions) {
        for (String[] p : new String[][] {{"ai.djl.offline", "true"}, {"ai.djl.pytorch.graph_optimizer", "false"},
                {"ai.djl.pytorch.num_threads", "1"}, {"ai.djl.pytorch.num_interop_threads", "1"}}) {
            if (System.getProperty(p[0]) == null) {
                System.setProperty(p[0], p[1]);
            }
        }
        CheckpointPolicy policy = CheckpointPolicy.load(Path.of(checkpoint), observations, actions);
        FragmentWriter writer = new FragmentWriter(new FragmentSpec(1, BATCH, observations, actions, List.of(), false));
        ActorCall call = new ActorCall(writer.spec());
        int size = observations.size();
        int k = actions.n();
        return (x, rows, out) -> {
            Fragment f = writer.fragment();
            float[] obs = f.obs();
            for (int start = 0; start < rows; start += BATCH) {
                int b = Math.min(BATCH, rows - start);
                System.arraycopy(x, start * size, obs, 0, b * size);
                java.util.Arrays.fill(obs, b * size, BATCH * size, 0f);
                ActionBatch choice = call.step(policy.greedy(), f, 0, null, false);
                if (call.returnedState()) {
                    throw new IllegalArgumentException("the checkpoint's actor is recurrent (it returned an hx); the Spark"
                            + " jobs support feed-forward policies only");
                }
                for (int j = 0; j < b; j++) {
                    int g = choice.discrete(j);
                    for (int a = 0; a < k; a++) {
                        out[(start + j) * k + a] = (a == g ? 1 - epsilon : 0) + epsilon / k;
                    }
                }
            }
        };
    }
}
