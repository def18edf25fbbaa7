package org.rlplay.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.gym.GymEnvs;
import org.rlplay.gym.GymVecEnv;
import org.rlplay.gym.PythonRuntime;

/**
 * The Gymnasium bridge against pure Python, in one JMH run: N envs of a Gymnasium id ({@code envId},
 * by default {@code CartPole-v1}; {@code -p envId=ale_py:ALE/Pong-v5} with ale-py installed measures
 * Atari's uint8 frames) stepped with uniformly random actions,
 * <ul>
 *   <li>{@link #bridgeStep}: from Java through the bridge (one Py4J call and the shared memory per
 *       batch step; actions drawn in Java, observations copied into the caller's buffers);</li>
 *   <li>{@link #pythonSyncVectorEnvStep}: by Gymnasium's own {@code SyncVectorEnv} (same-step
 *       autoreset) in a Python process running {@code sync_vector_env_baseline.py}, which steps
 *       {@value #PYTHON_STEPS_PER_CALL} times per invocation between two pipe messages, so the
 *       pipe's cost is spread over as many steps.</li>
 * </ul>
 * Both score microseconds per batch step of N envs (env-steps/s = N / score * 1e6), with the same
 * interpreter ({@link PythonRuntime#python()}) and the same Gymnasium. The target is
 * {@code pythonSyncVectorEnvStep / bridgeStep >= 0.8} at N >= 64.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BridgeBenchmarks {
    static final int PYTHON_STEPS_PER_CALL = 100;

    /** A bridge batch of N CartPoles, its buffers and a random source for the actions. */
    @State(Scope.Thread)
    public static class Bridge {
        @Param({"1", "8", "64", "256"})
        public int numEnvs;

        /** The Gymnasium id; {@code ale_py:ALE/Pong-v5} imports ale-py first (Gymnasium's module:id form). */
        @Param({"CartPole-v1"})
        public String envId;

        GymVecEnv envs;
        ActionBatch actions;
        BatchStep out;
        final SplittableRandom rng = new SplittableRandom(0);

        @Setup(Level.Trial)
        public void setUp() {
            envs = GymEnvs.make(envId, numEnvs);
            actions = new ActionBatch(envs.actionSpace(), numEnvs);
            out = BatchStep.of(envs);
            long[] seeds = new long[numEnvs];
            for (int j = 0; j < numEnvs; j++) {
                seeds[j] = j;
            }
            envs.reset(seeds, out);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            envs.close();
        }
    }

    /** A Python process running Gymnasium's SyncVectorEnv over N CartPoles, driven through pipes. */
    @State(Scope.Thread)
    public static class PurePython {
        @Param({"1", "8", "64", "256"})
        public int numEnvs;

        /** As {@link Bridge#envId}. */
        @Param({"CartPole-v1"})
        public String envId;

        Process process;
        Writer commands;
        BufferedReader replies;
        String command;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Path script = Files.createTempFile("sync_vector_env_baseline", ".py");
            try (InputStream in = BridgeBenchmarks.class.getResourceAsStream("/sync_vector_env_baseline.py")) {
                if (in == null) {
                    throw new IllegalStateException("sync_vector_env_baseline.py is missing from the benchmarks jar");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                process = new ProcessBuilder(PythonRuntime.python().toString(), "-u", script.toString(), envId,
                        Integer.toString(numEnvs)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                command = PYTHON_STEPS_PER_CALL + "\n";
                expect("ready");
            } finally {
                Files.delete(script);
            }
        }

        void expect(String reply) {
            try {
                String line = replies.readLine();
                if (!reply.equals(line)) {
                    throw new IllegalStateException("the Python baseline answered '" + line + "', expected '" + reply + "'");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException, InterruptedException {
            commands.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One batch step of N envs through the bridge, random actions drawn in Java. */
    @Benchmark
    public boolean bridgeStep(Bridge b) {
        int[] a = b.actions.ints();
        for (int j = 0; j < b.numEnvs; j++) {
            a[j] = b.rng.nextInt(2);
        }
        b.envs.step(b.actions, b.out);
        return b.out.terminated()[0];
    }

    /** {@value #PYTHON_STEPS_PER_CALL} batch steps of N envs by SyncVectorEnv in pure Python. */
    @Benchmark
    @OperationsPerInvocation(PYTHON_STEPS_PER_CALL)
    public void pythonSyncVectorEnvStep(PurePython p) throws IOException {
        p.commands.write(p.command);
        p.commands.flush();
        p.expect("ok");
    }
}
