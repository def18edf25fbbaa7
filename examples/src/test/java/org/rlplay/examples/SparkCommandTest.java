package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rlplay.actor.ActorCall;
import org.rlplay.env.ActionBatch;
import org.rlplay.examples.offline.CheckpointPolicy;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.spark.BatchScoring;

/**
 * {@code rlplay spark stats|ope|score} end to end on a small recording and a checkpoint trained
 * from it: the Spark estimates and their bootstrap intervals equal {@code rlplay ope}'s single-JVM
 * ones to the printed digits (pdis, wpdis, dr, wdr on episodes; dr, dm on a bandit log), the
 * statistics count the Java reader's steps, scoring writes a row per input row with the
 * distribution the checkpoint's actor gives in Java, and a data problem found on an executor is a
 * short error.
 */
class SparkCommandTest {
    @TempDir
    Path tmp;

    /** The printed estimate and interval bounds of {@code label}'s row, e.g. {@code [0.7150, 0.6906, 0.7417]}. */
    private static List<String> estimateAndInterval(String text, String label) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+(-?[0-9.]+)\\s+\\[\\s*(-?[0-9.]+),\\s*(-?[0-9.]+)\\]")
                .matcher(text);
        assertTrue(m.find(), "no '" + label + "' row in\n" + text);
        return List.of(m.group(1), m.group(2), m.group(3));
    }

    /**
     * Every scored row's {@code policy_probs} is the epsilon-greedy distribution of the greedy action
     * the checkpoint's actor takes in Java (ActorCall on the dataset's own fragments), found by the
     * observation's bits; the drawn action's probability is its entry.
     */
    private static void assertScoredAsTheCheckpointActsInJava(Path data, Path run, Path scored, double epsilon) {
        Map<String, Row> byObservation = new HashMap<>();
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            for (Row r : spark.read().parquet(scored.toString())
                    .select("observation", BatchScoring.PROBS, BatchScoring.ACTION, BatchScoring.PROPENSITY).collectAsList()) {
                byObservation.put(r.getList(0).toString(), r);
            }
        } finally {
            spark.stop();
        }
        Dataset dataset = Dataset.open(data);
        int checked = 0;
        try (CheckpointPolicy policy = CheckpointPolicy.load(run, dataset.spec().observationSpace(),
                dataset.spec().actionSpace());
             ActorCall call = new ActorCall(dataset.spec());
             Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (Fragment f : replay) {
                for (int t = 0; t < f.length(); t++) {
                    ActionBatch greedy = call.step(policy.greedy(), f, t, null, false);
                    for (int j = 0; j < f.numEnvs(); j++) {
                        List<Float> x = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            x.add(f.obs(t, j, i));
                        }
                        Row r = byObservation.get(x.toString());
                        assertTrue(r != null, "no scored row for observation " + x);
                        List<Double> probs = r.getList(1);
                        for (int a = 0; a < 2; a++) {
                            double expected = (a == greedy.discrete(j) ? 1 - epsilon : 0) + epsilon / 2;
                            assertEquals(expected, probs.get(a), 1e-12, "observation " + x);
                        }
                        assertEquals(probs.get(r.getInt(2)), r.getDouble(3));
                        checked++;
                    }
                }
            }
        }
        assertEquals(byObservation.size(), checked, "every scored row checked (observations are distinct)");
    }

    @Test
    void sparkJobsAgreeWithTheSingleJvmCommandsAndReportDataErrorsBriefly() {
        Path data = tmp.resolve("data");
        Cli rec = Cli.run("record", "--policy", "heuristic", "--epsilon", "0.3", "--steps", "12000", "--envs", "8",
                "--seed", "4", "--no-fsync", "--out", data.toString());
        assertEquals(0, rec.code(), rec::toString);
        Path run = tmp.resolve("bc");
        Cli train = Cli.run("train", "--data", data.toString(), "--algo", "bc", "--steps", "200", "--seed", "3",
                "--eval-episodes", "2", "--out", run.toString());
        assertEquals(0, train.code(), train::toString);

        Cli stats = Cli.run("spark", "stats", "--data", data.toString(), "--master", "local[2]");
        assertEquals(0, stats.code(), stats::toString);
        String row = stats.out().lines().skip(1).findFirst().orElseThrow();
        assertEquals(Long.toString(Dataset.open(data).transitions()), row.split("\\s+")[1], stats::toString);

        Cli ope = Cli.run("ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon", "0.3",
                "--gamma", "0.9", "--bootstrap", "200");
        assertEquals(0, ope.code(), ope::toString);
        Cli spark = Cli.run("spark", "ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon",
                "0.3", "--gamma", "0.9", "--estimators", "pdis,wpdis,dr,wdr", "--master", "local[2]");
        assertEquals(0, spark.code(), spark::toString);
        System.out.print(ope.out() + spark.out() + stats.out());
        for (String estimator : List.of("pdis", "wpdis", "dr", "wdr")) {   // episodes in the reader's order: same draws
            assertEquals(estimateAndInterval(ope.out(), estimator), estimateAndInterval(spark.out(), estimator),
                    spark::toString);
        }

        Path scored = tmp.resolve("scored");
        Cli score = Cli.run("spark", "score", "--input", data.toString(), "--checkpoint", run.toString(),
                "--target-epsilon", "0.3", "--out", scored.toString(), "--master", "local[2]");
        assertEquals(0, score.code(), score::toString);
        long rows = Dataset.open(data).files().stream().mapToLong(f -> f.rows()).sum();
        assertTrue(score.out().contains(String.format("%,d rows", rows)), score::toString);
        assertScoredAsTheCheckpointActsInJava(data, run, scored, 0.3);

        Cli bad = Cli.run("spark", "ope", "--data", data.toString(), "--checkpoint", run.toString(), "--behaviour-info",
                "logits", "--master", "local[2]");
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.err().contains("no propensities") && bad.err().lines().count() <= 3, bad::toString);
    }

    @Test
    void sparkDrOnABanditLogEqualsRlplayOpe() {
        Path data = tmp.resolve("bandit");
        Cli rec = Cli.run("record", "--env", "ContextualBandit-v0", "--policy", "random", "-T", "1", "--envs", "8",
                "--steps", "3000", "--seed", "2", "--no-fsync", "--out", data.toString());
        assertEquals(0, rec.code(), rec::toString);
        Path run = tmp.resolve("banditnet");
        Cli train = Cli.run("train", "--data", data.toString(), "--algo", "banditnet", "--steps", "150", "--seed", "3",
                "--progress", "off", "--out", run.toString());
        assertEquals(0, train.code(), train::toString);
        Cli ope = Cli.run("ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon", "0.2",
                "--estimators", "dr,dm", "--bootstrap", "100");
        assertEquals(0, ope.code(), ope::toString);
        Cli spark = Cli.run("spark", "ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon",
                "0.2", "--estimators", "dr,dm", "--resamples", "100", "--master", "local[2]");
        assertEquals(0, spark.code(), spark::toString);
        System.out.print(ope.out() + spark.out());
        for (String estimator : List.of("dr", "dm")) {   // the bootstrap too: Spark takes the rows in the reader's order
            assertEquals(estimateAndInterval(ope.out(), estimator), estimateAndInterval(spark.out(), estimator),
                    spark::toString);
        }
    }
}
