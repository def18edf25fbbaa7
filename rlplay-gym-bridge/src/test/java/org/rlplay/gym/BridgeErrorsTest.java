package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.EnvException;

/** Gymnasium's and Python's errors reach Java with their message and traceback; nothing hangs. */
class BridgeErrorsTest {

    @Test
    void unknownEnvIdCarriesGymnasiumsMessage() {
        GymBridgeException e = assertThrows(GymBridgeException.class, () -> GymEnvs.make("NoSuchEnv-v0", 1));
        assertTrue(e.getMessage().startsWith("gymnasium.make('NoSuchEnv-v0') failed in Python: "), e.getMessage());
        assertTrue(e.getMessage().contains("Environment `NoSuchEnv` doesn't exist"), e.getMessage());
    }

    @Test
    void badKwargsCarryGymnasiumsMessage() {
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> GymEnvs.make("CartPole-v1", 1, Map.of("no_such_arg", 1)));
        assertTrue(e.getMessage().contains("unexpected keyword argument 'no_such_arg'"), e.getMessage());
    }

    @Test
    void pythonExceptionInStepNamesTheEnvAndCarriesTheTraceback() {
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Faulty-v0").numEnvs(3)
                .kwarg("fail_at", 3).kwarg("fail_seed", 1).build())) {
            BatchStep out = BatchStep.of(envs);
            ActionBatch actions = new ActionBatch(envs.actionSpace(), 3);
            envs.reset(new long[] {0, 1, 2}, out);
            envs.step(actions, out);
            envs.step(actions, out);
            EnvException e = assertThrows(EnvException.class, () -> envs.step(actions, out));
            assertEquals(1, e.envIndex());
            assertTrue(e.getMessage().startsWith("env 1: step raised in Python: ValueError: boom at step 3"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Traceback (most recent call last)"), e.getMessage());
            assertTrue(e.getMessage().contains("rlplay_test_envs.py"), e.getMessage());
            // an exception inside one env leaves the bridge usable
            envs.reset(new long[] {0, 5, 2}, out);
            envs.step(actions, out);
        }
    }

    @Test
    void aStepLongerThanTheCallTimeoutFailsInsteadOfHanging() {
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Slow-v0").kwarg("seconds", 30)
                .callTimeout(Duration.ofSeconds(2)).build())) {
            BatchStep out = BatchStep.of(envs);
            envs.reset(null, out);
            long start = System.nanoTime();
            GymBridgeException e = assertThrows(GymBridgeException.class,
                    () -> envs.step(new ActionBatch(envs.actionSpace(), 1), out));
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed within 5 s");
            assertTrue(e.getMessage().contains("callTimeout"), e.getMessage());
            GymBridgeException again = assertThrows(GymBridgeException.class, () -> envs.reset(null, out));
            assertTrue(again.getMessage().contains("failed earlier"), again.getMessage());
        }
    }

    @Test
    void configuredPythonThatIsNotExecutableIsExplained(@TempDir Path dir) {
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> PythonRuntime.checkConfigured(dir.resolve("no-python")));
        assertTrue(e.getMessage().startsWith("RLPLAY_PYTHON=" + dir.resolve("no-python") + " is not an executable"),
                e.getMessage());
        assertTrue(e.getMessage().contains("unset it"), e.getMessage());
    }

    @Test
    void configuredPythonWithoutGymnasiumGivesTheFix(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("python");
        Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'gymnasium'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        GymBridgeException e = assertThrows(GymBridgeException.class, () -> PythonRuntime.checkConfigured(fake));
        assertTrue(e.getMessage().contains("No module named 'gymnasium'"), e.getMessage());
        assertTrue(e.getMessage().contains(fake + " -m pip install gymnasium=="), e.getMessage());
    }
}
