package org.rlplay.fragment;

import java.util.List;
import org.rlplay.env.space.Space;

/**
 * The fixed layout of a {@link Fragment}: length, batch size, spaces and which optional fields are
 * kept. Two fragments with equal specs are interchangeable slots.
 *
 * @param length         T, the number of env steps per fragment (records: T+1), at least 1
 * @param numEnvs        N, the number of envs, at least 1
 * @param observationSpace the envs' observation space
 * @param actionSpace    the envs' action space
 * @param envInfoKeys    names of the numeric env info values
 * @param keepFinalObs   whether {@code finalObs} is stored
 */
public record FragmentSpec(int length, int numEnvs, Space observationSpace, Space actionSpace,
                           List<String> envInfoKeys, boolean keepFinalObs) {

    public FragmentSpec {
        if (length < 1) {
            throw new IllegalArgumentException("fragment length T must be >= 1, got " + length);
        }
        if (numEnvs < 1) {
            throw new IllegalArgumentException("number of envs N must be >= 1, got " + numEnvs);
        }
        envInfoKeys = List.copyOf(envInfoKeys);
    }

    /** The same layout with a different number of envs (for collated batches). */
    public FragmentSpec withNumEnvs(int n) {
        return new FragmentSpec(length, n, observationSpace, actionSpace, envInfoKeys, keepFinalObs);
    }
}
