package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short seeded training runs that must learn beyond chance: on CartPole-v1 a uniformly random
 * policy averages about 22 per episode, so a mean over the last 100 episodes well above that after
 * a few thousand env-steps shows the whole loop (rollout, returns, loss, gradients, optimizer)
 * works. Full solves are run by hand and reported in the README.
 */
class LearningSmokeTest {
    @TempDir
    Path tmp;

    private static double meanReturn(Cli r) {
        Matcher m = Pattern.compile("mean return over the last 100: ([\\d.]+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Double.parseDouble(m.group(1));
    }

    private Cli train(String algo, String env, long steps, String... sets) {
        String[] args = new String[12 + 2 * sets.length];
        String[] base = {"train", "--algo", algo, "--env", env, "--steps", Long.toString(steps), "--seed", "1",
            "--out", tmp.resolve(algo).toString(), "--progress=off"};
        System.arraycopy(base, 0, args, 0, base.length);
        args[11] = "--checkpoint-every=1000000";
        for (int i = 0; i < sets.length; i++) {
            args[12 + 2 * i] = "--set";
            args[13 + 2 * i] = sets[i];
        }
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    @Test
    void a2cShouldLearnCartPoleBeyondRandom() {
        double mean = meanReturn(train("a2c", "CartPole-v1", 15_000));
        assertTrue(mean > 45, "a2c mean return over the last 100 episodes: " + mean);
    }

    @Test
    void ppoShouldLearnCartPoleBeyondRandom() {
        double mean = meanReturn(train("ppo", "CartPole-v1", 12_288));
        assertTrue(mean > 45, "ppo mean return over the last 100 episodes: " + mean);
    }

    @Test
    void doubleDqnShouldLearnCartPoleBeyondRandom() throws IOException {
        double mean = meanReturn(train("ddqn", "CartPole-v1", 15_000, "learningStarts=1000", "explorationFraction=0.4",
                "targetUpdate=250", "lr=1e-3"));
        assertTrue(mean > 45, "ddqn mean return over the last 100 episodes: " + mean);
        // the losses start once learning does, after the first metrics rows: they are columns all the same
        List<String> rows = Files.readAllLines(tmp.resolve("ddqn").resolve("metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        assertTrue(header.contains("td_loss") && header.contains("q_value"), header::toString);
        String[] last = rows.get(rows.size() - 1).split(",", -1);
        assertFalse(last[header.indexOf("td_loss")].isEmpty(), rows.get(rows.size() - 1));
        assertTrue(rows.get(1).split(",", -1)[header.indexOf("td_loss")].isEmpty(), "no loss before learning starts");
    }

    @Test
    void recurrentA2cShouldLearnCartPoleBeyondRandom() {
        double mean = meanReturn(train("a2c-lstm", "CartPole-v1", 20_000));
        assertTrue(mean > 45, "a2c-lstm mean return over the last 100 episodes: " + mean);
    }

    @Test
    void a2cShouldLearnInTheDecoupledModes() {
        for (String mode : new String[] {"single", "multi"}) {
            Cli r = Cli.run("train", "--algo", "a2c", "--steps", "15000", "--seed", "1", "--mode", mode,
                    "--collectors", "2", "--out", tmp.resolve(mode).toString(), "--progress=off");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("mode " + mode), r::toString);
            double mean = meanReturn(r);
            assertTrue(mean > 45, "a2c --mode " + mode + " mean return over the last 100 episodes: " + mean);
        }
    }
}
