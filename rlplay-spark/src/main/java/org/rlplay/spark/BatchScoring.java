package org.rlplay.spark;

import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.SplitMix64;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;

/**
 * Batch scoring of a population, the way RL Bakery deploys an agent once a day: a table of
 * observations (any Spark source, e.g. Parquet) goes through a {@link TargetPolicy} on the
 * executors (opened once per executor task slot, {@link TargetPolicy}), and every row comes out
 * with three columns added: {@code policy_probs} (the policy's whole distribution, array of double),
 * {@code policy_action} (an action drawn from it) and {@code policy_propensity} (the drawn action's
 * probability), which is what off-policy evaluation of the deployed policy needs later. The draw
 * is seeded by the seed and the observation's bits (SplitMix64), so it does not depend on how Spark
 * partitions the table. Called on the driver.
 */
public final class BatchScoring {
    /** The added columns: the distribution, the drawn action, its probability. */
    public static final String PROBS = "policy_probs";
    public static final String ACTION = "policy_action";
    public static final String PROPENSITY = "policy_propensity";
    private static final int BATCH = 4096;

    private BatchScoring() {
    }

    /**
     * {@code table} with {@code policy_probs}, {@code policy_action} and {@code policy_propensity} added, the observation
     * taken from {@code observationColumn} (a list of numbers, or a number, of the space's size).
     *
     * @throws IllegalArgumentException if the column is missing or the table already has one of
     *     the three output columns
     */
    public static Dataset<Row> score(Dataset<Row> table, String observationColumn, Space observations, Discrete actions,
                                     TargetPolicy policy, long seed) {
        List<String> names = Arrays.asList(table.columns());
        if (!names.contains(observationColumn)) {
            throw new IllegalArgumentException("the table has no observation column '" + observationColumn + "' (it has "
                    + names + ")");
        }
        for (String out : List.of(PROBS, ACTION, PROPENSITY)) {
            if (names.contains(out)) {
                throw new IllegalArgumentException("the table already has a column '" + out + "'; scoring adds "
                        + PROBS + ", " + ACTION + " and " + PROPENSITY);
            }
        }
        StructType schema = table.schema().add(new StructField(PROBS,
                DataTypes.createArrayType(DataTypes.DoubleType, false), false, org.apache.spark.sql.types.Metadata.empty()))
                .add(ACTION, DataTypes.IntegerType, false).add(PROPENSITY, DataTypes.DoubleType, false);
        ScoreTask task = new ScoreTask(SpaceJson.toJson(observations).toString(), actions.n(), table.schema()
                .fieldIndex(observationColumn), observations.size(), policy, seed);
        JavaRDD<Row> scored = table.javaRDD().mapPartitions(task::run);
        return table.sparkSession().createDataFrame(scored, schema);
    }

    /** Scores the Parquet table at {@code input} into a Parquet directory {@code output} (replaced). */
    public static void scoreParquet(org.apache.spark.sql.SparkSession spark, String input, String observationColumn,
                                    Space observations, Discrete actions, TargetPolicy policy, long seed, String output) {
        Tasks.run(() -> {
            score(spark.read().parquet(input), observationColumn, observations, actions, policy, seed).write()
                    .mode(SaveMode.Overwrite).parquet(output);
            return null;
        });
    }

    /** The action drawn for an observation: {@code u} from SplitMix64 of the seed and its bits. */
    static int draw(float[] x, int from, int size, double[] p, int at, int k, long seed) {
        long h = seed;
        for (int i = 0; i < size; i++) {
            h = h * 0x9E3779B97F4A7C15L + Float.floatToIntBits(x[from + i]);
        }
        double u = (new SplitMix64(h).nextLong() >>> 11) * 0x1.0p-53;
        double cdf = 0;
        for (int a = 0; a < k - 1; a++) {
            cdf += p[at + a];
            if (u < cdf) {
                return a;
            }
        }
        return k - 1;
    }

    private record ScoreTask(String observationJson, int actions, int column, int size, TargetPolicy policy, long seed)
            implements Serializable {

        Iterator<Row> run(Iterator<Row> it) {
            Space observations = SpaceJson.fromJson(JsonParser.parseString(observationJson));
            Discrete space = new Discrete(actions);
            if (!it.hasNext()) {
                return it;
            }
            ActionDistribution pi = PolicyPool.borrow(policy, observations, space);
            return new Iterator<>() {
                final int k = actions;
                final float[] x = new float[BATCH * size];
                final double[] p = new double[BATCH * k];
                final Row[] rows = new Row[BATCH];
                final Row[] scored = new Row[BATCH];
                int count;
                int next;
                boolean returned;

                @Override
                public boolean hasNext() {
                    if (next < count) {
                        return true;
                    }
                    if (!it.hasNext()) {
                        if (!returned) {
                            returned = true;
                            PolicyPool.giveBack(policy, observations, space, pi);
                        }
                        return false;
                    }
                    fill();
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return scored[next++];
                }

                private void fill() {
                    int b = 0;
                    while (b < BATCH && it.hasNext()) {
                        Row r = it.next();
                        int width = Rows.floats(r, column, x, b * size);
                        if (width != size) {
                            throw new IllegalArgumentException("an observation of " + width + " features, the policy takes "
                                    + size + " (" + observations + ")");
                        }
                        rows[b++] = r;
                    }
                    pi.probabilities(x, b, p);
                    for (int i = 0; i < b; i++) {
                        int a = draw(x, i * size, size, p, i * k, k, seed);
                        Object[] values = new Object[rows[i].length() + 3];
                        for (int c = 0; c < rows[i].length(); c++) {
                            values[c] = rows[i].get(c);
                        }
                        List<Double> probs = new ArrayList<>(k);
                        for (int e = 0; e < k; e++) {
                            probs.add(p[i * k + e]);
                        }
                        values[values.length - 3] = scala.jdk.javaapi.CollectionConverters.asScala(probs).toList();
                        values[values.length - 2] = a;
                        values[values.length - 1] = p[i * k + a];
                        scored[i] = RowFactory.create(values);
                    }
                    count = b;
                    next = 0;
                }
            };
        }
    }
}
