package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;

/**
 * Loss terms of advantage actor-critic (A2C) for categorical policies:
 * <pre>
 *   L = policy + valueCoef * value - entropyCoef * entropy
 *   policy  = -mean(log pi(a|x) * A)          A detached (advantages are constants)
 *   value   = 0.5 * mean((v(x) - G)^2)        G detached (see {@link Regression#halfSquaredError})
 *   entropy = mean(H(pi(.|x)))                from the logits (see {@link Categorical#entropy})
 * </pre>
 * Every per-transition array (log-probs, advantages, values, targets, actions) has one shape, e.g.
 * (T, N) for a fragment's transitions, where element {@code [t, j]} is the transition t -&gt; t+1 of
 * env j: state {@code obs[t]}, action {@code act[t+1]}, advantage and target from
 * {@link org.rlplay.algos.returns.Returns}. Results are scalars in the manager of the first argument.
 * Stateless.
 */
public final class PolicyGradient {
    private PolicyGradient() {
    }

    /** The four terms of an A2C loss; {@code total} is the one to differentiate. */
    public record A2cLoss(NDArray total, NDArray policy, NDArray value, NDArray entropy) {
    }

    /** The policy-gradient term {@code -mean(logProb * advantages)}, with the advantages detached. */
    public static NDArray policyLoss(NDArray logProb, NDArray advantages) {
        Shapes.requireSame("advantages", advantages, "logProb", logProb);
        return logProb.mul(advantages.stopGradient()).mean().neg();
    }

    /** The mean entropy of the categorical policies given by {@code logits} (..., A). */
    public static NDArray meanEntropy(NDArray logits) {
        return Categorical.entropy(logits).mean();
    }

    /**
     * The A2C loss from the policy's logits (..., A), the actions taken (...), the critic's values
     * (...), the advantages (...) and the value targets (...).
     *
     * @param valueCoef   weight of the value term, &gt;= 0
     * @param entropyCoef weight of the entropy bonus, &gt;= 0
     */
    public static A2cLoss a2c(NDArray logits, NDArray actions, NDArray values, NDArray advantages, NDArray targets,
                              float valueCoef, float entropyCoef) {
        if (!(valueCoef >= 0)) {
            throw new IllegalArgumentException("valueCoef must be >= 0, got " + valueCoef);
        }
        if (!(entropyCoef >= 0)) {
            throw new IllegalArgumentException("entropyCoef must be >= 0, got " + entropyCoef);
        }
        NDArray policy = policyLoss(Categorical.logProb(logits, actions), advantages);
        NDArray value = Regression.halfSquaredError(values, targets);
        NDArray entropy = meanEntropy(logits);
        NDArray total = policy.add(Scale.by(value, valueCoef)).sub(Scale.by(entropy, entropyCoef));
        return new A2cLoss(total, policy, value, entropy);
    }

    /**
     * Advantages standardised to mean 0 and standard deviation 1 ({@code (A - mean) / (std + 1e-8)},
     * population std), detached; common before PPO and A2C updates.
     */
    public static NDArray normalize(NDArray advantages) {
        NDArray a = advantages.stopGradient();
        NDArray centred = a.sub(a.mean());
        NDArray std = centred.square().mean().sqrt();
        return centred.div(std.add(1e-8f));
    }
}
