package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous-action algorithms through the command line: {@code --algo sac} learns native
 * Pendulum-v1 beyond chance in a short seeded run, {@code --algo ppo} picks its Box variant for a
 * Box action space, both evaluate greedily from their checkpoints, and a discrete env is refused
 * with a one-line message. Full solves are run by hand and reported in the README.
 */
class ContinuousControlTest {
    @TempDir
    Path tmp;

    /** The values a metrics column holds (rows where nothing was logged are empty). */
    private static List<Double> logged(Path metrics, String column) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        List<String> header = List.of(lines.get(0).split(","));
        int c = header.indexOf(column);
        assertTrue(c >= 0, column + " in " + header);
        List<Double> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String v = line.split(",", -1)[c];
            if (!v.isEmpty() && !v.equals("NaN")) {
                values.add(Double.parseDouble(v));
            }
        }
        return values;
    }

    private static double greedyReturn(Cli r) {
        Matcher m = Pattern.compile("mean return (-?[\\d.]+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void sacShouldLearnPendulumBeyondRandom() throws IOException {
        // Uniformly random torques average about -1,200 per 200-step episode (the mean of 8 such
        // episodes has a standard deviation of about 110); 3,250 updates after 250 random steps give a
        // greedy swing-up near -200 (seed 1), the bar is -600.
        Path out = tmp.resolve("sac");
        Cli r = Cli.run("train", "--algo", "sac", "--env", "Pendulum-v1", "--steps", "3500", "--seed", "1",
                "--out", out.toString(), "--progress=off", "--checkpoint-every=1000000", "--set", "learningStarts=250");
        assertEquals(0, r.code(), r::toString);
        List<Double> qLoss = logged(out.resolve("metrics.csv"), "q_loss");
        assertTrue(!qLoss.isEmpty() && qLoss.stream().allMatch(Double::isFinite), "critic losses: " + qLoss);
        Cli eval = Cli.run("eval", "--checkpoint", out.toString(), "--episodes", "8", "--envs", "4");
        assertEquals(0, eval.code(), eval::toString);
        double greedy = greedyReturn(eval);
        assertTrue(greedy > -600, "sac greedy mean return over 8 episodes: " + greedy);
    }

    @Test
    void ppoShouldTakeTheBoxVariantForContinuousActions() {
        Path out = tmp.resolve("ppo");
        Cli r = Cli.run("train", "--algo", "ppo", "--env", "Pendulum-v1", "--steps", "2048", "--seed", "1",
                "--out", out.toString(), "--progress=off", "--set", "numEnvs=2", "--set", "length=256",
                "--set", "minibatches=4", "--set", "epochs=2");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("initLogStd=0.0"), "the continuous PPO's hyperparameters:\n" + r);
        assertTrue(r.out().contains("env-steps    2,048"), r::toString);
        Cli eval = Cli.run("eval", "--checkpoint", out.toString(), "--episodes", "2", "--envs", "2");
        assertEquals(0, eval.code(), eval::toString);
        assertTrue(eval.out().contains("eval ppo on Pendulum-v1"), eval::toString);
    }

    @Test
    void sacShouldRunInTheDecoupledMode() {
        Cli r = Cli.run("train", "--algo", "sac", "--env", "MountainCarContinuous-v0", "--steps", "600", "--seed", "2",
                "--mode", "single", "--out", tmp.resolve("single").toString(), "--progress=off",
                "--set", "learningStarts=300", "--set", "hidden=32,32", "--set", "batchSize=32");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("mode single"), r::toString);
    }

    @Test
    void sacShouldRefuseDiscreteActions() {
        Cli r = Cli.run("train", "--algo", "sac", "--env", "CartPole-v1", "--out", tmp.resolve("cp").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--algo sac needs a float Box action space"), r::toString);
    }
}
