package org.rlplay.spark;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.spark.sql.Row;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.TransitionBatch;

/**
 * Transitions drawn by Spark for an offline learner on the driver, through the batch type of the
 * in-JVM {@link org.rlplay.record.TransitionSampler}: {@link #draw} takes a seeded uniform
 * (Bernoulli) sample of the dataset's transitions ({@link DatasetFrames#transitions()}), of about
 * {@code pool} rows, on the executors and brings it to the driver, in the Java sampler's order
 * (file, fragment, record, env); {@link #sample} then draws batches from that pool uniformly with
 * replacement, {@link #gather} copies chosen rows. With a pool at least as large as the dataset the
 * pool is every transition, in the Java sampler's order, so {@code gather} gives its rows bit for bit.
 * A learner that wants fresh data draws a new pool. Observations must be stored as float32.
 * After {@link #draw} the sampler is read-only: {@link #sample} may be called from several threads,
 * each with its own batch and generator.
 */
public final class SparkTransitionSampler {
    private final Space observationSpace;
    private final Space actionSpace;
    private final int size;
    private final float[] obs;
    private final float[] nextObs;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] done;
    private final boolean[] truncated;

    private SparkTransitionSampler(Space observationSpace, Space actionSpace, List<Row> rows) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.size = rows.size();
        int d = observationSpace.size();
        int m = actionSpace.size();
        boolean discrete = actionSpace.isDiscrete();
        obs = new float[Math.multiplyExact(size, d)];
        nextObs = new float[Math.multiplyExact(size, d)];
        actInts = discrete ? new int[Math.multiplyExact(size, m)] : null;
        actFloats = discrete ? null : new float[Math.multiplyExact(size, m)];
        rew = new float[size];
        done = new boolean[size];
        truncated = new boolean[size];
        float[] a = new float[m];
        for (int i = 0; i < size; i++) {
            Row r = rows.get(i);
            Rows.floats(r, 0, obs, i * d);
            Rows.floats(r, 3, nextObs, i * d);
            Rows.floats(r, 1, a, 0);
            for (int e = 0; e < m; e++) {
                if (discrete) {
                    actInts[i * m + e] = (int) a[e];
                } else {
                    actFloats[i * m + e] = a[e];
                }
            }
            rew[i] = ((Number) r.get(2)).floatValue();
            done[i] = r.getBoolean(4);
            truncated[i] = r.getBoolean(5);
        }
    }

    /**
     * Draws a pool of about {@code pool} transitions (all of them if the dataset has at most that
     * many) with Spark's seeded sampling and collects it on the driver.
     *
     * @throws IllegalArgumentException if observations are not float32, {@code pool < 1}, or the
     *     pool would hold more than {@code 2^31 - 1} values
     */
    public static SparkTransitionSampler draw(DatasetFrames frames, int pool, long seed) {
        if (pool < 1) {
            throw new IllegalArgumentException("the pool must hold at least 1 transition, got " + pool);
        }
        if (frames.observationSpace().storageType() != ElementType.FLOAT32) {
            throw new IllegalArgumentException("the Spark sampler needs float32 observations, the dataset stores "
                    + frames.observationSpace().storageType().numpyName());
        }
        long total = frames.dataset().transitions();
        var t = frames.transitions();
        if (pool < total) {
            t = t.sample(false, Math.min(1.0, (double) pool / total), seed);
        }
        List<Row> rows = t.orderBy(col(DatasetFrames.FILE), col("fragment"), col("record"), col("env"))
                .select("s", "a", "r", "s_next", "done", "truncated").collectAsList();
        return new SparkTransitionSampler(frames.observationSpace(), frames.actionSpace(), rows);
    }

    /** The number of transitions in the pool. */
    public int size() {
        return size;
    }

    public Space observationSpace() {
        return observationSpace;
    }

    public Space actionSpace() {
        return actionSpace;
    }

    /** A batch of {@code batchSize} rows shaped for this sampler, to reuse across {@link #sample} calls. */
    public TransitionBatch newBatch(int batchSize) {
        return new TransitionBatch(batchSize, observationSpace, actionSpace);
    }

    /**
     * Draws {@code batch.size()} transitions of the pool uniformly with replacement, with {@code rng}
     * (importance weights all 1). Allocates nothing.
     *
     * @throws IllegalStateException if the pool is empty
     */
    public void sample(RandomGenerator rng, TransitionBatch batch) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample from an empty pool of transitions");
        }
        batch.drawUniform(rng, size);
        gather(batch);
    }

    /**
     * Copies the pool's transitions {@code batch.indices()} into the batch's rows.
     *
     * @throws IndexOutOfBoundsException if an index is not in 0..size()-1
     */
    public void gather(TransitionBatch batch) {
        int d = observationSpace.size();
        int m = actionSpace.size();
        int[] indices = batch.indices();
        float[] o = batch.obs();
        float[] o2 = batch.nextObs();
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("transition " + i + " is not in the pool of " + size);
            }
            System.arraycopy(obs, i * d, o, b * d, d);
            System.arraycopy(nextObs, i * d, o2, b * d, d);
            if (actInts != null) {
                System.arraycopy(actInts, i * m, batch.actInts(), b * m, m);
            } else {
                System.arraycopy(actFloats, i * m, batch.actFloats(), b * m, m);
            }
            batch.rew()[b] = rew[i];
            batch.done()[b] = done[i];
            batch.truncated()[b] = truncated[i];
        }
    }
}
