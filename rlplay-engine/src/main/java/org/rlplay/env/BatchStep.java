package org.rlplay.env;

import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * Where a {@link VecEnv} writes one batch step: observations, rewards, final observations and info
 * go into <em>target</em> arrays at offsets, so that a collector can point them straight at the
 * fragment record being written (no copy); the end flags go into this object's own arrays.
 * A new {@code BatchStep} targets buffers of its own, allocated once.
 *
 * <p>Env {@code j}'s observation occupies {@code [obsOffset() + j*obsSize, obsOffset() + (j+1)*obsSize)}
 * of {@link #obs()}, an array of the observation space's {@linkplain Space#storageType() storage
 * type} ({@code float[]}, {@code byte[]} or {@code int[]}); likewise its final observation in
 * {@link #finalObs()} from {@link #finalObsOffset()}, its reward at {@code rewardOffset() + j} of
 * {@link #reward()}, its info values at {@code infoOffset() + j*infoSize} of {@link #info()}.
 *
 * <p>After {@link VecEnv#step}: for an env whose episode ended ({@code terminated || truncated}),
 * the observation is already the first of its next episode and the final observation is the last
 * of the one that ended; for other envs the final observation is left unchanged. Used by one thread
 * at a time (the VecEnv's).
 */
public final class BatchStep {
    private final int numEnvs;
    private final int obsSize;
    private final int infoSize;
    private final ElementType obsType;
    private final Object ownObs;
    private final Object ownFinalObs;
    private final float[] ownReward;
    private final float[] ownInfo;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private Object obs;
    private int obsOffset;
    private float[] reward;
    private int rewardOffset;
    private Object finalObs;
    private int finalObsOffset;
    private float[] info;
    private int infoOffset;

    /** Buffers for {@code numEnvs} envs with observations of {@code observationSpace} and {@code infoSize} info values. */
    public BatchStep(int numEnvs, Space observationSpace, int infoSize) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        this.numEnvs = numEnvs;
        this.obsSize = observationSpace.size();
        this.infoSize = infoSize;
        this.obsType = observationSpace.storageType();
        int cells = Math.multiplyExact(numEnvs, obsSize);
        this.ownObs = obsType.allocate(cells);
        this.ownFinalObs = obsType.allocate(cells);
        this.ownReward = new float[numEnvs];
        this.ownInfo = new float[Math.multiplyExact(numEnvs, infoSize)];
        this.terminated = new boolean[numEnvs];
        this.truncated = new boolean[numEnvs];
        targetOwn();
    }

    /** Buffers shaped for {@code env}. */
    public static BatchStep of(VecEnv env) {
        return new BatchStep(env.numEnvs(), env.observationSpace(), env.infoKeys().size());
    }

    /**
     * Points the next reset or step at caller storage (a collector points it at a fragment record).
     * {@code obs} and {@code finalObs} must be arrays of {@link #obsType()}; a null {@code finalObs}
     * keeps this object's own buffer for final observations.
     */
    public void target(Object obs, int obsOffset, float[] reward, int rewardOffset,
                       Object finalObs, int finalObsOffset, float[] info, int infoOffset) {
        if (obs.getClass() != obsType.arrayType() || finalObs != null && finalObs.getClass() != obsType.arrayType()) {
            throw new IllegalArgumentException("obs: expected " + obsType.arrayType().getSimpleName()
                    + " storage for " + obsType.numpyName() + " observations, got " + obs.getClass().getSimpleName());
        }
        this.obs = obs;
        this.obsOffset = obsOffset;
        this.reward = reward;
        this.rewardOffset = rewardOffset;
        this.finalObs = finalObs != null ? finalObs : ownFinalObs;
        this.finalObsOffset = finalObs != null ? finalObsOffset : 0;
        this.info = info;
        this.infoOffset = infoOffset;
    }

    /**
     * Moves the targets set by {@link #target} to new offsets in the same arrays (a collector
     * advancing from one record to the next); no checks, nothing allocated.
     */
    public void moveTargets(int obsOffset, int rewardOffset, int finalObsOffset, int infoOffset) {
        this.obsOffset = obsOffset;
        this.rewardOffset = rewardOffset;
        this.finalObsOffset = finalObs == ownFinalObs ? 0 : finalObsOffset;
        this.infoOffset = infoOffset;
    }

    /** Points every target back at this object's own buffers (offsets 0). */
    public void targetOwn() {
        target(ownObs, 0, ownReward, 0, null, 0, ownInfo, 0);
    }

    public int numEnvs() {
        return numEnvs;
    }

    /** Elements of one observation. */
    public int obsSize() {
        return obsSize;
    }

    public int infoSize() {
        return infoSize;
    }

    /** The storage type of observations ({@link #obs()} is an array of it). */
    public ElementType obsType() {
        return obsType;
    }

    /** The observation target array: observations to act on next. */
    public Object obs() {
        return obs;
    }

    /** Index in {@link #obs()} of env 0's observation. */
    public int obsOffset() {
        return obsOffset;
    }

    /** Element {@code i} of env {@code j}'s observation, as a float. */
    public float obs(int j, int i) {
        return (float) obsType.get(obs, obsOffset + j * obsSize + i);
    }

    /** The final observation target array: last observations of episodes that just ended. */
    public Object finalObs() {
        return finalObs;
    }

    /** Index in {@link #finalObs()} of env 0's final observation. */
    public int finalObsOffset() {
        return finalObsOffset;
    }

    /** The reward target array. */
    public float[] reward() {
        return reward;
    }

    /** Index in {@link #reward()} of env 0's reward. */
    public int rewardOffset() {
        return rewardOffset;
    }

    /** The info target array, values in {@link VecEnv#infoKeys()} order. */
    public float[] info() {
        return info;
    }

    /** Index in {@link #info()} of env 0's first info value. */
    public int infoOffset() {
        return infoOffset;
    }

    /** Envs whose episode reached a terminal state, (N). */
    public boolean[] terminated() {
        return terminated;
    }

    /** Envs whose episode was cut short by a time limit, (N). */
    public boolean[] truncated() {
        return truncated;
    }

    /** True when env {@code j}'s episode ended in the last step. */
    public boolean done(int j) {
        return terminated[j] || truncated[j];
    }
}
