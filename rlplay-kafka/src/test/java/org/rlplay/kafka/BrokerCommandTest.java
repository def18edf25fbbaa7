package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlplay broker} in a JVM of its own, as a user runs it: ready line, SIGINT, parent death. */
class BrokerCommandTest {
    private static final Pattern READY = Pattern.compile("rlplay broker: ready at (\\S+) \\(pid (\\d+), .*");

    private Process command;
    private Thread reader;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();

    @AfterEach
    void endCommand() throws InterruptedException {
        if (command != null) {
            command.destroyForcibly();
            command.waitFor(30, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }

    @Test
    void sigintStopsTheBrokerCleanly(@TempDir Path tmp) throws Exception {
        Matcher ready = startCommand(tmp.resolve("broker"));
        long brokerPid = Long.parseLong(ready.group(2));
        try (TopicAdmin admin = TopicAdmin.connect(KafkaSettings.of(ready.group(1)))) {
            assertTrue(admin.ensure(TopicSpec.fragments("fragments", 2)), "the broker serves clients");
        }
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(command.pid())).start().waitFor());
        assertTrue(command.waitFor(60, TimeUnit.SECONDS), "the command ended after SIGINT");
        assertEquals(130, command.exitValue(), "the JVM's exit code for SIGINT");
        reader.join(5000);
        List<String> lines = new ArrayList<>(output);
        assertTrue(lines.contains("rlplay broker: stopped"), "stopped by its hook: " + lines);
        assertTrue(gone(brokerPid, 5000), "the broker child is gone");
    }

    @Test
    void theBrokerEndsWhenTheCommandIsKilled(@TempDir Path tmp) throws Exception {
        Matcher ready = startCommand(tmp.resolve("broker"));
        long brokerPid = Long.parseLong(ready.group(2));
        command.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(command.waitFor(30, TimeUnit.SECONDS));
        assertTrue(gone(brokerPid, 30_000), "the orphaned broker saw its input close and exited");
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertEquals(2, BrokerCommand.run("--port", "ninety"));
        assertEquals(2, BrokerCommand.run("--colour", "red"));
        assertEquals(2, BrokerCommand.run("--dir"));
        assertEquals(0, BrokerCommand.run("--help"));
    }

    /** Waits up to {@code millis} for process {@code pid} to be gone. */
    static boolean gone(long pid, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Starts {@code rlplay broker --dir dir} on free ports and waits for its ready line. */
    private Matcher startCommand(Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), BrokerCommand.class.getName(),
                "--dir", dir.toString(), "--port", "0", "--controller-port", "0");
        pb.redirectErrorStream(true);
        command = pb.start();
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(command.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "broker-command-output");
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = output.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!command.isAlive()) {
                    break;
                }
                continue;
            }
            seen.add(line);
            Matcher m = READY.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
        fail("no ready line from `rlplay broker`; its output: " + seen);
        return null;
    }
}
