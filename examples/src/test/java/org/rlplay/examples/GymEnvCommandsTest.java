package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.gym.PythonRuntime;

/**
 * Gymnasium envs from the command line: Discrete observations (FrozenLake, CliffWalking, Taxi) go
 * through the built-in networks one-hot encoded with every algorithm, {@code --kwarg} reaches
 * {@code gymnasium.make} and stays with the checkpoint, and {@code rlplay venv} names the Python
 * that runs them.
 */
class GymEnvCommandsTest {
    @TempDir
    Path tmp;

    private Cli train(String algo, String env, long steps, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--algo", algo, "--env", env, "--steps",
                Long.toString(steps), "--seed", "1", "--progress", "off", "--out", tmp.resolve(algo).toString()));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("mean return over the last 100"), r::toString);
        return r;
    }

    @Test
    void everyAlgorithmTrainsOnDiscreteObservations() {
        train("a2c", "gym:Taxi-v3", 4096);
        train("ppo", "gym:FrozenLake-v1", 2048);
        train("ddqn", "gym:FrozenLake-v1", 2000, "--set", "learningStarts=500");
        train("a2c-lstm", "gym:FrozenLake-v1", 512);
    }

    @Test
    void collectRunsOnDiscreteObservationsWithTheirOneHotWidth() {
        Cli lake = Cli.run("collect", "--env", "gym:FrozenLake-v1", "--envs", "4", "--steps", "1000");
        assertEquals(0, lake.code(), lake::toString);
        assertTrue(lake.out().contains("actor DJL MLP 16-64-64-4"), lake::toString);
        Cli cliff = Cli.run("collect", "--env", "gym:CliffWalking-v1", "--envs", "4", "--steps", "1000");
        assertEquals(0, cliff.code(), cliff::toString);
        assertTrue(cliff.out().contains("actor DJL MLP 48-64-64-4"), cliff::toString);
    }

    @Test
    void kwargsReachGymnasiumAndStayWithTheCheckpoint() throws IOException {
        Cli big = Cli.run("collect", "--env", "gym:FrozenLake-v1", "--kwarg", "map_name=8x8", "--kwarg",
                "is_slippery=false", "--envs", "2", "--steps", "500");
        assertEquals(0, big.code(), big::toString);
        assertTrue(big.out().contains("collect gym:FrozenLake-v1 map_name=\"8x8\" is_slippery=false"), big::toString);
        assertTrue(big.out().contains("actor DJL MLP 64-64-64-4"), "the 8x8 map has 64 states:\n" + big);

        Path run = tmp.resolve("a2c");
        train("a2c", "gym:FrozenLake-v1", 1024, "--kwarg", "is_slippery=false");
        Path newest;
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            newest = s.sorted().reduce((a, b) -> b).orElseThrow();
        }
        JsonObject env = JsonParser.parseString(Files.readString(newest.resolve("checkpoint.json"))).getAsJsonObject()
                .getAsJsonObject("run").getAsJsonObject("env");
        assertEquals("gym:FrozenLake-v1", env.get("id").getAsString());
        assertFalse(env.getAsJsonObject("kwargs").get("is_slippery").getAsBoolean());
        Cli eval = Cli.run("eval", "--checkpoint", run.toString(), "--episodes", "4", "--envs", "2");
        assertEquals(0, eval.code(), eval::toString);
        assertTrue(eval.out().contains("eval a2c on gym:FrozenLake-v1 is_slippery=false"), eval::toString);
    }

    @Test
    void badKwargsAreUsageErrors() {
        Cli nativeEnv = Cli.run("collect", "--env", "CartPole-v1", "--kwarg", "is_slippery=false");
        assertEquals(2, nativeEnv.code(), nativeEnv::toString);
        assertTrue(nativeEnv.err().contains("--kwarg is_slippery: keyword arguments are for Gymnasium envs"),
                nativeEnv::toString);
        Cli noValue = Cli.run("collect", "--env", "gym:FrozenLake-v1", "--kwarg", "is_slippery");
        assertEquals(2, noValue.code(), noValue::toString);
        assertTrue(noValue.err().contains("expected key=value"), noValue::toString);
        Cli unknown = Cli.run("collect", "--env", "gym:FrozenLake-v1", "--kwarg", "no_such_arg=1");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("unexpected keyword argument 'no_such_arg'"), unknown::toString);
        assertTrue(unknown.err().contains("fix: check the keyword arguments"), unknown::toString);
    }

    @Test
    void venvNamesThePythonThatRunsGymnasiumEnvs() {
        Cli r = Cli.run("venv");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("python       " + PythonRuntime.python()), r::toString);
        assertTrue(r.out().contains("rlplay venv install PKG..."), r::toString);
    }
}
