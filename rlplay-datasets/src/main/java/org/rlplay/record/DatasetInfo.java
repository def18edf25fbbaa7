package org.rlplay.record;

import java.util.Map;

/**
 * What a recording knows that fragments do not carry, written into every file's footer metadata and
 * the run's description ({@code _rlplay/run-NNNNNN.json}): the env id, the
 * seeds the envs were reset with at start-up, and free-form attributes (policy name, checkpoint,
 * exploration noise, ...). Immutable.
 *
 * @param envId      the env id, e.g. {@code "CartPole-v1"}
 * @param seeds      the start-up seeds of every env of the rollout, by global env index
 * @param attributes free-form string attributes
 */
public record DatasetInfo(String envId, long[] seeds, Map<String, String> attributes) {

    public DatasetInfo {
        if (envId == null || envId.isEmpty()) {
            throw new IllegalArgumentException("envId must be a non-empty env id");
        }
        seeds = seeds.clone();
        attributes = Map.copyOf(attributes);
    }

    /**
     * The info of a rollout whose {@code numEnvs} envs were seeded the engine's way,
     * {@code baseSeed + j} for global env j ({@link org.rlplay.rollout.RolloutConfig#seed()}).
     */
    public static DatasetInfo of(String envId, long baseSeed, int numEnvs) {
        long[] seeds = new long[numEnvs];
        for (int j = 0; j < numEnvs; j++) {
            seeds[j] = baseSeed + j;
        }
        return new DatasetInfo(envId, seeds, Map.of());
    }

    /** The same info with one more attribute. */
    public DatasetInfo with(String key, String value) {
        java.util.HashMap<String, String> more = new java.util.HashMap<>(attributes);
        more.put(key, value);
        return new DatasetInfo(envId, seeds, more);
    }

    /** A copy of the seeds. */
    @Override
    public long[] seeds() {
        return seeds.clone();
    }
}
