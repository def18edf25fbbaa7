package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines end with exit code 2 and one message that names the offending option. */
class CliArgumentsTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(Cli r, String... fragments) {
        assertEquals(2, r.code(), r::toString);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "expected '" + f + "' in:\n" + r);
        }
    }

    @Test
    void shouldRequireACommand() {
        assertUsageError(Cli.run(), "a command is required");
    }

    @Test
    void shouldRejectAnUnknownAlgorithm() {
        assertUsageError(Cli.run("train", "--algo", "sarsa", "--out", tmp.toString()), "--algo", "sarsa", "a2c");
    }

    @Test
    void shouldRequireAnAlgorithmWithoutResume() {
        assertUsageError(Cli.run("train", "--out", tmp.toString()), "--algo is required");
    }

    @Test
    void shouldRejectAnUnknownEnvListingTheNativeIds() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--env", "Pong-v9", "--out", tmp.toString()),
                "--env", "Pong-v9", "CartPole-v1");
    }

    @Test
    void shouldRejectAnUnknownHyperparameterListingTheKnownOnes() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--set", "learning_rate=1", "--out", tmp.toString()),
                "--set learning_rate", "lr");
    }

    @Test
    void shouldRejectAnUnparsableHyperparameterValue() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--set", "numEnvs=many", "--out", tmp.toString()),
                "--set numEnvs=many", "int");
    }

    @Test
    void shouldRejectAHyperparameterOutOfRange() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--set", "gamma=1.5", "--out", tmp.toString()), "gamma");
    }

    @Test
    void shouldRejectANonPositiveBudget() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--steps", "0", "--out", tmp.toString()), "--steps");
    }

    @Test
    void shouldRejectAnUnknownMode() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--mode", "async", "--out", tmp.toString()), "--mode");
    }

    @Test
    void shouldRejectAContinuousActionSpaceForACategoricalAlgorithm() {
        assertUsageError(Cli.run("train", "--algo", "a2c", "--env", "Pendulum-v1", "--out", tmp.toString()),
                "a2c", "Discrete");
    }

    @Test
    void shouldRejectCollectorsThatDoNotDivideTheEnvsBeforeBuildingAnything() {
        Path out = tmp.resolve("run");
        Cli r = Cli.run("train", "--algo", "a2c", "--mode", "multi", "--collectors", "3", "--out", out.toString());
        assertUsageError(r, "--collectors 3", "8 envs");
        assertTrue(r.out().isEmpty(), "refused before the networks were built: " + r);
        assertFalse(Files.exists(out), "no empty --out directory");
        assertUsageError(Cli.run("collect", "--mode", "multi", "--collectors", "3", "--envs", "8"), "--collectors 3");
    }

    @Test
    void shouldNameBothEnvsWhenEvaluatingACheckpointOnAnotherEnv() {
        Path run = tmp.resolve("cartpole");
        assertEquals(0, Cli.run("train", "--algo", "a2c", "--steps", "256", "--progress", "off", "--out",
                run.toString()).code());
        Cli acrobot = Cli.run("eval", "--checkpoint", run.toString(), "--env", "Acrobot-v1");
        assertUsageError(acrobot, "--env Acrobot-v1 has spaces", "trained on CartPole-v1");
        Cli pendulum = Cli.run("eval", "--checkpoint", run.toString(), "--env", "Pendulum-v1");
        assertUsageError(pendulum, "--env Pendulum-v1 has spaces", "trained on CartPole-v1");
        assertFalse(pendulum.err().contains("--algo"), "names no option the user did not type: " + pendulum);
    }

    @Test
    void shouldRejectBadCollectArguments() {
        assertUsageError(Cli.run("collect", "--envs", "0"), "--envs");
        assertUsageError(Cli.run("collect", "--length", "0"), "--length");
    }

    @Test
    void shouldRejectEvalWithoutACheckpoint() {
        assertUsageError(Cli.run("eval"), "--checkpoint");
    }

    @Test
    void shouldReportAMissingCheckpointAsAFailure() {
        Cli r = Cli.run("eval", "--checkpoint", tmp.resolve("nothing-here").toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("no checkpoint"), r::toString);
    }
}
