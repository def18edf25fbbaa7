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
    void unknownEnvIdCarriesGymnasiumsMessageInOneLineAndTheTracebackApart() {
        GymBridgeException e = assertThrows(GymBridgeException.class, () -> GymEnvs.make("NoSuchEnv-v0", 1));
        assertEquals("gymnasium.make('NoSuchEnv-v0') failed in Python: gymnasium.error.NameNotFound: Environment"
                + " `NoSuchEnv` doesn't exist.", e.problem());
        assertTrue(e.fix().startsWith("check the id; `" + PythonRuntime.python() + " -c 'import gymnasium;"
                + " gymnasium.pprint_registry()'` lists"), e.fix());
        assertTrue(e.details().startsWith("Python traceback:\nTraceback (most recent call last)"), e.details());
        // printed whole, nothing is lost
        assertTrue(e.getMessage().startsWith(e.problem() + "\nFix: " + e.fix() + "\nPython traceback:"), e.getMessage());
    }

    @Test
    void badKwargsCarryGymnasiumsMessage() {
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> GymEnvs.make("CartPole-v1", 1, Map.of("no_such_arg", 1)));
        assertTrue(e.problem().contains("unexpected keyword argument 'no_such_arg'"), e.getMessage());
        assertEquals("check the keyword arguments against the env's constructor", e.fix());
    }

    @Test
    void aMissingDependencyNamesTheInterpreterToInstallItInto() {
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> GymEnvs.make(TestEnvs.spec("RlplayTest/NeedsDependency-v0").build()));
        assertTrue(e.problem().contains("DependencyNotInstalled: Box2D is not installed"), e.getMessage());
        assertEquals("install swig \"gymnasium[box2d]\" into the Python the bridge runs: `" + PythonRuntime.python()
                + " -m pip install swig \"gymnasium[box2d]\"`", e.fix());
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
        assertEquals("RLPLAY_PYTHON=" + dir.resolve("no-python") + " is not an executable file", e.problem());
        assertTrue(e.fix().contains("unset it"), e.getMessage());
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
