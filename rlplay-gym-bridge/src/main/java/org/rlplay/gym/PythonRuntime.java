package org.rlplay.gym;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Python interpreter that runs the bridge's child processes, and the bridge's Python module.
 *
 * <p>Resolution, done once per JVM by the first caller (thread-safe):
 * <ol>
 *   <li>If the environment variable {@value #PYTHON_VARIABLE} is set, that executable is used as is;
 *       it must be able to import the packages in {@link #requirements()}.</li>
 *   <li>Otherwise a virtual environment {@code venv-<hash>} is created in {@link #cacheDirectory()}
 *       with the first {@code python3} (or {@code python}) on the {@code PATH}, and the pinned
 *       {@link #requirements()} are installed into it with pip, saying so on the console. The hash
 *       covers the requirements and the base interpreter, so a change of either makes a new venv.
 *       A file lock serialises concurrent JVMs creating the same venv; a venv is used only once a
 *       marker file records that its set-up completed.</li>
 * </ol>
 * Failures raise one {@link GymBridgeException} saying what is wrong and how to fix it.
 */
public final class PythonRuntime {
    /** Environment variable naming a Python executable to use instead of the managed venv. */
    public static final String PYTHON_VARIABLE = "RLPLAY_PYTHON";
    /** Environment variable overriding the cache directory. */
    public static final String CACHE_VARIABLE = "RLPLAY_CACHE";

    private static final String RESOURCE_DIR = "/org/rlplay/gym/python/";
    private static final String MODULE_FILE = "rlplay_gym_bridge.py";
    private static final String REQUIREMENTS_FILE = "requirements.txt";
    private static final String COMPLETE_MARKER = ".rlplay-setup-complete";
    private static final int MIN_MAJOR = 3;
    private static final int MIN_MINOR = 10;
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration VENV_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration PIP_TIMEOUT = Duration.ofMinutes(20);
    private static final String IMPORT_CHECK =
            "import gymnasium, numpy, py4j.clientserver; print(gymnasium.__version__)";

    private static Path python;
    private static Path module;

    private PythonRuntime() {
    }

    /**
     * The Python executable for the bridge, set up on first use as described in the class comment.
     *
     * @throws GymBridgeException if no usable Python can be found or set up
     */
    public static synchronized Path python() {
        if (python == null) {
            String configured = System.getenv(PYTHON_VARIABLE);
            python = configured != null && !configured.isBlank() ? checkConfigured(Path.of(configured.trim()))
                    : managedVenv();
        }
        return python;
    }

    /** The pinned requirements the bridge needs in its Python, one {@code name==version} per entry. */
    public static List<String> requirements() {
        List<String> out = new ArrayList<>();
        for (String line : resource(REQUIREMENTS_FILE).split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /**
     * Where the bridge keeps its venvs and its extracted Python module: {@value #CACHE_VARIABLE} if
     * set, else {@code $XDG_CACHE_HOME/rlplay}, else {@code ~/.cache/rlplay}.
     */
    public static Path cacheDirectory() {
        String configured = System.getenv(CACHE_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg.trim(), "rlplay");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "rlplay");
    }

    /**
     * The bridge's Python module, extracted from the jar into the cache directory (once per content
     * version; the file is replaced atomically so concurrent JVMs never see a partial file).
     */
    static synchronized Path bridgeModule() {
        if (module == null) {
            String text = resource(MODULE_FILE);
            Path dir = cacheDirectory().resolve("bridge-" + sha256(text).substring(0, 16));
            Path file = dir.resolve(MODULE_FILE);
            try {
                if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, MODULE_FILE, ".tmp");
                    Files.writeString(tmp, text);
                    moveAtomically(tmp, file);
                }
            } catch (IOException e) {
                throw new GymBridgeException("cannot write the bridge's Python module to " + file + ": " + e,
                        "set " + CACHE_VARIABLE + " to a writable directory", null, e);
            }
            module = file;
        }
        return module;
    }

    /**
     * Installs {@code packages} (pip requirement specifiers, e.g. {@code swig} and
     * {@code gymnasium[box2d]}) into the bridge's Python, {@link #python()}, with pip, setting it up
     * first if needed: how envs with optional dependencies get them. A managed venv keeps them until
     * the bridge's requirements change, which makes a new venv.
     *
     * @return pip's output
     * @throws GymBridgeException naming the interpreter if pip fails
     */
    public static String install(List<String> packages) {
        return install(python(), packages);
    }

    static String install(Path python, List<String> packages) {
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("packages: name at least one package to install");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "pip", "install",
                "--disable-pip-version-check", "--no-input"));
        command.addAll(packages);
        Result r = run(command, PIP_TIMEOUT);
        if (r.exitCode != 0) {
            throw new GymBridgeException("pip could not install " + String.join(" ", packages) + " into " + python + ": "
                    + lastLines(r.output, 1), "check the package names and that PyPI is reachable (or configure"
                    + " pip's index)", lastLines(r.output, 12), null);
        }
        return r.output;
    }

    // ------------------------------------------------------------------ RLPLAY_PYTHON

    /** Checks that {@code executable} (the value of {@value #PYTHON_VARIABLE}) can run the bridge. */
    static Path checkConfigured(Path executable) {
        if (!Files.isExecutable(executable)) {
            throw new GymBridgeException(PYTHON_VARIABLE + "=" + executable + " is not an executable file",
                    "point " + PYTHON_VARIABLE + " to a Python " + MIN_MAJOR + "." + MIN_MINOR
                    + "+ interpreter, or unset it to let rlplay create its own venv in " + cacheDirectory(), null, null);
        }
        Result r = run(List.of(executable.toString(), "-c", IMPORT_CHECK), PROBE_TIMEOUT);
        if (r.exitCode != 0) {
            throw new GymBridgeException(PYTHON_VARIABLE + "=" + executable
                    + " cannot run the Gymnasium bridge (it needs " + String.join(", ", requirements()) + "): "
                    + lastLines(r.output, 1), "`" + executable + " -m pip install " + String.join(" ", requirements())
                    + "`, or unset " + PYTHON_VARIABLE + " to let rlplay create its own venv in " + cacheDirectory(),
                    lastLines(r.output, 5), null);
        }
        return executable;
    }

    // ------------------------------------------------------------------ managed venv

    private static Path managedVenv() {
        Path base = findOnPath();
        List<String> probe = probeBase(base);
        String executable = probe.get(1);
        String reqs = resource(REQUIREMENTS_FILE);
        String hash = sha256(reqs + "\n" + executable + "\n" + probe.get(0)).substring(0, 16);
        Path cache = cacheDirectory();
        Path venv = cache.resolve("venv-" + hash);
        Path venvPython = venv.resolve("bin").resolve("python");
        if (Files.exists(venv.resolve(COMPLETE_MARKER)) && Files.isExecutable(venvPython)) {
            return venvPython;
        }
        try {
            Files.createDirectories(cache);
            try (FileChannel lockChannel = FileChannel.open(cache.resolve("venv-" + hash + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                if (Files.exists(venv.resolve(COMPLETE_MARKER)) && Files.isExecutable(venvPython)) {
                    return venvPython;
                }
                createVenv(executable, venv, venvPython, reqs);
                return venvPython;
            }
        } catch (IOException e) {
            throw new GymBridgeException("cannot set up the bridge's Python venv in " + venv + ": " + e,
                    "set " + CACHE_VARIABLE + " to a writable directory, or set " + PYTHON_VARIABLE
                    + " to a Python that has " + String.join(" ", requirements()), null, e);
        }
    }

    private static void createVenv(String baseExecutable, Path venv, Path venvPython, String reqs)
            throws IOException {
        long start = System.nanoTime();
        System.err.println("rlplay: first use of the Gymnasium bridge: creating a Python venv in " + venv
                + " and installing " + String.join(" ", requirements())
                + " with pip (this takes a minute or two; set " + PYTHON_VARIABLE + " to use an existing Python)");
        deleteRecursively(venv);
        Result made = run(List.of(baseExecutable, "-m", "venv", venv.toString()), VENV_TIMEOUT);
        if (made.exitCode != 0) {
            throw new GymBridgeException("`" + baseExecutable + " -m venv " + venv + "` failed: "
                    + lastLines(made.output, 1), "install Python's venv module (Debian/Ubuntu: "
                    + "`apt-get install python3-venv`), or set " + PYTHON_VARIABLE + " to a Python that has "
                    + String.join(" ", requirements()), lastLines(made.output, 8), null);
        }
        Path reqFile = venv.resolve(REQUIREMENTS_FILE);
        Files.writeString(reqFile, reqs);
        Result installed = run(List.of(venvPython.toString(), "-m", "pip", "install", "--disable-pip-version-check",
                "--no-input", "-r", reqFile.toString()), PIP_TIMEOUT);
        Files.writeString(venv.resolve("pip-install.log"), installed.output);
        if (installed.exitCode != 0) {
            throw new GymBridgeException("pip could not install " + String.join(" ", requirements()) + " into "
                    + venv + ": " + lastLines(installed.output, 1), "check that PyPI is reachable "
                    + "(or configure pip's index), or set " + PYTHON_VARIABLE + " to a Python that has these packages",
                    lastLines(installed.output, 12), null);
        }
        Result check = run(List.of(venvPython.toString(), "-c", IMPORT_CHECK), PROBE_TIMEOUT);
        if (check.exitCode != 0) {
            throw new GymBridgeException("the new venv " + venv + " cannot import the bridge's packages: "
                    + lastLines(check.output, 1), "delete " + venv + " and retry, or set " + PYTHON_VARIABLE,
                    lastLines(check.output, 8), null);
        }
        Files.writeString(venv.resolve(COMPLETE_MARKER), String.join("\n", requirements()) + "\n");
        System.err.printf("rlplay: Python venv ready (gymnasium %s) in %.0f s%n", lastLines(check.output, 1),
                (System.nanoTime() - start) / 1e9);
    }

    private static Path findOnPath() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String name : List.of("python3", "python")) {
                for (String dir : path.split(java.io.File.pathSeparator)) {
                    if (dir.isEmpty()) {
                        continue;
                    }
                    Path candidate = Path.of(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        throw new GymBridgeException("no python3 found on the PATH: the Gymnasium bridge needs Python "
                + MIN_MAJOR + "." + MIN_MINOR + "+", "install Python " + MIN_MAJOR + "." + MIN_MINOR
                + "+ (Debian/Ubuntu: `apt-get install python3 python3-venv`), or set " + PYTHON_VARIABLE
                + " to a Python that has " + String.join(" ", requirements()), null, null);
    }

    /** Version line and {@code sys.executable} of the base interpreter; checks the minimum version. */
    private static List<String> probeBase(Path base) {
        Result r = run(List.of(base.toString(), "-c",
                "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"), PROBE_TIMEOUT);
        String[] lines = r.output.strip().split("\n");
        if (r.exitCode != 0 || lines.length < 2) {
            throw new GymBridgeException(base + " does not run: " + lastLines(r.output, 1), "repair that Python, or set "
                    + PYTHON_VARIABLE + " to a Python " + MIN_MAJOR + "." + MIN_MINOR + "+", lastLines(r.output, 5), null);
        }
        String version = lines[lines.length - 2].strip();
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        if (major < MIN_MAJOR || major == MIN_MAJOR && minor < MIN_MINOR) {
            throw new GymBridgeException(base + " is Python " + version + ", but the Gymnasium bridge needs "
                    + MIN_MAJOR + "." + MIN_MINOR + "+", "put a newer python3 first on the PATH, or set "
                    + PYTHON_VARIABLE + " to one", null, null);
        }
        return List.of(version, lines[lines.length - 1].strip());
    }

    // ------------------------------------------------------------------ helpers

    private record Result(int exitCode, String output) {
    }

    /** Runs a command with stdout and stderr captured together, killing it after {@code timeout}. */
    private static Result run(List<String> command, Duration timeout) {
        Path log = null;
        try {
            log = Files.createTempFile("rlplay-python", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new GymBridgeException("`" + String.join(" ", command) + "` did not finish within "
                        + timeout.toSeconds() + " s", null, lastLines(Files.readString(log), 8), null);
            }
            return new Result(p.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new GymBridgeException("cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GymBridgeException("interrupted while running `" + String.join(" ", command) + "`", e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temporary log is harmless
                }
            }
        }
    }

    static String lastLines(String text, int count) {
        String[] lines = text.strip().split("\n");
        int from = Math.max(0, lines.length - count);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    private static String resource(String name) {
        try (InputStream in = PythonRuntime.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new GymBridgeException("the bridge's resource " + RESOURCE_DIR + name
                        + " is missing from the classpath (broken rlplay-gym-bridge jar?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
