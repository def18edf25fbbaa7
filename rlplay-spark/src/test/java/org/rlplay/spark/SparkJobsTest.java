package org.rlplay.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.algos.ope.EpisodeEstimator;
import org.rlplay.algos.ope.EpisodeEvaluation;
import org.rlplay.algos.ope.FittedQEvaluation;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.LoggedEpisodes;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.env.bandit.Bandits;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.fragment.Transitions;
import org.rlplay.record.Dataset;
import org.rlplay.record.PartitionFilter;
import org.rlplay.record.ReplayOptions;
import org.rlplay.record.TransitionSampler;
import org.rlplay.rollout.Rollout;

/**
 * Every Spark job of the module against the Java reader and the single-JVM estimators on the same
 * recordings: a CartPole dataset of two days (two runs, partitions date=2026-12-01 and -02) recorded
 * by a seeded linear-softmax behaviour that logs its distribution, and a ContextualBandit-v0 log of
 * T = 1 fragments. One embedded session (local[2], no UI, 4 shuffle partitions) for the class.
 */
class SparkJobsTest {
    static final String DAY1 = "2026-12-01";
    static final String DAY2 = "2026-12-02";
    static final double GAMMA = 0.99;

    @TempDir
    static Path tmp;
    static Path cartpole;
    static Path bandit;
    static SparkSession spark;
    static int contextSize;
    static int banditActions;

    @BeforeAll
    static void setUp() {
        cartpole = tmp.resolve("cartpole");
        Recordings.record(cartpole, "CartPole-v1", 4, 32, 3000, 1, DAY1, new LinearSoftmax(4, 2, 1.0, 0.2, 11));
        Recordings.record(cartpole, "CartPole-v1", 4, 32, 2000, 2, DAY2, new LinearSoftmax(4, 2, 1.0, 0.2, 11));
        ContextualBandit world = Bandits.v0();
        contextSize = world.observationSpace().size();
        banditActions = world.actions();
        bandit = tmp.resolve("bandit");
        Recordings.record(bandit, Bandits.ID, 50, 1, 6000, 3, DAY1,
                new LinearSoftmax(contextSize, banditActions, 2.0, 0.1, 12));
        spark = SparkSession.builder().master("local[2]").appName("rlplay-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    static TargetPolicy cartpoleTarget() {
        return LinearSoftmax.source(4, 2, 2.0, 0.1, 21);
    }

    static TargetPolicy banditTarget() {
        return LinearSoftmax.source(contextSize, banditActions, 3.0, 0.05, 22);
    }

    @Test
    void transitionsAreTheJavaSamplersRowsInItsOrder() {
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        TransitionSampler java = TransitionSampler.load(Dataset.open(cartpole));
        List<Row> rows = frames.transitions().orderBy("file", "fragment", "record", "env")
                .select("s", "a", "r", "s_next", "done", "truncated").collectAsList();
        assertEquals(java.size(), rows.size());
        TransitionBatch all = java.newBatch(java.size());
        for (int i = 0; i < all.size(); i++) {
            all.indices()[i] = i;
        }
        java.gather(all);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertArrayEquals(Arrays.copyOfRange(all.obs(), 4 * i, 4 * i + 4), Rows.floats(r, 0), "s of " + i);
            assertEquals(all.actInts()[i], r.getInt(1), "a of " + i);
            assertEquals(all.rew()[i], r.getFloat(2), "r of " + i);
            assertArrayEquals(Arrays.copyOfRange(all.nextObs(), 4 * i, 4 * i + 4), Rows.floats(r, 3), "s' of " + i);
            assertEquals(all.done()[i], r.getBoolean(4), "done of " + i);
            assertEquals(all.truncated()[i], r.getBoolean(5), "truncated of " + i);
        }
        assertEquals(rows.size(), frames.steps().filter("NOT padding").count());
        assertEquals(Dataset.open(cartpole).spec().observationSpace(), frames.observationSpace());
    }

    @Test
    void severalDatasetsAndAPartitionFilterReadAsTheJavaReaderReadsThem() {
        Path other = tmp.resolve("cartpole-other");
        Recordings.record(other, "CartPole-v1", 4, 32, 600, 5, DAY2, new LinearSoftmax(4, 2, 1.0, 0.2, 13));
        PartitionFilter day2 = PartitionFilter.equal("date", DAY2);
        DatasetFrames both = DatasetFrames.open(spark, List.of(cartpole, other), day2);
        Dataset java = Dataset.open(List.of(cartpole, other), day2);
        assertEquals(java.files().size(), both.steps().select("file").distinct().count());
        assertEquals(TransitionSampler.load(java).size(), both.transitions().count());
        assertEquals(List.of(DAY2), both.steps().select("date").distinct().collectAsList().stream()
                .map(r -> r.getString(0)).toList());
        assertEquals(java.transitions(), both.transitions().filter("date = '" + DAY2 + "'").count());
    }

    @Test
    void sparkSamplerFeedsTheSameBatchTypeAsTheJavaSampler() {
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        TransitionSampler java = TransitionSampler.load(Dataset.open(cartpole));
        SparkTransitionSampler full = SparkTransitionSampler.draw(frames, Integer.MAX_VALUE, 5);
        assertEquals(java.size(), full.size());
        TransitionBatch a = java.newBatch(64);
        TransitionBatch b = full.newBatch(64);
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 64; i++) {
            a.indices()[i] = rng.nextInt(java.size());
            b.indices()[i] = a.indices()[i];
        }
        java.gather(a);
        full.gather(b);
        assertArrayEquals(a.obs(), b.obs());
        assertArrayEquals(a.nextObs(), b.nextObs());
        assertArrayEquals(a.actInts(), b.actInts());
        assertArrayEquals(a.rew(), b.rew());
        assertArrayEquals(a.done(), b.done());
        assertArrayEquals(a.truncated(), b.truncated());
        SparkTransitionSampler part = SparkTransitionSampler.draw(frames, java.size() / 4, 5);
        assertTrue(part.size() > java.size() / 8 && part.size() < java.size() / 2, "pool of " + part.size());
        part.sample(new SplittableRandom(1), b);
        assertEquals(1f, b.weights()[63]);
    }

    @Test
    void episodesAreTheJavaReadersEpisodes() {
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        LoggedEpisodes log;
        try (Rollout replay = Dataset.open(cartpole).replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, LinearSoftmax.PROBS, new LinearSoftmax(4, 2, 1, 0, 1));
        }
        List<double[]> java = new ArrayList<>();
        for (int i = 0; i < log.count(); i++) {
            double ret = 0;
            double disc = 0;
            double g = 1;
            for (int t = 0; t < log.length(i); t++) {
                ret += log.reward(i, t);
                disc += g * log.reward(i, t);
                g *= GAMMA;
            }
            java.add(new double[] {log.length(i), ret, disc});
        }
        List<double[]> sparkEpisodes = new ArrayList<>();
        for (Row r : frames.episodes(GAMMA).collectAsList()) {
            sparkEpisodes.add(new double[] {r.getInt(1), r.getDouble(2), r.getDouble(3)});
        }
        java.sort(SparkJobsTest::compare);
        sparkEpisodes.sort(SparkJobsTest::compare);
        assertEquals(java.size(), sparkEpisodes.size());
        for (int i = 0; i < java.size(); i++) {
            assertEquals(java.get(i)[0], sparkEpisodes.get(i)[0]);
            assertEquals(java.get(i)[1], sparkEpisodes.get(i)[1]);
            assertEquals(java.get(i)[2], sparkEpisodes.get(i)[2], 1e-9 * Math.abs(java.get(i)[2]));
        }
    }

    private static int compare(double[] a, double[] b) {
        return a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[2], b[2]);
    }

    @Test
    void statisticsPerDayAreWhatJavaComputesFromThatDay() {
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        List<Row> stats = DatasetStatistics.perPartition(frames, LinearSoftmax.PROBS).collectAsList();
        assertEquals(2, stats.size());
        for (Row r : stats) {
            String day = r.getString(0);
            Dataset d = Dataset.open(cartpole, PartitionFilter.equal("date", day));
            long steps = 0;
            long episodes = 0;
            double sum = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            int minLength = Integer.MAX_VALUE;
            double pLo = 1;
            double pHi = 0;
            long[] actions = new long[2];
            try (Rollout replay = d.replay(ReplayOptions.once())) {
                for (Fragment f : replay) {
                    boolean[] real = Transitions.real(f, new boolean[f.length() * f.numEnvs()]);
                    for (int t = 0; t < f.length(); t++) {
                        for (int j = 0; j < f.numEnvs(); j++) {
                            if (real[t * f.numEnvs() + j]) {
                                steps++;
                                int a = (int) f.act(t + 1, j, 0);
                                actions[a]++;
                                double p = f.actorInfo(LinearSoftmax.PROBS).get(t, j, a);
                                pLo = Math.min(pLo, p);
                                pHi = Math.max(pHi, p);
                            }
                        }
                    }
                    Episodes e = f.episodes();
                    for (int i = 0; i < e.count(); i++) {
                        episodes++;
                        sum += e.episodeReturn(i);
                        lo = Math.min(lo, e.episodeReturn(i));
                        hi = Math.max(hi, e.episodeReturn(i));
                        minLength = Math.min(minLength, e.length(i));
                    }
                }
            }
            assertEquals(steps, r.getLong(r.fieldIndex("steps")), day);
            assertEquals(episodes, r.getLong(r.fieldIndex("episodes")), day);
            assertEquals(sum / episodes, r.getDouble(r.fieldIndex("mean_return")), 1e-9, day);
            assertEquals(lo, r.getDouble(r.fieldIndex("min_return")), day);
            assertEquals(hi, r.getDouble(r.fieldIndex("max_return")), day);
            assertEquals(minLength, r.getInt(r.fieldIndex("min_length")), day);
            assertEquals(pLo, r.getDouble(r.fieldIndex("min_propensity")), day);
            assertEquals(pHi, r.getDouble(r.fieldIndex("max_propensity")), day);
            Map<Integer, Long> histogram = new HashMap<>(r.getJavaMap(r.fieldIndex("actions")));
            assertEquals(Map.of(0, actions[0], 1, actions[1]), histogram, day);
        }
        DatasetFrames day2 = DatasetFrames.open(spark, List.of(cartpole), PartitionFilter.equal("date", DAY2));
        assertEquals(DAY2, DatasetStatistics.perPartition(day2, null).collectAsList().get(0).getString(0));
    }

    @Test
    void episodicOpeEqualsTheSingleJvmEstimators() {
        LoggedEpisodes log;
        try (Rollout replay = Dataset.open(cartpole).replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, LinearSoftmax.PROBS, (LinearSoftmax) cartpoleTarget().open(null, null));
        }
        EpisodeEvaluation e = EpisodeEvaluation.of(log, GAMMA);
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        IntervalMethod normal = IntervalMethod.normal(0.95);
        OffPolicyEstimate pdis = SparkOpe.episodes(frames, LinearSoftmax.PROBS, cartpoleTarget(), GAMMA, List.of("pdis"),
                normal, null).get(0);
        assertSame(EpisodeEstimator.pdis().estimate(e, normal), pdis, true);
        IntervalMethod bootstrap = IntervalMethod.bootstrap(200, 0.95, 3);
        OffPolicyEstimate wpdis = SparkOpe.episodes(frames, LinearSoftmax.PROBS, cartpoleTarget(), GAMMA,
                List.of("wpdis"), bootstrap, null).get(0);
        assertSame(EpisodeEstimator.wpdis().estimate(e, bootstrap), wpdis, true);
        assertThrows(IllegalArgumentException.class, () -> SparkOpe.episodes(frames, "logits", cartpoleTarget(), GAMMA,
                List.of("pdis"), normal, null));
        assertThrows(IllegalArgumentException.class, () -> SparkOpe.episodes(frames, LinearSoftmax.PROBS, cartpoleTarget(),
                GAMMA, List.of("dr"), normal, null));
    }

    @Test
    void episodicDrAndWdrEqualTheSingleJvmEstimatorsWithTheSameFittedQ() {
        LoggedEpisodes log;
        try (Rollout replay = Dataset.open(cartpole).replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, LinearSoftmax.PROBS, (LinearSoftmax) cartpoleTarget().open(null, null));
        }
        FittedQEvaluation.Settings settings = new FittedQEvaluation.Settings(new int[] {8}, 5, 5, 64, 1e-3f, 3, 4, 0.95, 7);
        EpisodeEvaluation e = FittedQEvaluation.fit(EpisodeEvaluation.of(log, GAMMA), settings).crossFitted();
        DatasetFrames frames = DatasetFrames.open(spark, cartpole);
        IntervalMethod normal = IntervalMethod.normal(0.95);
        List<OffPolicyEstimate> estimates = SparkOpe.episodes(frames, LinearSoftmax.PROBS, cartpoleTarget(), GAMMA,
                List.of("dr", "pdis"), normal, settings);
        assertSame(EpisodeEstimator.dr().estimate(e, normal), estimates.get(0), true);
        assertSame(EpisodeEstimator.pdis().estimate(e, normal), estimates.get(1), true);
        IntervalMethod bootstrap = IntervalMethod.bootstrap(100, 0.95, 3);
        OffPolicyEstimate wdr = SparkOpe.episodes(frames, LinearSoftmax.PROBS, cartpoleTarget(), GAMMA, List.of("wdr"),
                bootstrap, settings).get(0);
        assertSame(EpisodeEstimator.wdr().estimate(e, bootstrap), wdr, true);
    }

    @Test
    void banditOpeEqualsTheSingleJvmEstimatorsThroughMergedStatistics() {
        LoggedDecisions decisions;
        try (Rollout replay = Dataset.open(bandit).replay(ReplayOptions.once())) {
            decisions = LoggedDecisions.collect(replay, LinearSoftmax.PROBS);
        }
        LinearSoftmax pi = (LinearSoftmax) banditTarget().open(null, null);
        BanditEvaluation e = BanditEvaluation.of(decisions.log(), decisions.target(pi));
        DatasetFrames frames = DatasetFrames.open(spark, bandit);
        IntervalMethod normal = IntervalMethod.normal(0.95);
        List<OffPolicyEstimate> estimates = SparkOpe.bandit(frames, LinearSoftmax.PROBS, banditTarget(),
                List.of("ips", "clipped-ips(5)"), normal, null);
        assertSame(BanditEstimator.ips().estimate(e, normal), estimates.get(0), true);
        assertSame(BanditEstimator.clippedIps(5).estimate(e, normal), estimates.get(1), true);
        IntervalMethod bootstrap = IntervalMethod.bootstrap(200, 0.95, 3);
        OffPolicyEstimate snips = SparkOpe.bandit(frames, LinearSoftmax.PROBS, banditTarget(), List.of("snips"),
                bootstrap, null).get(0);
        assertSame(BanditEstimator.snips().estimate(e, bootstrap), snips, false);
        assertThrows(IllegalArgumentException.class, () -> SparkOpe.bandit(frames, LinearSoftmax.PROBS, banditTarget(),
                List.of("dr"), normal, null));
        assertThrows(IllegalArgumentException.class, () -> SparkOpe.bandit(DatasetFrames.open(spark, cartpole),
                LinearSoftmax.PROBS, cartpoleTarget(), List.of("ips"), normal, null));
    }

    @Test
    void banditRewardModelEstimatorsEqualTheSingleJvmOnesWithTheSameCrossFittedModel() {
        LoggedDecisions decisions;
        try (Rollout replay = Dataset.open(bandit).replay(ReplayOptions.once())) {
            decisions = LoggedDecisions.collect(replay, LinearSoftmax.PROBS);
        }
        LinearSoftmax pi = (LinearSoftmax) banditTarget().open(null, null);
        CrossFittedRewardModel.Settings settings = new CrossFittedRewardModel.Settings(3, new int[] {8}, 2, 256, 3e-3f, 5);
        CrossFittedRewardModel model = CrossFittedRewardModel.fit(decisions.contexts(), decisions.contextSize(),
                decisions.log(), settings);
        BanditEvaluation e = BanditEvaluation.of(decisions.log(), decisions.target(pi)).withRewardModel(model.predictions());
        DatasetFrames frames = DatasetFrames.open(spark, bandit);
        IntervalMethod normal = IntervalMethod.normal(0.95);
        List<OffPolicyEstimate> estimates = SparkOpe.bandit(frames, LinearSoftmax.PROBS, banditTarget(),
                List.of("dm", "dr", "switch-dr(2)", "ips"), normal, settings);
        assertSame(BanditEstimator.dm().estimate(e, normal), estimates.get(0), true);
        assertSame(BanditEstimator.dr().estimate(e, normal), estimates.get(1), true);
        assertSame(BanditEstimator.switchDr(2).estimate(e, normal), estimates.get(2), true);
        assertSame(BanditEstimator.ips().estimate(e, normal), estimates.get(3), true);
        // the rows are taken in the Java reader's order here, so even the bootstrap draws are the single JVM's
        IntervalMethod bootstrap = IntervalMethod.bootstrap(100, 0.95, 3);
        OffPolicyEstimate sndr = SparkOpe.bandit(frames, LinearSoftmax.PROBS, banditTarget(), List.of("sndr"), bootstrap,
                settings).get(0);
        assertSame(BanditEstimator.sndr().estimate(e, bootstrap), sndr, true);
    }

    /** Same value, weights and support to 1e-9 relative; the interval too if {@code interval}, else it holds a bootstrap of the same width to 10%. */
    private static void assertSame(OffPolicyEstimate java, OffPolicyEstimate spark, boolean interval) {
        assertEquals(java.estimator(), spark.estimator());
        assertEquals(java.value(), spark.value(), 1e-9 * Math.abs(java.value()), java.estimator());
        if (interval) {
            assertEquals(java.lower(), spark.lower(), 1e-9 * Math.abs(java.lower()), java.estimator() + " lower");
            assertEquals(java.upper(), spark.upper(), 1e-9 * Math.abs(java.upper()), java.estimator() + " upper");
        } else {
            double w = java.upper() - java.lower();
            assertEquals(w, spark.upper() - spark.lower(), 0.1 * w, java.estimator() + " interval width");
        }
        assertEquals(java.weights().rows(), spark.weights().rows());
        assertEquals(java.weights().effectiveSampleSize(), spark.weights().effectiveSampleSize(),
                1e-9 * java.weights().effectiveSampleSize());
        assertEquals(java.weights().maxWeight(), spark.weights().maxWeight(), 1e-12 * java.weights().maxWeight());
        assertEquals(java.weights().meanWeight(), spark.weights().meanWeight(), 1e-9 * java.weights().meanWeight());
    }

    @Test
    void scoringWritesThePolicysDistributionAndADrawFromIt() {
        Path table = tmp.resolve("population");
        Path out = tmp.resolve("scored");
        DatasetFrames frames = DatasetFrames.open(spark, bandit);
        frames.steps().filter("NOT padding").select("episode_id", "observation").repartition(3).write()
                .parquet(table.toString());
        BatchScoring.scoreParquet(spark, table.toString(), "observation", frames.observationSpace(),
                new Discrete(banditActions), banditTarget(), 9, out.toString());
        List<Row> scored = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(frames.steps().filter("NOT padding").count(), scored.size());
        LinearSoftmax pi = (LinearSoftmax) banditTarget().open(null, null);
        double[] p = new double[banditActions];
        int[] counts = new int[banditActions];
        for (Row r : scored) {
            float[] x = Rows.floats(r, r.fieldIndex("observation"));
            pi.distribution(x, 0, p, 0);
            List<Double> probs = r.getList(r.fieldIndex(BatchScoring.PROBS));
            for (int a = 0; a < banditActions; a++) {
                assertEquals(p[a], probs.get(a));
            }
            int a = r.getInt(r.fieldIndex(BatchScoring.ACTION));
            assertEquals(p[a], r.getDouble(r.fieldIndex(BatchScoring.PROPENSITY)));
            assertEquals(BatchScoring.draw(x, 0, x.length, p, 0, banditActions, 9), a);
            counts[a]++;
        }
        assertTrue(Arrays.stream(counts).filter(c -> c > 0).count() > 1, "draws " + Arrays.toString(counts));
    }
}
