package org.rlplay.examples;

import org.rlplay.examples.cli.Main;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.EnvRegistry;
import org.rlplay.testing.FaultyEnv;

/**
 * What a user sees when something goes wrong: one to three lines on the error stream (what failed,
 * the cause, what to do), exit code 1 for a failure while running and 2 for a usage error, and a
 * stack trace (with Python's traceback) only with {@code --verbose}. An env that breaks is a
 * failure, not a usage error.
 */
class FailureReportTest {
    static final String FAULTY = "RlplayFaultyTest-v0";

    @TempDir
    Path tmp;

    @BeforeAll
    static void registerABrokenEnv() {
        if (!EnvRegistry.contains(FAULTY)) {
            EnvRegistry.register(FAULTY, () -> new FaultyEnv(FaultyEnv.Fault.THROW, 40));
        }
    }

    private static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
    }

    private static void assertShortReport(Cli r, int code) {
        assertEquals(code, r.code(), r::toString);
        List<String> err = lines(r.err());
        assertTrue(err.size() >= 1 && err.size() <= 3, () -> "1 to 3 lines expected:\n" + r);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Traceback"), () -> "no stack trace expected:\n" + r);
    }

    @Test
    void anUnknownGymnasiumIdIsOneLineWithGymnasiumsMessageAndAFix() {
        Cli r = Cli.run("collect", "--env", "gym:NoSuchEnv-v0");
        assertShortReport(r, 1);
        List<String> err = lines(r.err());
        assertEquals("rlplay collect: gymnasium.make('NoSuchEnv-v0') failed in Python: gymnasium.error.NameNotFound:"
                + " Environment `NoSuchEnv` doesn't exist.", err.get(0));
        assertTrue(err.get(1).startsWith("  fix: check the id;"), r::toString);

        Cli verbose = Cli.run("collect", "--env", "gym:NoSuchEnv-v0", "--verbose");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("Traceback (most recent call last)"), verbose::toString);
        assertTrue(verbose.err().contains("\tat org.rlplay.gym."), verbose::toString);
        Cli global = Cli.run("--verbose", "collect", "--env", "gym:NoSuchEnv-v0");
        assertTrue(global.err().contains("Traceback (most recent call last)"), global::toString);
    }

    @Test
    void aPythonThatIsNotThereIsOneLineWithTheFix() throws Exception {
        // RLPLAY_PYTHON is read once per JVM, so this runs the command line in a JVM of its own
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "collect", "--env",
                "gym:CartPole-v1"));
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("RLPLAY_PYTHON", "/nonexistent");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command line finished");
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), () -> String.join("\n", lines));
        assertEquals(List.of("rlplay collect: RLPLAY_PYTHON=/nonexistent is not an executable file",
                "  fix: point RLPLAY_PYTHON to a Python 3.10+ interpreter, or unset it to let rlplay create its own venv"
                        + " in " + org.rlplay.gym.PythonRuntime.cacheDirectory()), lines);
    }

    @Test
    void aCorruptedDatasetIsNamedInTwoLines() throws IOException {
        Path data = tmp.resolve("data");
        assertEquals(0, Cli.run("record", "--policy", "heuristic", "--steps", "600", "--envs", "2", "--length", "64",
                "--no-fsync", "--out", data.toString()).code());
        Path file = org.rlplay.record.Dataset.open(data).files().get(0).path();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        Cli r = Cli.run("train", "--data", data.toString(), "--algo", "bc", "--out", tmp.resolve("bc").toString(),
                "--progress", "off");
        assertShortReport(r, 1);
        List<String> err = lines(r.err());
        assertTrue(err.get(0).startsWith("rlplay train: " + file + ": row group ") && err.get(0).contains("corrupted"),
                r::toString);
        assertEquals("  fix: check the dataset named above, or record a new one (rlplay record --out DIR)", err.get(1));
        assertFalse(Files.exists(tmp.resolve("bc")), "no empty run directory is left behind");
    }

    @Test
    void anEnvThatBreaksIsAFailureNotAUsageErrorAndLeavesNoEmptyRunDirectory() {
        Path out = tmp.resolve("run");
        Cli r = Cli.run("train", "--algo", "a2c", "--env", FAULTY, "--out", out.toString(), "--progress", "off");
        assertShortReport(r, 1);
        assertTrue(r.err().startsWith("rlplay train: env "), r::toString);
        assertTrue(r.err().contains("boom"), r::toString);
        assertFalse(r.err().contains("--help"), r::toString);
        assertFalse(Files.exists(out), "the run failed before writing anything: no empty --out directory");

        Cli multi = Cli.run("train", "--algo", "a2c", "--env", FAULTY, "--mode", "multi", "--out", out.toString(),
                "--progress", "off");
        assertShortReport(multi, 1);
        assertTrue(multi.err().startsWith("rlplay train: collector "), multi::toString);
        assertTrue(multi.err().contains("boom"), multi::toString);
    }

    @Test
    void aBadValueIsOneLineNotTheWholeUsage() {
        Cli r = Cli.run("train", "--algo", "a2c", "--steps", "abc");
        assertEquals(2, r.code(), r::toString);
        assertEquals(List.of("rlplay train: Invalid value for option '--steps': 'abc' is not a long (see 'rlplay train"
                + " --help')"), lines(r.err()));
        Cli typo = Cli.run("train", "--algo", "a2c", "--stpes", "100");
        assertEquals(2, typo.code(), typo::toString);
        assertTrue(lines(typo.err()).size() <= 3, typo::toString);
    }
}
