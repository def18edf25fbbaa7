package org.rlplay.env;

/**
 * Caller-owned buffers that a {@link VecEnv} writes one batch step into. Allocated once per batch
 * and reused; env {@code j}'s observation occupies {@code [j*obsSize, (j+1)*obsSize)} of
 * {@link #obs()} and {@link #finalObs()}, its info values {@code [j*infoSize, (j+1)*infoSize)} of
 * {@link #info()}.
 *
 * <p>After {@link VecEnv#step}: for an env whose episode ended ({@code terminated || truncated}),
 * {@code obs} already holds the first observation of its next episode and {@code finalObs} the last
 * observation of the one that ended; for other envs {@code finalObs} is left unchanged.
 */
public final class BatchStep {
    private final int numEnvs;
    private final int obsSize;
    private final int infoSize;
    private final float[] obs;
    private final float[] finalObs;
    private final float[] reward;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final float[] info;

    public BatchStep(int numEnvs, int obsSize, int infoSize) {
        this.numEnvs = numEnvs;
        this.obsSize = obsSize;
        this.infoSize = infoSize;
        this.obs = new float[numEnvs * obsSize];
        this.finalObs = new float[numEnvs * obsSize];
        this.reward = new float[numEnvs];
        this.terminated = new boolean[numEnvs];
        this.truncated = new boolean[numEnvs];
        this.info = new float[numEnvs * infoSize];
    }

    /** Buffers shaped for {@code env}. */
    public static BatchStep of(VecEnv env) {
        return new BatchStep(env.numEnvs(), env.observationSpace().size(), env.infoKeys().size());
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int obsSize() {
        return obsSize;
    }

    public int infoSize() {
        return infoSize;
    }

    /** Observations to act on next, (N, obsSize) row-major. */
    public float[] obs() {
        return obs;
    }

    /** Last observations of episodes that just ended, (N, obsSize) row-major. */
    public float[] finalObs() {
        return finalObs;
    }

    /** Rewards of the step, (N). */
    public float[] reward() {
        return reward;
    }

    /** Envs whose episode reached a terminal state, (N). */
    public boolean[] terminated() {
        return terminated;
    }

    /** Envs whose episode was cut short by a time limit, (N). */
    public boolean[] truncated() {
        return truncated;
    }

    /** Numeric info values, (N, infoSize) row-major, in {@link VecEnv#infoKeys()} order. */
    public float[] info() {
        return info;
    }

    /** True when env {@code j}'s episode ended in the last step. */
    public boolean done(int j) {
        return terminated[j] || truncated[j];
    }
}
