package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.examples.train.Checkpoint;

/**
 * A training run stopped after a checkpoint and resumed from it continues as if it had never
 * stopped: N env-steps in one go and N/2 + {@code --resume} + N/2 at the same seed give the same
 * metrics rows (all but the wall-clock columns), the same final weights and the same final training
 * state (optimizer, generators, rollout with its envs, lookahead and hx). The stopped run is
 * simulated as a killed process leaves it: the straight run's directory with the checkpoints after
 * the middle one removed and the metrics rows written after it still in metrics.csv.
 */
class ExactResumeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"a2c, CartPole-v1, 4096, 8, ''", "ppo, CartPole-v1, 4096, 2, ''", "a2c-lstm, CartPoleNoVelocity-v1, 2048, 8, ''",
        "ddqn, CartPole-v1, 4000, 100, learningStarts=1000"})
    void aResumedRunEqualsOneThatNeverStopped(String algo, String env, long steps, int every, String set) throws IOException {
        Path straight = tmp.resolve("straight");
        List<String> args = new ArrayList<>(List.of("train", "--algo", algo, "--env", env, "--steps", Long.toString(steps),
                "--seed", "3", "--checkpoint-every", Integer.toString(every), "--progress", "off", "--out", straight.toString()));
        if (!set.isEmpty()) {
            args.addAll(List.of("--set", set));
        }
        Cli a = Cli.run(args.toArray(new String[0]));
        assertEquals(0, a.code(), a::toString);
        List<Path> checkpoints = checkpoints(straight);
        assertTrue(checkpoints.size() >= 3, checkpoints::toString);
        Path middle = checkpoints.get(checkpoints.size() / 2 - 1);

        Path killed = tmp.resolve("killed");
        copy(straight, killed);
        for (Path c : checkpoints(killed)) {
            if (c.getFileName().toString().compareTo(middle.getFileName().toString()) > 0) {
                deleteTree(c);
            }
        }
        Cli b = Cli.run("train", "--resume", killed.toString(), "--progress", "off");
        assertEquals(0, b.code(), b::toString);
        assertTrue(b.out().contains("resuming " + algo + " from " + killed.resolve(Checkpoint.DIR)
                .resolve(middle.getFileName())), b::toString);

        assertEquals(rows(straight), rows(killed), "metrics rows without the wall-clock columns");
        assertEquals(summary(a), summary(b), "the same final episodes and mean return");
        Path last = checkpoints.get(checkpoints.size() - 1);
        Path lastKilled = killed.resolve(Checkpoint.DIR).resolve(last.getFileName());
        List<String> files;
        try (Stream<Path> s = Files.list(last)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(Checkpoint.JSON)).sorted().toList();
        }
        assertTrue(files.contains("rollout.state") && files.contains("optimizer.state") && files.contains("actor.state"),
                files::toString);
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(last.resolve(f)), Files.readAllBytes(lastKilled.resolve(f)), f);
        }
    }

    /** The line with the episodes and the mean return over the last 100. */
    private static String summary(Cli r) {
        return r.out().lines().filter(l -> l.startsWith("episodes ")).findFirst().orElse("none:\n" + r);
    }

    private static List<Path> checkpoints(Path run) throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(Checkpoint.DIR))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().toList();
        }
    }

    /** metrics.csv without wall_seconds and env_steps_per_second. */
    private static List<String> rows(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int wall = header.indexOf("wall_seconds");
        int rate = header.indexOf("env_steps_per_second");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < cells.length; i++) {
                if (i != wall && i != rate) {
                    kept.add(cells[i]);
                }
            }
            out.add(String.join(",", kept));
        }
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
