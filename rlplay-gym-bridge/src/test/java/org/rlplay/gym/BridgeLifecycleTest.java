package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;

/** The child process ends with close(), with its parent, and fails fast and clearly when killed. */
class BridgeLifecycleTest {

    /** Waits up to {@code millis} for process {@code pid} to be gone. */
    static boolean gone(long pid, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void closeEndsTheChildAndIsIdempotent() throws InterruptedException {
        GymVecEnv envs = GymEnvs.make("CartPole-v1", 2);
        long pid = envs.pythonPid();
        assertTrue(ProcessHandle.of(pid).orElseThrow().isAlive());
        envs.close();
        assertTrue(gone(pid, 5000), "the child exited after close()");
        envs.close();
        assertThrows(IllegalStateException.class, () -> envs.reset(null, BatchStep.of(envs)));
    }

    @Test
    void childKilledBetweenStepsGivesAClearExceptionAndCloseStillWorks() throws InterruptedException {
        try (GymVecEnv envs = GymEnvs.make("CartPole-v1", 2)) {
            BatchStep out = BatchStep.of(envs);
            ActionBatch actions = new ActionBatch(envs.actionSpace(), 2);
            envs.reset(new long[] {1, 2}, out);
            envs.step(actions, out);
            kill9(envs.pythonPid());
            assertTrue(gone(envs.pythonPid(), 5000));
            long start = System.nanoTime();
            GymBridgeException e = assertThrows(GymBridgeException.class, () -> envs.step(actions, out));
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed within 5 s");
            assertTrue(e.getMessage().contains("died during step"), e.getMessage());
            assertTrue(e.getMessage().contains("killed by signal 9"), e.getMessage());
        }
    }

    @Test
    void childKilledDuringAStepFailsThatStepWithin5Seconds() throws Exception {
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Slow-v0").kwarg("seconds", 60).build())) {
            BatchStep out = BatchStep.of(envs);
            envs.reset(null, out);
            long pid = envs.pythonPid();
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                kill9(pid);
            });
            killer.start();
            long start = System.nanoTime();
            GymBridgeException e = assertThrows(GymBridgeException.class,
                    () -> envs.step(new ActionBatch(envs.actionSpace(), 1), out));
            killer.join();
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed within 5 s of the kill");
            assertTrue(e.getMessage().contains("killed by signal 9"), e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadStopsAStepStuckInPython() throws Exception {
        GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Slow-v0").kwarg("seconds", 60).build());
        BatchStep out = BatchStep.of(envs);
        envs.reset(null, out);
        long pid = envs.pythonPid();
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            envs.close();
        });
        closer.start();
        long start = System.nanoTime();
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> envs.step(new ActionBatch(envs.actionSpace(), 1), out));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the stuck step ended within 5 s");
        assertTrue(e.getMessage().contains("was closed during step"), e.getMessage());
        closer.join(5000);
        assertFalse(closer.isAlive(), "close() returned");
        assertTrue(gone(pid, 1000));
    }

    @Test
    void childExitsWhenItsParentDies() throws Exception {
        // bash plays the parent: it starts the bridge module with its own stdin kept open, then is killed.
        String python = PythonRuntime.python().toString();
        String module = PythonRuntime.bridgeModule().toString();
        Process bash = new ProcessBuilder("bash", "-c",
                "RLPLAY_GYM_TOKEN=t \"$0\" -u \"$1\" 0<&0 & echo $!; wait", python, module)
                .redirectErrorStream(true).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
            long pid = Long.parseLong(in.readLine().trim());
            String ready = in.readLine();
            assertTrue(ready != null && ready.startsWith("RLPLAY_GYM_READY"), "the child started: " + ready);
            assertFalse(gone(pid, 300), "the child keeps running while its parent lives");
            bash.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            assertTrue(gone(pid, 3000), "the child exited after its parent was killed");
        } finally {
            bash.destroyForcibly();
            bash.getOutputStream().close();
        }
    }

    @Test
    void noChildOutlivesItsJvm() throws Exception {
        for (String how : List.of("exit", "halt")) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    BridgeChildJvm.class.getName(), how).redirectErrorStream(true).start();
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
                String line;
                long pid = -1;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("PID ")) {
                        pid = Long.parseLong(line.substring(4).trim());
                        break;
                    }
                }
                assertTrue(pid > 0, "the child JVM started a bridge");
                assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the child JVM ended");
                assertTrue(gone(pid, 3000), "the Python child of a JVM that ended by " + how + " is gone");
            } finally {
                jvm.destroyForcibly();
            }
        }
    }

    /** Entry point of the JVM started by {@link #noChildOutlivesItsJvm()}. */
    static final class BridgeChildJvm {
        public static void main(String[] args) {
            GymVecEnv envs = GymEnvs.make("CartPole-v1", 1);
            envs.reset(null, BatchStep.of(envs));
            System.out.println("PID " + envs.pythonPid());
            System.out.flush();
            if (args[0].equals("halt")) {
                Runtime.getRuntime().halt(0); // no shutdown hooks: the child sees end of file on its stdin
            }
            System.exit(0); // the shutdown hook kills the child
        }
    }
}
