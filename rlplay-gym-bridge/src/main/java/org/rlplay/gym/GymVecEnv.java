package org.rlplay.gym;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.EnvException;
import org.rlplay.env.VecEnv;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import py4j.ClientServer;
import py4j.Py4JException;

/**
 * N Gymnasium envs hosted by one Python child process, as a {@link VecEnv} with same-step
 * autoreset. Create with {@link GymEnvs#make}.
 *
 * <p>Each {@link #reset} and {@link #step} is one Py4J call to the child (loopback, auth token,
 * TCP_NODELAY); actions, skip mask and seeds go to the child and observations, rewards, flags,
 * final observations and info come back through one shared memory file (see {@link SharedBuffers}).
 * The child steps its envs itself, one after another: an env whose episode ends is reset in the
 * same step, {@code finalObs} receives its last observation and {@code obs} the reset one.
 * Observations are float32 (Dict and Tuple observations flattened as the Python module's
 * docstring describes).
 *
 * <p>Like every VecEnv, an instance is used by one thread at a time, which may differ from the
 * thread that created it. It owns the child process, the Py4J client and the shared memory;
 * {@link #close()} ends all three, is idempotent, and may also be called from another thread to
 * stop a step that is stuck in Python (that step then fails within a few seconds). Once the child
 * has failed as a whole (died, timed out), every later call throws {@link GymBridgeException}.
 * Stepping allocates nothing on the Java side beyond Py4J's per-call message.
 */
public final class GymVecEnv implements VecEnv {
    /** A {@code `pip install X`} in a Gymnasium error message. */
    private static final Pattern PIP_INSTALL = Pattern.compile("`pip install ([^`]+)`");
    private final GymEnvSpec spec;
    private final PythonChild child;
    private final ClientServer clientServer;
    private final GymWorker worker;
    private final Space observationSpace;
    private final Space actionSpace;
    private final SharedBuffers buffers;
    private final int numEnvs;
    private final int obsSize;
    private volatile String brokenBy;
    private volatile boolean closed;

    private GymVecEnv(GymEnvSpec spec, PythonChild child, ClientServer clientServer, GymWorker worker,
            Space observationSpace, Space actionSpace, SharedBuffers buffers) {
        this.spec = spec;
        this.child = child;
        this.clientServer = clientServer;
        this.worker = worker;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.buffers = buffers;
        this.numEnvs = spec.numEnvs();
        this.obsSize = observationSpace.size();
    }

    /** Starts a child for {@code spec}, creates its envs and maps the shared memory. */
    static GymVecEnv start(GymEnvSpec spec) {
        PythonChild child = null;
        ClientServer clientServer = null;
        SharedBuffers buffers = null;
        String phase = "starting the Python child";
        try {
            String token = newToken();
            child = PythonChild.start(PythonRuntime.python(), PythonRuntime.bridgeModule(), spec.pythonPath(),
                    token, spec.startupTimeout());
            phase = "connecting to the Python child";
            InetAddress loopback = InetAddress.getLoopbackAddress();
            clientServer = new ClientServer.ClientServerBuilder()
                    .javaPort(0).javaAddress(loopback)
                    .pythonPort(child.port()).pythonAddress(loopback)
                    .readTimeout((int) spec.callTimeout().toMillis())
                    .socketFactory(new NoDelaySocketFactory())
                    .autoStartJavaServer(false)
                    .enableMemoryManagement(false)
                    .authToken(token)
                    .build();
            GymWorker worker = (GymWorker) clientServer.getPythonServerEntryPoint(new Class<?>[] {GymWorker.class});
            phase = "gymnasium.make('" + spec.envId() + "')";
            String kwargs = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create()
                    .toJson(spec.kwargs());
            String spaces = worker.make(spec.envId(), spec.numEnvs(), kwargs, String.join(",", spec.infoKeys()));
            Space obsSpace = space(spaces, "observation");
            Space actSpace = space(spaces, "action");
            phase = "mapping the shared memory";
            buffers = SharedBuffers.create(spec.numEnvs(), obsSpace.size(), obsSpace.storageType(), actSpace.size(),
                    actSpace.isDiscrete(), spec.infoKeys().size());
            worker.attach(buffers.path().toString(), buffers.layout());
            buffers.unlink();
            return new GymVecEnv(spec, child, clientServer, worker, obsSpace, actSpace, buffers);
        } catch (RuntimeException e) {
            if (buffers != null) {
                buffers.unlink();
            }
            if (clientServer != null) {
                clientServer.shutdown();
            }
            GymBridgeException failure = e instanceof Py4JException pe && child != null
                    ? bridgeFailure(child, spec, phase, pe) : null;
            if (child != null) {
                child.close();
            }
            if (failure != null) {
                throw failure;
            }
            throw e;
        }
    }

    /** The space {@code which} of the JSON {@code make} returned (see {@link SpaceJson}). */
    private static Space space(String json, String which) {
        try {
            return SpaceJson.fromJson(JsonParser.parseString(json).getAsJsonObject().get(which));
        } catch (RuntimeException e) {
            throw new GymBridgeException("cannot read the " + which + " space in '" + json + "' sent by Python: "
                    + e.getMessage(), e);
        }
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The spec this batch was created from. */
    public GymEnvSpec spec() {
        return spec;
    }

    @Override
    public int numEnvs() {
        return numEnvs;
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public List<String> infoKeys() {
        return spec.infoKeys();
    }

    @Override
    public void reset(long[] seeds, BatchStep out) {
        ensureUsable();
        checkShape(out);
        if (seeds != null) {
            if (seeds.length != numEnvs) {
                throw new IllegalArgumentException("seeds: expected " + numEnvs + " seeds, got " + seeds.length);
            }
            buffers.writeSeeds(seeds);
        }
        int failed;
        try {
            failed = worker.reset(seeds != null);
        } catch (Py4JException e) {
            throw broken("reset", e);
        }
        if (failed >= 0) {
            throw new EnvException(failed, lastError());
        }
        buffers.readObs(out);
    }

    @Override
    public void step(ActionBatch actions, boolean[] skip, BatchStep out) {
        ensureUsable();
        if (actions.numEnvs() != numEnvs || actions.width() != actionSpace.size()
                || actions.space().isDiscrete() != actionSpace.isDiscrete()) {
            throw new IllegalArgumentException("act: expected actions of " + numEnvs + " envs in " + actionSpace
                    + ", got " + actions.numEnvs() + " envs in " + actions.space());
        }
        if (skip != null && skip.length != numEnvs) {
            throw new IllegalArgumentException("skip: expected " + numEnvs + " flags, got " + skip.length);
        }
        checkShape(out);
        actions.validate();
        buffers.writeActions(actions);
        if (skip != null) {
            buffers.writeSkip(skip);
        }
        int failed;
        try {
            failed = worker.step(skip != null);
        } catch (Py4JException e) {
            throw broken("step", e);
        }
        if (failed >= 0) {
            throw new EnvException(failed, lastError());
        }
        buffers.readStep(skip, out);
    }

    /**
     * Sets the physical state of env {@code j}: {@code env.unwrapped.state = numpy.array(state)}
     * (where classic-control envs keep it). Leaves the last observation in {@link BatchStep} as it
     * was; the next step starts from the new state.
     */
    public void setState(int j, double... state) {
        ensureUsable();
        checkIndex(j);
        StringBuilder csv = new StringBuilder();
        for (double v : state) {
            csv.append(csv.length() == 0 ? "" : ",").append(v);
        }
        try {
            worker.setState(j, csv.toString());
        } catch (Py4JException e) {
            throw callFailure("setState", e);
        }
    }

    /** The physical state of env {@code j}: {@code env.unwrapped.state} as doubles. */
    public double[] state(int j) {
        ensureUsable();
        checkIndex(j);
        String csv;
        try {
            csv = worker.getState(j);
        } catch (Py4JException e) {
            throw callFailure("state", e);
        }
        String[] parts = csv.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    /** Process id of the Python child (for diagnostics and tests). */
    long pythonPid() {
        return child.pid();
    }

    private void checkIndex(int j) {
        if (j < 0 || j >= numEnvs) {
            throw new IndexOutOfBoundsException("env index " + j + " outside [0, " + numEnvs + ")");
        }
    }

    private void checkShape(BatchStep out) {
        if (out.numEnvs() != numEnvs || out.obsSize() != obsSize || out.infoSize() != spec.infoKeys().size()) {
            throw new IllegalArgumentException("out: BatchStep is shaped for " + out.numEnvs() + " envs, obs size "
                    + out.obsSize() + ", info size " + out.infoSize() + " but this VecEnv has " + numEnvs + ", "
                    + obsSize + ", " + spec.infoKeys().size() + " (use BatchStep.of(env))");
        }
    }

    private void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("this GymVecEnv (" + spec.envId() + ") is closed");
        }
        if (brokenBy != null) {
            throw new GymBridgeException("the Python bridge for " + spec.envId() + " failed earlier and cannot be "
                    + "used any more: " + brokenBy);
        }
    }

    private String lastError() {
        try {
            return worker.lastError();
        } catch (Py4JException e) {
            throw broken("lastError", e);
        }
    }

    /** A call failed for a reason that is not one env's exception: the bridge is unusable from now on. */
    private GymBridgeException broken(String call, Py4JException e) {
        GymBridgeException failure = closed
                ? new GymBridgeException("this GymVecEnv (" + spec.envId() + ") was closed during " + call, e)
                : bridgeFailure(child, spec, call, e);
        brokenBy = failure.problem();
        return failure;
    }

    /** A control call raised in Python (bad argument) or the bridge failed. */
    private RuntimeException callFailure(String call, Py4JException e) {
        if (!child.isAlive() || pythonTraceback(e) == null) {
            return broken(call, e);
        }
        return new GymBridgeException(call + " raised in Python: " + summary(pythonTraceback(e)), null,
                "Python traceback:\n" + pythonTraceback(e), e);
    }

    private static GymBridgeException bridgeFailure(PythonChild child, GymEnvSpec spec, String call,
            Py4JException e) {
        String traceback = pythonTraceback(e);
        if (traceback != null && child.isAlive()) {
            String summary = summary(traceback);
            return new GymBridgeException(call + " failed in Python: " + summary, call.startsWith("gymnasium.make")
                    ? makeFix(summary) : null, "Python traceback:\n" + traceback, e);
        }
        if (hasCause(e, SocketTimeoutException.class)) {
            return new GymBridgeException(call + " on the Python child (pid " + child.pid() + ") hosting "
                    + spec.envId() + " did not answer within the call timeout of " + spec.callTimeout().toSeconds()
                    + " s", "if the env is that slow, raise GymEnvSpec.callTimeout", null, e);
        }
        // The connection broke: find out whether the child died (it closes its socket as it dies).
        boolean exited = child.awaitExit(Duration.ofSeconds(2));
        if (exited) {
            return new GymBridgeException("the Python child (pid " + child.pid() + ") hosting " + spec.envId()
                    + " died during " + call + " (" + child.describeExit() + ")", null,
                    "its last output:\n" + child.tail(), e);
        }
        return new GymBridgeException(call + " on the Python child (pid " + child.pid() + ") hosting " + spec.envId()
                + " failed: " + firstLine(e.getMessage()) + (e.getCause() != null ? " (" + e.getCause() + ")" : ""),
                null, "its last output:\n" + child.tail(), e);
    }

    /**
     * What to do when {@code gymnasium.make} raised {@code summary} (the exception's last traceback
     * line), for the failures a user meets: an unknown id, a missing optional dependency (named
     * with the interpreter to install it into), a keyword argument the env does not take.
     */
    static String makeFix(String summary) {
        Path python = PythonRuntime.python();
        if (summary.startsWith("gymnasium.error.DependencyNotInstalled")) {
            List<String> packages = new ArrayList<>();
            Matcher m = PIP_INSTALL.matcher(summary);
            while (m.find()) {
                packages.add(m.group(1).strip());
            }
            String what = packages.isEmpty() ? "the missing package" : String.join(" ", packages);
            return "install " + what + " into the Python the bridge runs: `" + python + " -m pip install " + what + "`";
        }
        if (summary.startsWith("gymnasium.error.NameNotFound") || summary.startsWith("gymnasium.error.VersionNotFound")
                || summary.startsWith("gymnasium.error.NamespaceNotFound")
                || summary.startsWith("gymnasium.error.DeprecatedEnv")) {
            return "check the id; `" + python + " -c 'import gymnasium; gymnasium.pprint_registry()'` lists the"
                    + " registered ones (a module of your own: \"module:EnvName-v0\")";
        }
        if (summary.startsWith("TypeError") && summary.contains("keyword argument")) {
            return "check the keyword arguments against the env's constructor";
        }
        return null;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The Python traceback carried by a Py4J exception raised by the Python side, or null. */
    private static String pythonTraceback(Py4JException e) {
        String marker = "Return Message: ";
        String msg = e.getMessage();
        if (msg == null) {
            return null;
        }
        int at = msg.indexOf(marker);
        return at < 0 ? null : msg.substring(at + marker.length()).strip();
    }

    /** The last line of a traceback: the exception type and its message. */
    private static String summary(String traceback) {
        String[] lines = traceback.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /**
     * Ends the child (closing its standard input, then killing it if needed), the Py4J client and
     * the shared memory. Idempotent; works after the child died and while another thread is blocked
     * in a call (which then fails).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            clientServer.shutdown();
        } finally {
            child.close();
            buffers.unlink();
        }
    }
}
