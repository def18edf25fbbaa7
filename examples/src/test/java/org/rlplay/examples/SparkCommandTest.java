package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.record.Dataset;

/**
 * {@code rlplay spark stats|ope|score} end to end on a small recording and a checkpoint trained
 * from it: the Spark estimates equal {@code rlplay ope}'s single-JVM ones (to the printed digits),
 * the statistics count the Java reader's steps, scoring writes a row per input row with the target's
 * probabilities, and a data problem found on an executor is a short error.
 */
class SparkCommandTest {
    @TempDir
    Path tmp;

    private static double number(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+(-?[0-9.]+)").matcher(text);
        assertTrue(m.find(), "no '" + label + "' in\n" + text);
        return Double.parseDouble(m.group(1));
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

        Cli ope = Cli.run("ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon", "0.3");
        assertEquals(0, ope.code(), ope::toString);
        Cli spark = Cli.run("spark", "ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon",
                "0.3", "--master", "local[2]");
        assertEquals(0, spark.code(), spark::toString);
        System.out.print(ope.out() + spark.out() + stats.out());
        assertEquals(number(ope.out(), "ordinary per-decision IS"), number(spark.out(), "pdis"), 0.0015, spark::toString);
        assertEquals(number(ope.out(), "weighted per-decision IS"), number(spark.out(), "wpdis"), 0.0015, spark::toString);

        Path scored = tmp.resolve("scored");
        Cli score = Cli.run("spark", "score", "--input", data.toString(), "--checkpoint", run.toString(),
                "--target-epsilon", "0.3", "--out", scored.toString(), "--master", "local[2]");
        assertEquals(0, score.code(), score::toString);
        long rows = Dataset.open(data).files().stream().mapToLong(f -> f.rows()).sum();
        assertTrue(score.out().contains(String.format("%,d rows", rows)), score::toString);

        Cli bad = Cli.run("spark", "ope", "--data", data.toString(), "--checkpoint", run.toString(), "--behaviour-info",
                "logits", "--master", "local[2]");
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.err().contains("no propensities") && bad.err().lines().count() <= 3, bad::toString);
    }
}
