package org.rlplay.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python interpreter that can import numpy, for interop tests: {@code $RLPLAY_PYTHON} if
 * set, else {@code python3}; if that one lacks numpy, a venv created under {@code target/} with
 * numpy installed by pip (reused by later runs). Fails, never skips, when none can be had.
 */
final class PythonNumpy {
    private static final Path VENV = Paths.get("target", "python-numpy-venv").toAbsolutePath();
    private static String interpreter;

    private PythonNumpy() {
    }

    /** The path or command of a Python interpreter with numpy. */
    static synchronized String interpreter() throws IOException, InterruptedException {
        if (interpreter != null) {
            return interpreter;
        }
        String base = System.getenv("RLPLAY_PYTHON");
        if (base == null || base.isBlank()) {
            base = "python3";
        }
        String venvPython = VENV.resolve("bin").resolve("python").toString();
        if (hasNumpy(base)) {
            interpreter = base;
        } else if (Files.isExecutable(Paths.get(venvPython)) && hasNumpy(venvPython)) {
            interpreter = venvPython;
        } else {
            run(List.of(base, "-m", "venv", "--clear", VENV.toString()), 300);
            run(List.of(venvPython, "-m", "pip", "install", "--quiet", "numpy"), 600);
            if (!hasNumpy(venvPython)) {
                throw new IllegalStateException("numpy is still not importable by " + venvPython + " after pip install");
            }
            interpreter = venvPython;
        }
        return interpreter;
    }

    private static boolean hasNumpy(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code command}, returning its standard output.
     *
     * @throws IllegalStateException with the command's output when it fails or times out
     */
    static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("cannot read the output: " + e).getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
        if (!done || p.exitValue() != 0) {
            throw new IllegalStateException(command + (done ? " exited with " + p.exitValue() : " timed out")
                    + ":\n" + text);
        }
        return text;
    }
}
