package org.rlplay.spark;

import static org.apache.spark.sql.functions.array_repeat;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.rlplay.env.space.Space;
import org.rlplay.record.DatasetFile;
import org.rlplay.record.PartitionFilter;
import org.rlplay.record.StepColumns;

/**
 * An rlplay dataset (one or more dataset directories, a partition filter) as Spark DataFrames:
 * {@link #steps()} (the step table of the README, one row per env step, Spark reading the Parquet
 * files itself), {@link #episodes} (one row per complete episode) and {@link #transitions()} (s, a, r,
 * s', done, truncated). The driver opens the dataset with the Java reader ({@link org.rlplay.record.Dataset}):
 * it checks every footer, lists the complete files the filter accepts (so Spark reads exactly the
 * files the Java reader reads: no temp file of a running recorder) and gives the spaces
 * ({@link #observationSpace()}, {@link #actionSpace()}) and the actor info columns from the metadata.
 *
 * <p>The dataset directories must be visible to the driver as paths (a local or shared file
 * system); the executors read the listed files through Spark. Partition columns ({@code date=})
 * are strings, as the Java reader's partition values. Built and used on the driver; the frames are
 * lazy, each action on them is a Spark job.
 */
public final class DatasetFrames {
    /** The input file of a step row (Spark's hidden {@code _metadata.file_path}). */
    public static final String FILE = "file";

    private final SparkSession spark;
    private final org.rlplay.record.Dataset dataset;
    private final Dataset<Row> steps;

    private DatasetFrames(SparkSession spark, org.rlplay.record.Dataset dataset, Dataset<Row> steps) {
        this.spark = spark;
        this.dataset = dataset;
        this.steps = steps;
    }

    /** The dataset in {@code dir}, every partition. */
    public static DatasetFrames open(SparkSession spark, Path dir) {
        return open(spark, List.of(dir), PartitionFilter.all());
    }

    /**
     * The partitions {@code filter} accepts of the datasets in {@code dirs} (same env and layout).
     *
     * @throws org.rlplay.record.DatasetException as {@link org.rlplay.record.Dataset#open(List, PartitionFilter)}
     * @throws IllegalArgumentException if no file is left to read
     */
    public static DatasetFrames open(SparkSession spark, List<Path> dirs, PartitionFilter filter) {
        org.rlplay.record.Dataset dataset = org.rlplay.record.Dataset.open(dirs, filter);
        Map<Path, List<String>> byRoot = new LinkedHashMap<>();
        for (DatasetFile f : dataset.files()) {
            byRoot.computeIfAbsent(f.root(), r -> new ArrayList<>()).add(f.path().toUri().toString());
        }
        if (byRoot.isEmpty()) {
            throw new IllegalArgumentException(dirs + ": no Parquet file in the partitions the filter accepts");
        }
        Dataset<Row> all = null;
        for (Map.Entry<Path, List<String>> e : byRoot.entrySet()) {
            Dataset<Row> part = spark.read().option("basePath", e.getKey().toUri().toString())
                    .parquet(e.getValue().toArray(String[]::new))
                    .withColumn(FILE, col("_metadata.file_path"));    // per source: a union hides _metadata
            all = all == null ? part : all.unionByName(part, true);
        }
        List<String> names = Arrays.asList(all.columns());
        for (String key : dataset.files().get(0).partition().keySet()) {
            if (names.contains(key)) {
                all = all.withColumn(key, col(key).cast(DataTypes.StringType));
            }
        }
        return new DatasetFrames(spark, dataset, all);
    }

    /** The session the frames belong to. */
    public SparkSession spark() {
        return spark;
    }

    /** The dataset as the Java reader opened it on the driver (files, metadata). */
    public org.rlplay.record.Dataset dataset() {
        return dataset;
    }

    public Space observationSpace() {
        return dataset.spec().observationSpace();
    }

    public Space actionSpace() {
        return dataset.spec().actionSpace();
    }

    /** The names of the partition keys ({@code date}), outermost first. */
    public List<String> partitionKeys() {
        return List.copyOf(dataset.files().get(0).partition().keySet());
    }

    /**
     * Every row of the step table, padding rows included (filter {@code NOT padding}), with the
     * partition columns and {@link #FILE}.
     */
    public Dataset<Row> steps() {
        return steps;
    }

    /**
     * One row per complete episode (its first step, step 0, and its end are in the data, and no
     * step is missing): {@code episode_id}, {@code length}, {@code return} (sum of rewards, double),
     * {@code discounted_return} ({@code sum_t gamma^t r_t}), {@code terminated} (false: truncated),
     * and the partition columns of its first row.
     */
    public Dataset<Row> episodes(double gamma) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        Column reward = col(StepColumns.REWARD).cast(DataTypes.DoubleType);
        List<Column> aggregates = new ArrayList<>(List.of(
                count(lit(1)).as("length"),
                min(StepColumns.STEP).as("first_step"),
                max(StepColumns.STEP).as("last_step"),
                sum(reward).as("return"),
                sum(reward.multiply(pow(lit(gamma), col(StepColumns.STEP)))).as("discounted_return"),
                max(col(StepColumns.TERMINATED).or(col(StepColumns.TRUNCATED)).cast(DataTypes.IntegerType)).as("ended"),
                max(col(StepColumns.TERMINATED).cast(DataTypes.IntegerType)).as("terminal")));
        for (String key : partitionKeys()) {
            aggregates.add(first(col(key)).as(key));
        }
        Dataset<Row> grouped = steps.filter(col(StepColumns.PADDING).equalTo(false)).groupBy(StepColumns.EPISODE_ID)
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
        List<Column> out = new ArrayList<>(List.of(col(StepColumns.EPISODE_ID), col("length").cast(DataTypes.IntegerType)
                .as("length"), col("return"), col("discounted_return"), col("terminal").equalTo(1).as("terminated")));
        for (String key : partitionKeys()) {
            out.add(col(key));
        }
        return grouped.filter(col("first_step").equalTo(0).and(col("last_step").equalTo(col("length").minus(1)))
                .and(col("ended").equalTo(1))).select(out.toArray(Column[]::new));
    }

    /**
     * One row per real env step as a transition: {@code s}, {@code a}, {@code r}, {@code s_next}
     * (the final observation where the step ended an episode, zeros if the dataset keeps none, else
     * the next record's observation), {@code done} (terminated: no bootstrap), {@code truncated},
     * and the ordering columns {@link #FILE}, {@code fragment}, {@code record}, {@code env} (the
     * Java {@link org.rlplay.record.TransitionSampler}'s order is file, fragment, record, env) and
     * the partition columns. Computing {@code s_next} is a window over each file's fragment and env.
     */
    public Dataset<Row> transitions() {
        DataType obsType = steps.schema().apply(StepColumns.OBSERVATION).dataType();
        Column zeros = obsType instanceof ArrayType at
                ? array_repeat(lit(0).cast(at.elementType()), size(col(StepColumns.OBSERVATION)))
                : lit(0).cast(obsType);
        boolean finals = Arrays.asList(steps.columns()).contains(StepColumns.FINAL_OBSERVATION);
        Column ended = col(StepColumns.TERMINATED).or(col(StepColumns.TRUNCATED));
        Column next = lead(col(StepColumns.OBSERVATION), 1).over(Window.partitionBy(col(FILE), col(StepColumns.FRAGMENT),
                col(StepColumns.ENV)).orderBy(col(StepColumns.RECORD)));
        Column sNext = when(ended, finals ? coalesce(col(StepColumns.FINAL_OBSERVATION), zeros) : zeros)
                .otherwise(coalesce(next, col(StepColumns.END_OBSERVATION)));
        List<Column> out = new ArrayList<>(List.of(col(StepColumns.OBSERVATION).as("s"), col(StepColumns.ACTION).as("a"),
                col(StepColumns.REWARD).as("r"), sNext.as("s_next"), col(StepColumns.TERMINATED).as("done"),
                col(StepColumns.TRUNCATED).as("truncated"), col(StepColumns.PADDING), col(FILE),
                col(StepColumns.FRAGMENT), col(StepColumns.RECORD), col(StepColumns.ENV)));
        for (String key : partitionKeys()) {
            out.add(col(key));
        }
        return steps.select(out.toArray(Column[]::new)).filter(col(StepColumns.PADDING).equalTo(false))
                .drop(StepColumns.PADDING);
    }
}
