package org.rlplay.examples;

import ai.djl.nn.Block;
import java.nio.file.Path;
import org.rlplay.actor.Actor;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.examples.offline.BanditLogs;
import org.rlplay.examples.offline.BanditNet;
import org.rlplay.examples.offline.EpsilonGreedyBehaviour;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.examples.usage.UsageException;

/**
 * {@link BanditNet} as an offline algorithm: {@code train --data DIR --algo banditnet} learns a
 * softmax policy from a contextual-bandit log alone (a dataset of one-step episodes with the
 * behaviour's probabilities as actor info: {@code probs} as {@code rlplay bandit-demo} and
 * {@code rlplay record} write it, or the {@code propensity} of {@code rlplay import}), and acts
 * greedily on it for {@code eval} and {@code ope}. The budget ({@code --steps}) counts gradient
 * steps over the whole lambda sweep, split evenly between the lambdas (so it is a multiple of their
 * number); the checkpoint holds the policy of the lambda with the best held-out SNIPS value.
 *
 * <pre>
 * decisions (x_i, a_i, r_i, p_i) = the dataset's one-step episodes
 * for lambda in lambdas: steps / |lambdas| translated-IPS steps from the same initial weights
 * keep the policy of the best held-out SNIPS          (BanditNet.sweep)
 * act greedily: argmax_a pi(a|x)
 * </pre>
 */
public final class BanditNetOffline implements Algorithm<BanditNet.Hyperparameters> {

    @Override
    public String name() {
        return BanditNet.NAME;
    }

    @Override
    public boolean offline() {
        return true;
    }

    /** The demonstration's sweep: {@value BanditNet#DEFAULT_STEPS} steps for each of the three default lambdas. */
    @Override
    public long defaultSteps() {
        return (long) BanditNet.DEFAULT_STEPS * BanditNet.defaults().lambdas().length;
    }

    @Override
    public Class<BanditNet.Hyperparameters> hyperparameterType() {
        return BanditNet.Hyperparameters.class;
    }

    @Override
    public BanditNet.Hyperparameters defaults(String env) {
        return BanditNet.defaults();
    }

    /** The networks: {@code "policy"}, contexts (a float vector) to logits. */
    @Override
    public Networks networks(BanditNet.Hyperparameters h, Space observations, Space actions) {
        if (observations.storageType() != ElementType.FLOAT32 || observations.shape().length != 1) {
            throw new IllegalArgumentException("banditnet takes contexts that are float vectors, not " + observations);
        }
        return BanditNet.networks(h, observations.size(), Layers.discreteActions(actions, name()));
    }

    @Override
    public void train(BanditNet.Hyperparameters h, Run run) {
        int lambdas = h.lambdas().length;
        UsageException.require(run.budget() % lambdas == 0, "--steps " + run.budget() + ": banditnet splits its steps"
                + " evenly between its " + lambdas + " lambdas; give a multiple of " + lambdas);
        Path data = run.dataset().directories().get(0);
        String column = BanditLogs.behaviourColumn(run.dataset(), data, EpsilonGreedyBehaviour.PROBS);
        LoggedDecisions decisions = BanditLogs.read(run.dataset(), data, column);
        long[] done = {0};
        BanditNet.Choice choice = BanditNet.sweep(decisions, h, (int) (run.budget() / lambdas), run.seed(),
                run.networks(), null, (lambda, step, loss) -> {
                    run.log("loss", loss);
                    run.log("lambda", lambda);
                    if (++done[0] < run.budget()) {
                        run.endUpdate();
                    }
                });
        // the last update ends after the choice, so that the last metrics row holds it
        run.log("chosen_lambda", choice.lambda());
        run.log("held_out_snips", choice.heldOutSnips());
        run.endUpdate();
    }

    @Override
    public Actor greedyActor(BanditNet.Hyperparameters h, Networks networks, Space actions) {
        Block policy = networks.get("policy");
        return new CategoricalActor(policy, Layers.discreteActions(actions, name()), 0, true);
    }
}
