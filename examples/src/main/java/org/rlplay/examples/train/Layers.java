package org.rlplay.examples.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.Fragment;

/** Small helpers the algorithm files share: network initialisation and fragment queries. Stateless. */
public final class Layers {
    private Layers() {
    }

    /**
     * Makes the last layer of {@code net} start with weights drawn from N(0, sigma^2) (before
     * {@code initialize}): a small sigma gives a policy head near-uniform initial action
     * probabilities, as CleanRL's orthogonal init with gain 0.01 does.
     */
    public static SequentialBlock smallOutputLayer(SequentialBlock net, float sigma) {
        Block last = net.getChildren().valueAt(net.getChildren().size() - 1);
        last.setInitializer(new NormalInitializer(sigma), Parameter.Type.WEIGHT);
        return net;
    }

    /**
     * Makes every weight of {@code net} start uniform in {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]}
     * (before {@code initialize}), PyTorch's default for linear layers, instead of DJL's
     * Xavier-Gaussian default, which is about 2.5 times wider; used where an algorithm's published
     * hyperparameters were tuned with PyTorch's initialisation.
     */
    public static SequentialBlock torchLinearInit(SequentialBlock net) {
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
        return net;
    }

    /**
     * The number of actions of a {@link Discrete} action space.
     *
     * @throws IllegalArgumentException naming the algorithm if the space is not discrete
     */
    public static int discreteActions(Space actions, String algo) {
        if (!(actions instanceof Discrete d) || d.start() != 0) {
            throw new UsageException("--algo " + algo + " needs a Discrete(n) action space starting at 0, got "
                    + actions);
        }
        return d.n();
    }

    /** Whether any episode in {@code f} ended by truncation (then v(finalObs) is needed to bootstrap). */
    public static boolean anyTruncated(Fragment f) {
        for (int i = 0; i < f.episodes().count(); i++) {
            if (f.episodes().truncated(i)) {
                return true;
            }
        }
        return false;
    }
}
