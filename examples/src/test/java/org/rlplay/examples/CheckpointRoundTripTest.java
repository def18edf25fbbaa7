package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints: written every K updates and at the end, resumed from the newest, evaluated; a
 * corrupted checkpoint or one from another model shape is a clear error.
 */
class CheckpointRoundTripTest {
    @TempDir
    Path tmp;

    private Path train(String... extra) {
        Path out = tmp.resolve("run");
        String[] base = {"train", "--algo", "a2c", "--env", "CartPole-v1", "--steps", "2048", "--seed", "5",
            "--out", out.toString(), "--checkpoint-every", "3", "--progress", "off", "--set", "numEnvs=4",
            "--set", "length=16"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r::toString);
        return out;
    }

    private static List<Path> checkpoints(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.sorted().toList();
        }
    }

    private static JsonObject json(Path checkpoint) throws IOException {
        return JsonParser.parseString(Files.readString(checkpoint.resolve("checkpoint.json"))).getAsJsonObject()
                .getAsJsonObject("run");
    }

    @Test
    void shouldCheckpointEveryKUpdatesAndAtTheEnd() throws IOException {
        Path run = train();
        List<Path> all = checkpoints(run);
        // 2048 env-steps of 4 envs x 16 steps: 32 updates; every 3 updates, plus the final one
        assertEquals(11, all.size(), all::toString);
        assertEquals("000000000003", all.get(0).getFileName().toString());
        JsonObject last = json(all.get(all.size() - 1));
        assertEquals(32, last.get("updates").getAsLong());
        assertEquals(32, last.get("optimizerSteps").getAsLong());
        assertEquals(2048, last.get("envSteps").getAsLong());
        assertEquals("a2c", last.get("algo").getAsString());
        assertTrue(Files.size(run.resolve("learning_curve.png")) > 1000);
        assertTrue(Files.readAllLines(run.resolve("metrics.csv")).size() > 10);
    }

    @Test
    void shouldResumeFromTheNewestCheckpointAndContinueTheCounters() throws IOException {
        Path run = train();
        long rowsBefore = Files.readAllLines(run.resolve("metrics.csv")).size();
        Cli r = Cli.run("train", "--resume", run.toString(), "--steps", "4096", "--progress", "off",
                "--checkpoint-every", "100");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("resuming a2c from " + run.resolve("checkpoints").resolve("000000000032")), r::toString);
        JsonObject last = json(checkpoints(run).get(checkpoints(run).size() - 1));
        assertEquals(64, last.get("updates").getAsLong());
        assertEquals(64, last.get("optimizerSteps").getAsLong());
        assertEquals(4096, last.get("envSteps").getAsLong());
        assertEquals(5, last.get("seed").getAsLong());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(rows.size() > rowsBefore, "the resumed run appends to metrics.csv");
        assertTrue(rows.get(rows.size() - 1).startsWith("4096,64,64,"), rows.get(rows.size() - 1));
    }

    @Test
    void shouldEvaluateACheckpointGreedily() {
        Path run = train();
        Cli r = Cli.run("eval", "--checkpoint", run.toString(), "--episodes", "6", "--envs", "3");
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("6 greedy episodes, seed 12345: mean return ([\\d.]+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        double mean = Double.parseDouble(m.group(1));
        assertTrue(mean >= 8 && mean <= 500, r::toString);
        // the same checkpoint and seed give the same greedy episodes
        Cli again = Cli.run("eval", "--checkpoint", run.toString(), "--episodes", "6", "--envs", "3");
        assertTrue(again.out().contains(m.group()), again::toString);
    }

    @Test
    void shouldRejectACorruptedParameterFile() throws IOException {
        Path run = train();
        Path newest = checkpoints(run).get(checkpoints(run).size() - 1);
        Path params = newest.resolve("policy.params");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 3] ^= 0x5a;
        Files.write(params, bytes);
        Cli r = Cli.run("eval", "--checkpoint", run.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("is corrupted: policy.params has SHA-256"), r::toString);
        Cli resumed = Cli.run("train", "--resume", run.toString(), "--steps", "4096", "--progress", "off");
        assertEquals(1, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("is corrupted"), resumed::toString);
    }

    @Test
    void shouldRejectATruncatedParameterFileAndBrokenMetadata() throws IOException {
        Path run = train();
        Path newest = checkpoints(run).get(checkpoints(run).size() - 1);
        Path json = newest.resolve("checkpoint.json");
        String text = Files.readString(json);
        Files.writeString(json, text.substring(0, text.length() / 2));
        Cli r = Cli.run("eval", "--checkpoint", newest.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("is corrupted: checkpoint.json"), r::toString);
        Files.writeString(json, text);
        Files.delete(newest.resolve("value.params"));
        Cli missing = Cli.run("eval", "--checkpoint", newest.toString());
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("missing value.params"), missing::toString);
    }

    @Test
    void shouldRejectACheckpointOfAnotherModelShape() {
        Path run = train();
        Cli r = Cli.run("train", "--resume", run.toString(), "--steps", "4096", "--progress", "off",
                "--set", "hidden=32,32");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("was saved from a different model: parameter policy/02Linear_weight has shape"
                + " (64, 4) in the checkpoint but (32, 4) in the model"), r::toString);
    }

    @Test
    void shouldRefuseToResumeAFinishedBudgetOrAnotherAlgorithm() {
        Path run = train();
        Cli done = Cli.run("train", "--resume", run.toString(), "--progress", "off");
        assertEquals(2, done.code(), done::toString);
        assertTrue(done.err().contains("raise --steps"), done::toString);
        Cli other = Cli.run("train", "--resume", run.toString(), "--algo", "ppo", "--steps", "9000");
        assertEquals(2, other.code(), other::toString);
        assertTrue(other.err().contains("--algo ppo conflicts"), other::toString);
    }
}
