package org.rlplay.gym;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Python child process running the bridge module, owned by one {@link GymVecEnv}, which
 * {@link #close() closes} it.
 *
 * <p>The child's standard output and error are merged and read by one pump thread that this object
 * owns: it picks up the readiness line ({@code RLPLAY_GYM_READY <protocol> <port>}), logs every
 * other line through SLF4J and keeps the last lines for error messages. The thread ends when the
 * child's output closes (the child exited) and {@link #close()} joins it.
 *
 * <p>No child outlives its JVM: {@link #close()} closes the child's standard input (the bridge exits
 * at end of file) and kills it if it does not exit in time; a JVM shutdown hook kills every child
 * still running; and the child itself exits when its parent process dies.
 */
final class PythonChild implements AutoCloseable {
    /** Environment variable carrying the Py4J auth token to the child. */
    static final String TOKEN_VARIABLE = "RLPLAY_GYM_TOKEN";
    /** Version of the line protocol between this class and the Python module. */
    static final int PROTOCOL_VERSION = 1;
    private static final String READY_PREFIX = "RLPLAY_GYM_READY ";
    private static final int TAIL_LINES = 40;
    private static final Logger LOG = LoggerFactory.getLogger(PythonChild.class);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PythonChild::killAll, "rlplay-gym-child-reaper"));
    }

    private final Process process;
    private final Thread pump;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private boolean closed;

    private PythonChild(Process process) {
        this.process = process;
        this.pump = new Thread(this::pumpOutput, "rlplay-gym-output-" + process.pid());
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts {@code python module} with {@code pythonPath} in front of {@code PYTHONPATH} and waits until it reports the port its Py4J server listens on.
     *
     * @throws GymBridgeException if the child cannot start, exits, or is not ready within {@code timeout}
     */
    static PythonChild start(Path python, Path module, List<Path> pythonPath, String token, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-u", module.toString());
        pb.environment().put(TOKEN_VARIABLE, token);
        if (!pythonPath.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Path dir : pythonPath) {
                path.append(path.length() == 0 ? "" : File.pathSeparator).append(dir.toAbsolutePath());
            }
            String inherited = pb.environment().get("PYTHONPATH");
            if (inherited != null && !inherited.isEmpty()) {
                path.append(File.pathSeparator).append(inherited);
            }
            pb.environment().put("PYTHONPATH", path.toString());
        }
        pb.redirectErrorStream(true);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new GymBridgeException("cannot start the Python child `" + python + " " + module + "`: "
                    + e.getMessage(), "set " + PythonRuntime.PYTHON_VARIABLE + " to a working Python", null, e);
        }
        LIVE.add(process);
        PythonChild child = new PythonChild(process);
        try {
            child.awaitReady(timeout);
            return child;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    private void awaitReady(Duration timeout) {
        try {
            port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            awaitExit(Duration.ofSeconds(2));
            throw new GymBridgeException("the Python bridge (pid " + pid() + ") exited before it was ready ("
                    + describeExit() + ")", null, "its output:\n" + tail(), e.getCause());
        } catch (TimeoutException e) {
            throw new GymBridgeException("the Python bridge (pid " + pid() + ") did not report ready within "
                    + timeout.toSeconds() + " s", "raise GymEnvSpec.startupTimeout if the machine is that slow",
                    "its output so far:\n" + tail(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GymBridgeException("interrupted while starting the Python bridge", e);
        }
    }

    /** The port of the child's Py4J server (after a successful {@link #start}). */
    int port() {
        return port.join();
    }

    /** The child's process id. */
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

    /** "running", or the exit code and, for a child killed by a signal, the signal number. */
    String describeExit() {
        if (process.isAlive()) {
            return "still running";
        }
        int code = process.exitValue();
        return code > 128 ? "exit code " + code + ", killed by signal " + (code - 128) : "exit code " + code;
    }

    /** The last lines the child printed. */
    String tail() {
        synchronized (tail) {
            return tail.isEmpty() ? "(no output)" : String.join("\n", tail);
        }
    }

    private void pumpOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!port.isDone() && line.startsWith(READY_PREFIX)) {
                    readReadyLine(line);
                    continue;
                }
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                LOG.info("[python {}] {}", process.pid(), line);
            }
        } catch (IOException e) {
            LOG.debug("output of Python child {} ended: {}", process.pid(), e.toString());
        } finally {
            port.completeExceptionally(new IllegalStateException("the child's output ended"));
        }
    }

    private void readReadyLine(String line) {
        String[] parts = line.substring(READY_PREFIX.length()).trim().split(" ");
        try {
            int protocol = Integer.parseInt(parts[0]);
            if (protocol != PROTOCOL_VERSION) {
                port.completeExceptionally(new IllegalStateException("the Python module speaks protocol "
                        + protocol + " but this jar speaks " + PROTOCOL_VERSION));
                return;
            }
            port.complete(Integer.parseInt(parts[1]));
        } catch (RuntimeException e) {
            port.completeExceptionally(new IllegalStateException("malformed readiness line '" + line + "'", e));
        }
    }

    /**
     * Ends the child: closes its standard input, waits up to 3 s for it to exit, then terminates and
     * finally kills it; joins the output thread. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing the stdin of Python child {}: {}", process.pid(), e.toString());
        }
        if (!awaitExit(Duration.ofSeconds(3))) {
            process.destroy();
            if (!awaitExit(Duration.ofSeconds(2))) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(5));
            }
        }
        LIVE.remove(process);
        try {
            pump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killAll() {
        for (Process p : LIVE) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
