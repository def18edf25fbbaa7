package org.rlplay.kafka;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker child JVM ({@link BrokerMain}), owned by one {@link KafkaBroker}, which stops or kills
 * it.
 *
 * <p>The child's standard output and error are appended to the broker's log file; no thread of this
 * JVM reads them, and {@link #log()} reads back what this child wrote. The child's
 * standard input is a pipe that nobody writes to: closing it is the graceful stop signal, and the
 * child also sees end of file when this JVM dies, however it dies, so no broker outlives its parent.
 * A JVM shutdown hook stops every child still running (gracefully, then by force).
 */
final class BrokerProcess {
    /** How long a child may take to die once it has been sent SIGKILL. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How long the shutdown hook lets children stop gracefully, all together. */
    private static final Duration HOOK_GRACE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);
    private static final Set<BrokerProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(BrokerProcess::stopAll, "rlplay-kafka-broker-reaper"));
    }

    private final Process process;
    private final BrokerLog log;

    private BrokerProcess(Process process, BrokerLog log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} with {@code classpath} as its {@code CLASSPATH}, its output appended to
     * {@code logFile}.
     *
     * @throws IOException if the process cannot be started
     */
    static BrokerProcess launch(List<String> command, String classpath, Path logFile) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CLASSPATH", classpath);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        BrokerLog log = new BrokerLog(logFile);
        BrokerProcess child = new BrokerProcess(pb.start(), log);
        LIVE.add(child);
        child.process.onExit().thenRun(() -> LIVE.remove(child));
        return child;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the child to exit; true if it has. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Waits for the child to exit and returns its exit code. */
    int awaitExit() throws InterruptedException {
        return process.waitFor();
    }

    /** "still running", or the exit code and, for a child killed by a signal, the signal. */
    String describeExit() {
        if (process.isAlive()) {
            return "still running";
        }
        int code = process.exitValue();
        return code > 128 ? "exit code " + code + ", killed by signal " + (code - 128) : "exit code " + code;
    }

    /**
     * Stops the child gracefully (closes its standard input, on which it shuts the broker down as
     * {@code kafka-server-stop} would), waits up to {@code grace}, then kills it. Bounded by
     * {@code grace} plus 10 s; never throws.
     */
    void stop(Duration grace) {
        requestStop();
        if (!awaitExit(grace)) {
            LOG.warn("kafka broker (pid {}) did not stop within {} s; killing it", pid(), grace.toSeconds());
            kill();
        }
    }

    /** Kills the child (SIGKILL) and waits up to 10 s for it to be gone; never throws. */
    void kill() {
        process.destroyForcibly();
        if (!awaitExit(KILL_WAIT)) {
            LOG.error("kafka broker (pid {}) is still running 10 s after SIGKILL", pid());
        }
    }

    private void requestStop() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing the standard input of kafka broker {}: {}", pid(), e.toString());
        }
    }

    /** What this child wrote to the broker's log. */
    BrokerLog log() {
        return log;
    }

    private static void stopAll() {
        List<BrokerProcess> children = List.copyOf(LIVE);
        children.forEach(BrokerProcess::requestStop);
        long deadline = System.nanoTime() + HOOK_GRACE.toNanos();
        for (BrokerProcess child : children) {
            if (!child.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                child.process.destroyForcibly();
            }
        }
    }
}
