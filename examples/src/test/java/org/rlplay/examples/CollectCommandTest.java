package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code collect} runs the engine with a DJL MLP actor and reports throughput and episode statistics. */
class CollectCommandTest {

    @Test
    void shouldCollectTheRequestedStepsAndReportEpisodes() {
        Cli r = Cli.run("collect", "--env", "CartPole-v1", "--envs", "8", "--length", "32", "--steps", "2000", "--seed", "3");
        assertEquals(0, r.code(), r::toString);
        Matcher steps = Pattern.compile("env-steps\\s+([\\d,]+) in [\\d.]+ s: ([\\d,]+) env-steps/s").matcher(r.out());
        assertTrue(steps.find(), r::toString);
        long collected = Long.parseLong(steps.group(1).replace(",", ""));
        assertTrue(collected >= 2000 && collected < 2000 + 8 * 32, "collected " + collected);
        Matcher episodes = Pattern.compile("episodes\\s+([\\d,]+) finished: mean return ([\\d.]+)").matcher(r.out());
        assertTrue(episodes.find(), r::toString);
        // an untrained near-uniform policy on CartPole: episodes of roughly 10 to 40 steps
        double meanReturn = Double.parseDouble(episodes.group(2));
        assertTrue(meanReturn > 8 && meanReturn < 60, "mean return " + meanReturn);
        assertTrue(Long.parseLong(episodes.group(1).replace(",", "")) > 20, r::toString);
    }
}
