package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.loss.Gaussian;
import org.rlplay.env.space.Box;

/**
 * A stateless actor for float {@link Box} action spaces of D elements, driven by a DJL block that
 * maps observations {@code (N, ...)} to a diagonal Gaussian: {@code NDList(mean (N, D), logStd (N, D))}
 * (a {@link GaussianPolicy}, possibly behind other blocks such as a {@link RunningNorm}).
 *
 * <p>Per step: one forward pass in the step's scope, one read of mean and log-std to the host, and
 * per env the draw {@code u = mean + exp(logStd) * eps} with {@code eps ~ N(0, 1)} from a seeded
 * generator (so a seed gives the same actions for the same observations), or {@code u = mean} when
 * greedy. The action written to the env is inside the box:
 * <ul>
 * <li>squashed: {@code a = bias + scale * tanh(u)}, {@code bias = (high + low) / 2},
 *     {@code scale = (high - low) / 2} (the bounds must be finite);</li>
 * <li>unsquashed: {@code a = clip(u, low, high)} (PPO's action clipping; the learner trains on the
 *     unclipped draw {@code u}).</li>
 * </ul>
 * In {@linkplain #uniform(boolean) uniform} mode (an off-policy learner's warm-up) actions are drawn
 * uniformly from the box instead, each held for {@linkplain #uniformRepeat(int) k} steps of its
 * episode (k = 1 by default; a larger k explores like bang-bang control, which finds the goal of
 * MountainCarContinuous where independent draws almost never do).
 *
 * <p>Info, recorded per record so datasets carry what off-policy evaluation and PPO ratios need:
 * <table>
 * <caption>actor info</caption>
 * <tr><th>name</th><th>shape</th><th>meaning</th></tr>
 * <tr><td>{@code mean}</td><td>(N, D)</td><td>the Gaussian's mean (before squashing)</td></tr>
 * <tr><td>{@code logStd}</td><td>(N, D)</td><td>its log standard deviation</td></tr>
 * <tr><td>{@code sample}</td><td>(N, D)</td><td>the draw {@code u} (before squashing or clipping; the mean when
 *     greedy; {@code atanh} of the rescaled action, or the action, in uniform mode)</td></tr>
 * <tr><td>{@code logProb}</td><td>(N)</td><td>the log-density of the behaviour's choice: squashed, of the action
 *     {@code a} in the env's units ({@code log N(u) - sum log(1 - tanh(u)^2) - sum log scale});
 *     unsquashed, of {@code u} ({@code log N(u)}, which is the action's density wherever no clipping
 *     happened); in uniform mode {@code -sum log(high - low)}, the density of a fresh draw (with k &gt; 1 the
 *     held draws make the behaviour non-Markov: no propensity describes them)</td></tr>
 * </table>
 * Every value is computed at the virtual step too (a draw is made; its action is not taken).
 *
 * <p>The block is read, never trained, here (shared with the learner in {@code same} mode).
 * {@link #uniform(boolean)} is a volatile write the learner may make from its own thread; stepping is
 * for one thread at a time (the collector's).
 */
public final class GaussianActor implements Actor {
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_TWO = Math.log(2);
    /** Keeps {@code atanh} of a uniform action finite at the bounds. */
    private static final double EDGE = 1 - 1e-6;
    private final Block policy;
    private final ParameterStore parameters;
    private final int dims;
    private final float[] low;
    private final float[] high;
    private final double[] bias;
    private final double[] scale;
    private final double logScale;
    private final double uniformLogProb;
    private final boolean squash;
    private final boolean greedy;
    private final SplittableRandom rng;
    private volatile boolean uniform;
    private volatile int repeat = 1;
    private float[] held = new float[0];
    private int numEnvs = -1;
    private ByteBuffer sampleStage;
    private ByteBuffer logProbStage;
    private Shape sampleShape;
    private Shape logProbShape;

    /**
     * @param policy  block mapping (N, ...) observations to {@code NDList(mean, logStd)}, each (N, D), initialised
     * @param actions the env's action space, a float box of D elements
     * @param squash  tanh-squash and rescale into the box (finite bounds needed), else clip
     * @param seed    seed of the draws
     * @param greedy  act with the mean (evaluation)
     * @throws IllegalArgumentException for an integer box, or infinite bounds with {@code squash}
     */
    public GaussianActor(Block policy, Box actions, boolean squash, long seed, boolean greedy) {
        if (actions.isDiscrete()) {
            throw new IllegalArgumentException("GaussianActor needs a float Box action space, got " + actions);
        }
        this.policy = policy;
        this.parameters = new ParameterStore(policy.getParameters().valueAt(0).getArray().getManager(), false);
        this.dims = actions.size();
        this.low = actions.low();
        this.high = actions.high();
        this.bias = new double[dims];
        this.scale = new double[dims];
        boolean bounded = true;
        double logWidth = 0;
        double sumLogScale = 0;
        for (int i = 0; i < dims; i++) {
            bounded &= Float.isFinite(low[i]) && Float.isFinite(high[i]) && high[i] > low[i];
            bias[i] = ((double) high[i] + low[i]) / 2;
            scale[i] = ((double) high[i] - low[i]) / 2;
            logWidth += Math.log((double) high[i] - low[i]);
            sumLogScale += Math.log(scale[i]);
        }
        if (squash && !bounded) {
            throw new IllegalArgumentException("GaussianActor: tanh squashing needs finite bounds low < high, got "
                    + actions);
        }
        this.logScale = bounded ? sumLogScale : 0;
        this.uniformLogProb = bounded ? -logWidth : Double.NaN;
        this.squash = squash;
        this.greedy = greedy;
        this.rng = new SplittableRandom(seed);
    }

    /**
     * Draws actions uniformly from the box from the next step on ({@code true}), or from the policy
     * again ({@code false}).
     *
     * @throws IllegalStateException if the box has infinite bounds
     */
    public void uniform(boolean on) {
        if (on && Double.isNaN(uniformLogProb)) {
            throw new IllegalStateException("uniform actions need finite action bounds");
        }
        this.uniform = on;
    }

    /**
     * Holds each uniform draw for {@code k} steps of its episode: env j redraws when its step number
     * in the episode is a multiple of k (so every episode starts with a fresh draw).
     *
     * @throws IllegalArgumentException if k &lt; 1
     */
    public void uniformRepeat(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("uniform repeat must be >= 1, got " + k);
        }
        this.repeat = k;
    }

    /** Whether actions are currently drawn uniformly from the box. */
    public boolean uniform() {
        return uniform;
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        NDList dist = policy.forward(parameters, new NDList(in.obs()), false);
        if (dist.size() != 2) {
            throw new IllegalStateException("policy output: expected (mean, logStd), got " + dist.size() + " arrays");
        }
        NDArray mean = check("mean", dist.get(0), n);
        NDArray logStd = check("logStd", dist.get(1), n);
        if (n != numEnvs) {
            numEnvs = n;
            sampleStage = ByteBuffer.allocateDirect(4 * n * dims).order(ByteOrder.nativeOrder());
            logProbStage = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            held = new float[n * dims];
            sampleShape = new Shape(n, dims);
            logProbShape = new Shape(n);
        }
        ByteBuffer mu = mean.toByteBuffer(true);
        ByteBuffer ls = logStd.toByteBuffer(true);
        float[] act = virtual ? null : out.actions().floats();
        boolean uniformNow = uniform;
        int k = repeat;
        for (int j = 0; j < n; j++) {
            boolean redraw = in.stepno(j) % k == 0;
            double logProb = uniformNow ? uniformLogProb : -logScaleIfSquashed();
            for (int i = 0; i < dims; i++) {
                int e = j * dims + i;
                double m = mu.getFloat(4 * e);
                double s = ls.getFloat(4 * e);
                double u;
                double a;
                if (uniformNow) {
                    if (redraw) {
                        held[e] = (float) (low[i] + rng.nextDouble() * ((double) high[i] - low[i]));
                    }
                    a = held[e];
                    u = squash ? atanh(Math.max(-EDGE, Math.min(EDGE, (a - bias[i]) / scale[i]))) : a;
                } else {
                    u = greedy ? m : m + Math.exp(s) * rng.nextGaussian();
                    double z = (u - m) * Math.exp(-s);
                    logProb += -0.5 * z * z - s - HALF_LOG_TWO_PI;
                    if (squash) {
                        logProb -= 2 * (LOG_TWO - u - softplus(-2 * u));
                        a = bias[i] + scale[i] * Math.tanh(u);
                    } else {
                        a = u;
                    }
                }
                sampleStage.putFloat(4 * e, (float) u);
                if (act != null) {
                    act[e] = Math.max(low[i], Math.min(high[i], (float) a));
                }
            }
            logProbStage.putFloat(4 * j, (float) logProb);
        }
        mean.setName("mean");
        logStd.setName("logStd");
        NDArray sample = in.manager().create(sampleStage, sampleShape, DataType.FLOAT32);
        sample.setName("sample");
        NDArray logProb = in.manager().create(logProbStage, logProbShape, DataType.FLOAT32);
        logProb.setName("logProb");
        out.info(new NDList(mean, logStd, sample, logProb));
        return null;
    }

    private double logScaleIfSquashed() {
        return squash ? logScale : 0;
    }

    private NDArray check(String name, NDArray a, int n) {
        if (a.getDataType() != DataType.FLOAT32 || a.getShape().dimension() != 2 || a.getShape().get(0) != n
                || a.getShape().get(1) != dims) {
            throw new IllegalStateException("policy output " + name + ": expected float32 (" + n + ", " + dims
                    + "), got " + a.getDataType() + " " + a.getShape());
        }
        return a;
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    /** {@code log(1 + e^x)} without overflow. */
    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
