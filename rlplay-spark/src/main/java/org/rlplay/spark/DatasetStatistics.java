package org.rlplay.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.rlplay.env.space.Discrete;
import org.rlplay.record.StepColumns;

/**
 * Statistics of a dataset per Hive partition (per day for {@code date=}), one row each, ordered by
 * partition: {@code steps} (real env steps), {@code episodes} (complete ones, see
 * {@link DatasetFrames#episodes}), {@code mean_return}, {@code min_return}, {@code max_return},
 * {@code mean_length}, {@code min_length}, {@code max_length} (null without a complete episode),
 * {@code actions} (a map from each discrete action to its step count; for a {@code Discrete}
 * action space), and with a behaviour column {@code min_propensity}, {@code max_propensity}: the
 * range of the behaviour's probability of the logged action. Built on the driver; the frame is lazy.
 */
public final class DatasetStatistics {
    private DatasetStatistics() {
    }

    /**
     * The per-partition statistics of {@code frames}.
     *
     * @param behaviourColumn the actor info with the behaviour's distribution or propensity, or null
     * @throws IllegalArgumentException if the behaviour column is missing
     */
    public static Dataset<Row> perPartition(DatasetFrames frames, String behaviourColumn) {
        List<String> keys = frames.partitionKeys();
        Column[] by = keys.stream().map(k -> col(k)).toArray(Column[]::new);
        Dataset<Row> steps = frames.steps().filter(col(StepColumns.PADDING).equalTo(false));
        List<Column> stepAggregates = new ArrayList<>(List.of(count(lit(1)).as("steps")));
        if (behaviourColumn != null) {
            String column = SparkOpe.behaviour(frames, behaviourColumn);
            DataType type = steps.schema().apply(column).dataType();
            Column p = type instanceof ArrayType
                    ? when(size(col(column)).equalTo(1), element_at(col(column), 1))
                            .otherwise(element_at(col(column), col(StepColumns.ACTION).plus(1)))
                    : col(column);
            stepAggregates.add(min(p.cast(DataTypes.DoubleType)).as("min_propensity"));
            stepAggregates.add(max(p.cast(DataTypes.DoubleType)).as("max_propensity"));
        }
        Dataset<Row> perStep = steps.groupBy(by).agg(stepAggregates.get(0),
                stepAggregates.subList(1, stepAggregates.size()).toArray(Column[]::new));
        Dataset<Row> perEpisode = frames.episodes(1.0).groupBy(by).agg(count(lit(1)).as("episodes"),
                avg("return").as("mean_return"), min("return").as("min_return"), max("return").as("max_return"),
                avg("length").as("mean_length"), min("length").as("min_length"), max("length").as("max_length"));
        Dataset<Row> out = keys.isEmpty() ? perStep.crossJoin(perEpisode) : perStep.join(perEpisode, scalaSeq(keys), "left");
        if (frames.actionSpace() instanceof Discrete) {
            List<Column> withAction = new ArrayList<>(List.of(by));
            withAction.add(col(StepColumns.ACTION));
            Dataset<Row> histogram = steps.groupBy(withAction.toArray(Column[]::new)).agg(count(lit(1)).as("n"))
                    .groupBy(by).agg(map_from_entries(collect_list(struct(col(StepColumns.ACTION), col("n")))).as("actions"));
            out = keys.isEmpty() ? out.crossJoin(histogram) : out.join(histogram, scalaSeq(keys), "left");
        }
        List<Column> order = new ArrayList<>(List.of(by));
        out = out.na().fill(0L, new String[] {"episodes"});
        List<String> columns = new ArrayList<>(keys);
        columns.addAll(List.of("steps", "episodes", "mean_return", "min_return", "max_return", "mean_length",
                "min_length", "max_length"));
        if (frames.actionSpace() instanceof Discrete) {
            columns.add("actions");
        }
        if (behaviourColumn != null) {
            columns.addAll(List.of("min_propensity", "max_propensity"));
        }
        return out.select(columns.stream().map(c -> col(c)).toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
    }

    private static scala.collection.immutable.Seq<String> scalaSeq(List<String> keys) {
        return scala.jdk.javaapi.CollectionConverters.asScala(keys).toList();
    }
}
