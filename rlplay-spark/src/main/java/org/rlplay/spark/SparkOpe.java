package org.rlplay.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.EpisodeEstimator;
import org.rlplay.algos.ope.EpisodeEvaluation;
import org.rlplay.algos.ope.FittedQEvaluation;
import org.rlplay.algos.ope.FittedQFolds;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.LoggedEpisodes;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.ActionTable;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.BanditLog;
import org.rlplay.algos.ope.bandit.BanditStatistics;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.algos.ope.bandit.RewardModelFolds;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.record.ReplayOptions;
import org.rlplay.record.StepColumns;
import org.rlplay.rollout.Rollout;

/**
 * Off-policy evaluation of a {@link TargetPolicy} over a whole dataset with Spark: the target's
 * probabilities and the importance weights are computed on the executors, the estimators of
 * {@code rlplay-algos} run on what they send back, so the numbers are the single-JVM estimators'.
 * <ul>
 * <li>{@link #bandit}: a contextual-bandit log (every episode one step, issue 13): each Spark
 * partition's decisions become a {@link BanditEvaluation} and, per estimator, its
 * {@link BanditStatistics}; the driver merges them ({@link BanditStatistics#merge}). With a
 * bootstrap interval a first pass counts each partition's decisions so that every decision draws its
 * multiplicities from its global row index (in Spark's partition order, which is not the Java
 * reader's file order: the same draws as one pass over the rows in that order). The estimators that
 * need a reward model (dm, dr, sndr, switch-dr) first sort the decisions into the Java reader's order
 * (file, fragment, record, env) and number them; the driver collects every decision's context,
 * action and reward (its fit sees all rows, as {@code rlplay ope}'s does) and fits the
 * {@link CrossFittedRewardModel} exactly as the single JVM does, then broadcasts its per-fold
 * parameters ({@link RewardModelFolds}) and each row's fold by row number, and each executor scores
 * its rows with their fold's model: the predictions, the statistics and (rows now in the reader's
 * order) the bootstrap draws are the single JVM's.</li>
 * <li>{@link #episodes}: episodic data: the target runs on the executors over each Spark partition's
 * steps and each step's ratio {@code pi(a|s) / mu(a|s)} is computed there; only (episode, step,
 * reward, ratio) are then shuffled to group the steps by episode, and the driver collects each
 * complete episode's rewards and ratios (16 bytes a step) into
 * {@link LoggedEpisodes#of} and runs PDIS and WPDIS ({@link EpisodeEstimator}). Episodes are
 * ordered by their last step's (file, fragment, env, record), the order in which
 * {@link LoggedEpisodes#collect} completes them. For DR and WDR the driver first
 * reads the episodes with their states through the Java reader and fits the
 * {@link FittedQEvaluation} exactly as {@code rlplay ope} does (the fit is not distributed), then
 * broadcasts its fold members ({@link FittedQFolds}) and each episode's fold by its index in the
 * reader's order; the steps also carry their observation and the target's probabilities through
 * the shuffle, the grouped episodes are sorted into that order and numbered, and each executor
 * scores its episodes' steps, so the driver gets {@code Q(s_t, a_t)} and {@code V(s_t)} with the
 * rewards and ratios (32 bytes a step) and runs the single-JVM DR and WDR on them. FQE's own
 * estimate is not offered.</li>
 * </ul>
 * The behaviour's probabilities come from an actor info column: its whole distribution (K wide) or
 * the logged propensity (1 wide). Called on the driver.
 */
public final class SparkOpe {
    private static final int BATCH = 4096;

    private SparkOpe() {
    }

    /**
     * The estimates of {@code estimators} (names as {@link BanditEstimator#byName}) of {@code target}
     * on the bandit log {@code frames}.
     *
     * @param rewardModel the settings of the cross-fitted reward model of dm, dr, sndr and
     *     switch-dr (as {@code rlplay ope} fits it); unused, and may be null, without them
     * @throws IllegalArgumentException if the action space is not {@code Discrete(K)} from 0, the
     *     behaviour column is missing, an estimator needs a reward model and {@code rewardModel} is
     *     null, or (from a task) an episode lasts more than one step or a value is bad
     */
    public static List<OffPolicyEstimate> bandit(DatasetFrames frames, String behaviourColumn, TargetPolicy target,
                                                 List<String> estimators, IntervalMethod interval,
                                                 CrossFittedRewardModel.Settings rewardModel) {
        Discrete actions = discrete(frames);
        boolean model = false;
        for (String name : estimators) {
            model |= BanditEstimator.byName(name).needsRewardModel();
        }
        if (model && rewardModel == null) {
            throw new IllegalArgumentException(estimators + " need a reward model: give its settings");
        }
        String column = behaviour(frames, behaviourColumn);
        Dataset<Row> steps = frames.steps().filter(col(StepColumns.PADDING).equalTo(false));
        if (model) {                       // the Java reader's order: the fit and the folds see the rows as rlplay ope does
            steps = steps.orderBy(col(DatasetFrames.FILE), col(StepColumns.FRAGMENT), col(StepColumns.RECORD),
                    col(StepColumns.ENV));
        }
        JavaRDD<Row> rows = steps.select(col(StepColumns.OBSERVATION), col(StepColumns.ACTION), col(StepColumns.REWARD),
                        col(column), col(StepColumns.STEP), col(StepColumns.TERMINATED).or(col(StepColumns.TRUNCATED)))
                .javaRDD();
        int k = actions.n();
        Broadcast<FittedModel> fitted = null;
        try {
            long[] offsets = null;
            if (model) {                   // later jobs reuse the sort's shuffle files: the sort runs once
                List<Decisions> parts = Tasks.run(() -> rows.mapPartitions(it -> List.of(Decisions.read(it, k)).iterator())
                        .collect());
                offsets = new long[parts.size()];
                for (int p = 1; p < offsets.length; p++) {
                    offsets[p] = offsets[p - 1] + parts.get(p - 1).n();
                }
                fitted = JavaSparkContext.fromSparkContext(frames.spark().sparkContext())
                        .broadcast(FittedModel.fit(parts, k, rewardModel));
            } else if (interval instanceof IntervalMethod.Bootstrap) {
                List<Long> counts = Tasks.run(() -> rows.mapPartitions(it -> {
                    long n = 0;
                    while (it.hasNext()) {
                        it.next();
                        n++;
                    }
                    return List.of(n).iterator();
                }).collect());
                offsets = new long[counts.size()];
                for (int p = 1; p < offsets.length; p++) {
                    offsets[p] = offsets[p - 1] + counts.get(p - 1);
                }
            }
            BanditTask task = new BanditTask(spaceJson(frames.observationSpace()), k, target, List.copyOf(estimators),
                    interval, offsets, fitted);
            List<BanditStatistics> merged = Tasks.run(() -> rows.mapPartitionsWithIndex(task::run, false)
                    .reduce(SparkOpe::mergeAll));
            List<OffPolicyEstimate> out = new ArrayList<>();
            for (BanditStatistics st : merged) {
                if (st.rows() == 0) {
                    throw new IllegalArgumentException("the log holds no complete decision");
                }
                out.add(st.estimate());
            }
            return out;
        } finally {
            if (fitted != null) {
                fitted.destroy();
            }
        }
    }

    private static List<BanditStatistics> mergeAll(List<BanditStatistics> a, List<BanditStatistics> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<BanditStatistics> m = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            m.add(a.get(i).merge(b.get(i)));
        }
        return m;
    }

    /**
     * One partition's decisions as arrays (n rows; contexts n x d, distribution n x K or null):
     * read on an executor, and shipped to the driver for the reward model's fit.
     */
    record Decisions(int n, int d, float[] contexts, int[] action, double[] reward, double[] propensity,
                     double[] distribution) implements Serializable {

        /** in: observation, action, reward, behaviour, step, ended. */
        static Decisions read(Iterator<Row> it, int k) {
            int n = 0;
            int d = -1;
            float[] contexts = new float[0];
            int[] action = new int[1024];
            double[] reward = new double[1024];
            double[] propensity = new double[1024];
            double[] distribution = null;
            boolean full = false;
            while (it.hasNext()) {
                Row r = it.next();
                if (r.getInt(4) != 0 || !r.getBoolean(5)) {
                    throw new IllegalArgumentException((r.getInt(4) != 0 ? "a step at episode step " + r.getInt(4)
                            : "a first step that does not end its episode") + ": an episode lasts more than one step, so"
                            + " this is not a contextual-bandit log");
                }
                float[] x = Rows.floats(r, 0);
                float[] mu = Rows.floats(r, 3);
                if (d < 0) {
                    d = x.length;
                    contexts = new float[1024 * d];
                    full = mu.length == k && k > 1;
                    if (!full && mu.length != 1) {
                        throw new IllegalArgumentException("the behaviour column is " + mu.length + " wide: expected the"
                                + " behaviour's distribution over the " + k + " actions, or 1 propensity");
                    }
                    distribution = full ? new double[1024 * k] : null;
                }
                if (n == action.length) {
                    int grown = 2 * n;
                    action = Arrays.copyOf(action, grown);
                    reward = Arrays.copyOf(reward, grown);
                    propensity = Arrays.copyOf(propensity, grown);
                    contexts = Arrays.copyOf(contexts, grown * d);
                    distribution = full ? Arrays.copyOf(distribution, grown * k) : null;
                }
                int a = ((Number) r.get(1)).intValue();
                action[n] = a;
                reward[n] = ((Number) r.get(2)).floatValue();
                System.arraycopy(x, 0, contexts, n * d, d);
                if (full) {
                    for (int b = 0; b < k; b++) {
                        distribution[n * k + b] = mu[b];
                    }
                    propensity[n] = a >= 0 && a < k ? mu[a] : Double.NaN;
                } else {
                    propensity[n] = mu[0];
                }
                n++;
            }
            return new Decisions(n, Math.max(d, 0), Arrays.copyOf(contexts, n * Math.max(d, 0)), Arrays.copyOf(action, n),
                    Arrays.copyOf(reward, n), Arrays.copyOf(propensity, n),
                    full ? Arrays.copyOf(distribution, n * k) : null);
        }

        BanditLog log(int k) {
            BanditLog log = BanditLog.of(k, action, reward, propensity);
            return distribution != null ? log.withBehaviour(ActionTable.wrap(k, distribution)) : log;
        }
    }

    /**
     * The reward model fitted on the driver over every decision in the Java reader's order (as
     * {@code rlplay ope} fits it), as the per-fold parameters and each row's fold by its global
     * index: broadcast to the executors, which score their rows with it.
     */
    record FittedModel(RewardModelFolds models, byte[] folds) implements Serializable {

        static FittedModel fit(List<Decisions> parts, int k, CrossFittedRewardModel.Settings settings) {
            if (settings.folds() > Byte.MAX_VALUE) {
                throw new IllegalArgumentException("reward model: at most " + Byte.MAX_VALUE + " folds, got "
                        + settings.folds());
            }
            long total = 0;
            int d = 0;
            for (Decisions p : parts) {
                total += p.n();
                d = Math.max(d, p.d());
            }
            if (total == 0) {
                throw new IllegalArgumentException("the log holds no complete decision");
            }
            int n = Math.toIntExact(total);
            float[] contexts = new float[Math.multiplyExact(n, d)];
            int[] action = new int[n];
            double[] reward = new double[n];
            double[] propensity = new double[n];
            int at = 0;
            for (Decisions p : parts) {
                System.arraycopy(p.contexts(), 0, contexts, at * d, p.n() * d);
                System.arraycopy(p.action(), 0, action, at, p.n());
                System.arraycopy(p.reward(), 0, reward, at, p.n());
                System.arraycopy(p.propensity(), 0, propensity, at, p.n());
                at += p.n();
            }
            CrossFittedRewardModel m = CrossFittedRewardModel.fit(contexts, d, BanditLog.of(k, action, reward, propensity),
                    settings);
            byte[] folds = new byte[n];
            for (int i = 0; i < n; i++) {
                folds[i] = (byte) m.fold(i);
            }
            return new FittedModel(m.models(), folds);
        }
    }

    /** One partition's decisions to statistics, on an executor. */
    private record BanditTask(String observationJson, int actions, TargetPolicy target, List<String> estimators,
                              IntervalMethod interval, long[] offsets, Broadcast<FittedModel> model)
            implements Serializable {

        Iterator<List<BanditStatistics>> run(int partition, Iterator<Row> it) {
            int k = actions;
            Decisions rows = Decisions.read(it, k);
            int n = rows.n();
            int d = rows.d();
            if (n == 0) {
                return List.<List<BanditStatistics>>of(List.of()).iterator();
            }
            Space observations = SpaceJson.fromJson(JsonParser.parseString(observationJson));
            Discrete space = new Discrete(k);
            ActionDistribution pi = PolicyPool.borrow(target, observations, space);
            double[] table;
            try {
                table = probabilities(pi, rows.contexts(), n, d, k);
            } finally {
                PolicyPool.giveBack(target, observations, space, pi);
            }
            BanditEvaluation e = BanditEvaluation.of(rows.log(k), ActionTable.wrap(k, table));
            long first = offsets == null ? 0 : offsets[partition];
            if (model != null) {
                FittedModel m = model.value();
                double[] q = new double[Math.multiplyExact(n, k)];
                double[] scratch = m.models().scratch();
                for (int i = 0; i < n; i++) {
                    m.models().predict(m.folds()[Math.toIntExact(first + i)], rows.contexts(), i * d, scratch, q, i * k);
                }
                e = e.withRewardModel(ActionTable.wrap(k, q));
            }
            List<BanditStatistics> out = new ArrayList<>();
            for (String name : estimators) {
                out.add(BanditEstimator.byName(name).statistics(e, first, interval));
            }
            return List.of(out).iterator();
        }
    }

    /** {@code pi} at the {@code n} observations of {@code x} (n x d), n x K row-major, in batches. */
    static double[] probabilities(ActionDistribution pi, float[] x, int n, int d, int k) {
        double[] table = new double[Math.multiplyExact(n, k)];
        float[] batch = new float[BATCH * d];
        double[] out = new double[BATCH * k];
        for (int start = 0; start < n; start += BATCH) {
            int b = Math.min(BATCH, n - start);
            System.arraycopy(x, start * d, batch, 0, b * d);
            pi.probabilities(batch, b, out);
            System.arraycopy(out, 0, table, start * k, b * k);
        }
        return table;
    }

    /**
     * The estimates of {@code estimators} ({@code pdis}, {@code wpdis}, {@code dr}, {@code wdr}) of
     * {@code target} with discount {@code gamma} from the complete episodes of {@code frames}.
     *
     * @param fittedQ the settings of the fitted-Q evaluation of dr and wdr (as {@code rlplay ope}
     *     fits it); unused, and may be null, without them
     * @throws IllegalArgumentException if the action space is not {@code Discrete(K)} from 0, the
     *     behaviour column is missing, an estimator is unknown, dr or wdr is asked without
     *     {@code fittedQ}, or there is no complete episode
     */
    public static List<OffPolicyEstimate> episodes(DatasetFrames frames, String behaviourColumn, TargetPolicy target,
                                                   double gamma, List<String> estimators, IntervalMethod interval,
                                                   FittedQEvaluation.Settings fittedQ) {
        Discrete actions = discrete(frames);
        List<EpisodeEstimator> chosen = new ArrayList<>();
        boolean model = false;
        for (String name : estimators) {
            EpisodeEstimator e = EpisodeEstimator.byName(name);
            if (e.needsModel() && fittedQ == null) {
                throw new IllegalArgumentException(name + " needs a fitted-Q model: give its settings");
            }
            model |= e.needsModel();
            chosen.add(e);
        }
        String column = behaviour(frames, behaviourColumn);
        Broadcast<FittedQ> fitted = null;
        if (model) {
            fitted = JavaSparkContext.fromSparkContext(frames.spark().sparkContext())
                    .broadcast(FittedQ.fit(frames, behaviourColumn, target, actions, gamma, fittedQ));
        }
        try {
            return episodes(frames, column, target, gamma, chosen, interval, fitted);
        } finally {
            if (fitted != null) {
                fitted.destroy();
            }
        }
    }

    /**
     * The fitted-Q evaluation fitted on the driver from the Java reader's episodes with states (as
     * {@code rlplay ope} fits it), as its fold members' parameters and each episode's fold by its
     * index in the reader's order: broadcast to the executors, which score every step with it.
     */
    record FittedQ(FittedQFolds folds, int[] fold) implements Serializable {

        static FittedQ fit(DatasetFrames frames, String behaviourColumn, TargetPolicy target, Discrete actions,
                           double gamma, FittedQEvaluation.Settings settings) {
            ActionDistribution pi = PolicyPool.borrow(target, frames.observationSpace(), actions);
            LoggedEpisodes log;
            try (Rollout replay = frames.dataset().replay(ReplayOptions.once())) {
                log = LoggedEpisodes.collect(replay, behaviourColumn, pi);
            } finally {
                PolicyPool.giveBack(target, frames.observationSpace(), actions, pi);
            }
            if (log.count() == 0) {
                throw new IllegalArgumentException("no complete episode to evaluate with");
            }
            FittedQEvaluation q = FittedQEvaluation.fit(EpisodeEvaluation.of(log, gamma), settings);
            int[] fold = new int[log.count()];
            for (int i = 0; i < fold.length; i++) {
                fold[i] = q.fold(i);
            }
            return new FittedQ(q.folds(), fold);
        }
    }

    private static List<OffPolicyEstimate> episodes(DatasetFrames frames, String column, TargetPolicy target,
                                                    double gamma, List<EpisodeEstimator> chosen,
                                                    IntervalMethod interval, Broadcast<FittedQ> fitted) {
        Discrete actions = discrete(frames);
        boolean model = fitted != null;
        JavaRDD<Row> steps = frames.steps().filter(col(StepColumns.PADDING).equalTo(false))
                .select(col(StepColumns.EPISODE_ID), col(StepColumns.STEP), col(StepColumns.OBSERVATION),
                        col(StepColumns.ACTION), col(StepColumns.REWARD), col(column),
                        col(StepColumns.TERMINATED).or(col(StepColumns.TRUNCATED)), col(DatasetFrames.FILE),
                        col(StepColumns.FRAGMENT), col(StepColumns.RECORD), col(StepColumns.ENV))
                .javaRDD();
        RatioTask task = new RatioTask(spaceJson(frames.observationSpace()), actions.n(), target, model);
        StructType ratioSchema = new StructType().add("episode_id", DataTypes.LongType).add("step", DataTypes.IntegerType)
                .add("reward", DataTypes.DoubleType).add("ratio", DataTypes.DoubleType).add("ended", DataTypes.BooleanType)
                .add("file", DataTypes.StringType).add("fragment", DataTypes.LongType).add("record", DataTypes.IntegerType)
                .add("env", DataTypes.IntegerType);
        if (model) {                   // what the fitted Q needs at each step, scored after the grouping
            ratioSchema = ratioSchema.add("observation", DataTypes.createArrayType(DataTypes.FloatType))
                    .add("pi", DataTypes.createArrayType(DataTypes.DoubleType)).add("action", DataTypes.IntegerType);
        }
        var ratios = frames.spark().createDataFrame(steps.mapPartitions(task::run), ratioSchema);
        var stepStruct = model ? struct(col("step"), col("reward"), col("ratio"), col("observation"), col("pi"),
                col("action")) : struct(col("step"), col("reward"), col("ratio"));
        var grouped = ratios.groupBy(col("episode_id")).agg(
                collect_list(stepStruct).as("steps"),
                min(col("step")).as("first"), max(col("step")).as("last"), count(lit(1)).as("length"),
                max_by(struct(col("ended"), col("file"), col("fragment"), col("record"), col("env")), col("step")).as("end"))
                .filter(col("first").equalTo(0).and(col("last").equalTo(col("length").minus(1)))
                        .and(col("end.ended")));
        List<EpisodeTerms> terms;
        if (model) {                   // numbered in the reader's order: episode i's steps scored by fold(i)'s member
            JavaRDD<Row> ordered = grouped.orderBy(col("end.file"), col("end.fragment"), col("end.env"), col("end.record"))
                    .javaRDD();
            terms = new ArrayList<>(Tasks.run(() -> ordered.zipWithIndex()
                    .map(t -> scored(t._1(), Math.toIntExact(t._2()), fitted.value())).collect()));
        } else {
            terms = new ArrayList<>(Tasks.run(() -> grouped.javaRDD().map(SparkOpe::terms).collect()));
        }
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("no complete episode to evaluate with");
        }
        terms.sort(Comparator.comparing(EpisodeTerms::file).thenComparingLong(EpisodeTerms::fragment)
                .thenComparingInt(EpisodeTerms::env).thenComparingInt(EpisodeTerms::record));
        double[][] rewards = new double[terms.size()][];
        double[][] ratioArrays = new double[terms.size()][];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = terms.get(i).rewards();
            ratioArrays[i] = terms.get(i).ratios();
        }
        EpisodeEvaluation evaluation = EpisodeEvaluation.of(LoggedEpisodes.of(rewards, ratioArrays), gamma);
        if (model) {
            if (terms.size() != fitted.value().fold().length) {
                throw new IllegalStateException(terms.size() + " complete episodes in Spark, " + fitted.value().fold().length
                        + " from the Java reader");
            }
            double[][] q = new double[terms.size()][];
            double[][] v = new double[terms.size()][];
            for (int i = 0; i < q.length; i++) {
                q[i] = terms.get(i).q();
                v[i] = terms.get(i).v();
            }
            evaluation = evaluation.withModel(q, v);
        }
        List<OffPolicyEstimate> out = new ArrayList<>();
        for (EpisodeEstimator e : chosen) {
            out.add(e.estimate(evaluation, interval));
        }
        return out;
    }

    /** One complete episode's rewards and ratios, with the position of its last step. */
    record EpisodeTerms(String file, long fragment, int record, int env, double[] rewards, double[] ratios, double[] q,
                        double[] v) implements Serializable {
    }

    /** One grouped complete episode (its steps in any order) to its terms, on an executor. */
    private static EpisodeTerms terms(Row episode) {
        List<Row> s = new ArrayList<>(episode.getList(1));
        s.sort(Comparator.comparingInt(r -> r.getInt(0)));
        double[] rewards = new double[s.size()];
        double[] ratios = new double[s.size()];
        for (int t = 0; t < rewards.length; t++) {
            rewards[t] = s.get(t).getDouble(1);
            ratios[t] = s.get(t).getDouble(2);
        }
        Row end = episode.getStruct(5);
        return new EpisodeTerms(end.getString(1), end.getLong(2), end.getInt(3), end.getInt(4), rewards, ratios, null,
                null);
    }

    /**
     * Episode {@code index} (in the reader's order) to its terms and, scored on the executor by
     * its fold's member, {@code Q(s_t, a_t)} and {@code sum_a pi(a|s_t) Q(s_t, a)} at every step.
     */
    private static EpisodeTerms scored(Row episode, int index, FittedQ model) {
        List<Row> s = new ArrayList<>(episode.getList(1));
        s.sort(Comparator.comparingInt(r -> r.getInt(0)));
        int n = s.size();
        double[] rewards = new double[n];
        double[] ratios = new double[n];
        double[] q = new double[n];
        double[] v = new double[n];
        double[] scratch = model.folds().scratch();
        double[] pair = new double[2];
        if (index >= model.fold().length) {
            throw new IllegalStateException("more complete episodes in Spark than the Java reader's "
                    + model.fold().length);
        }
        int fold = model.fold()[index];
        for (int t = 0; t < n; t++) {
            Row r = s.get(t);
            rewards[t] = r.getDouble(1);
            ratios[t] = r.getDouble(2);
            float[] x = Rows.floats(r, 3);
            List<Double> piList = r.getList(4);
            double[] pi = new double[piList.size()];
            for (int a = 0; a < pi.length; a++) {
                pi[a] = piList.get(a);
            }
            model.folds().score(fold, x, 0, pi, 0, r.getInt(5), scratch, pair, 0);
            q[t] = pair[0];
            v[t] = pair[1];
        }
        Row end = episode.getStruct(5);
        return new EpisodeTerms(end.getString(1), end.getLong(2), end.getInt(3), end.getInt(4), rewards, ratios, q, v);
    }

    /**
     * Each step's ratio {@code pi(a|s) / mu(a|s)}, on an executor, before the steps are grouped by
     * episode (so only scalars are shuffled): in: episode_id, step, observation, action, reward,
     * behaviour, ended, file, fragment, record, env; out: as {@code ratioSchema}.
     */
    private record RatioTask(String observationJson, int actions, TargetPolicy target, boolean withStates)
            implements Serializable {

        Iterator<Row> run(Iterator<Row> it) {
            List<Row> rows = new ArrayList<>();
            int d = -1;
            float[] x = new float[0];
            while (it.hasNext()) {
                Row r = it.next();
                if (d < 0) {
                    d = Rows.floats(r, 2).length;
                    x = new float[1024 * d];
                }
                if ((rows.size() + 1) * d > x.length) {
                    x = Arrays.copyOf(x, 2 * x.length);
                }
                Rows.floats(r, 2, x, rows.size() * d);
                rows.add(r);
            }
            if (rows.isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            int k = actions;
            int n = rows.size();
            Space observations = SpaceJson.fromJson(JsonParser.parseString(observationJson));
            Discrete space = new Discrete(k);
            ActionDistribution pi = PolicyPool.borrow(target, observations, space);
            double[] table;
            try {
                table = probabilities(pi, x, n, d, k);
            } finally {
                PolicyPool.giveBack(target, observations, space, pi);
            }
            List<Row> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                int a = ((Number) r.get(3)).intValue();
                if (a < 0 || a >= k) {
                    throw new IllegalArgumentException("action " + a + " is outside the action space Discrete(" + k + ")");
                }
                float[] mu = Rows.floats(r, 5);
                double propensity = mu.length == 1 ? mu[0] : mu[a];
                if (!(propensity > 0 && propensity <= 1)) {
                    throw new IllegalArgumentException("a behaviour probability " + propensity + " of a logged action"
                            + " is outside (0, 1]");
                }
                double reward = ((Number) r.get(4)).floatValue();
                double ratio = table[i * k + a] / propensity;
                if (withStates) {
                    out.add(RowFactory.create(r.getLong(0), r.getInt(1), reward, ratio, r.getBoolean(6), r.getString(7),
                            r.getLong(8), r.getInt(9), r.getInt(10), Rows.floats(r, 2),
                            Arrays.copyOfRange(table, i * k, i * k + k),
                            a));
                } else {
                    out.add(RowFactory.create(r.getLong(0), r.getInt(1), reward, ratio, r.getBoolean(6), r.getString(7),
                            r.getLong(8), r.getInt(9), r.getInt(10)));
                }
            }
            return out.iterator();
        }
    }

    static Discrete discrete(DatasetFrames frames) {
        if (!(frames.actionSpace() instanceof Discrete actions) || actions.start() != 0) {
            throw new IllegalArgumentException("off-policy evaluation needs a Discrete(K) action space from 0, the dataset"
                    + " has " + frames.actionSpace());
        }
        return actions;
    }

    /** The step-table column of actor info {@code name}. */
    static String behaviour(DatasetFrames frames, String name) {
        String column = StepColumns.ACTOR_PREFIX + name;
        if (!Arrays.asList(frames.steps().columns()).contains(column)) {
            throw new IllegalArgumentException("the log has no propensities: no actor info column '" + name + "' (it has "
                    + frames.dataset().layout().actorInfo().stream().map(c -> c.name()).toList()
                    + "); log the behaviour's probabilities as actor info");
        }
        return column;
    }

    static String spaceJson(Space space) {
        return SpaceJson.toJson(space).toString();
    }
}
