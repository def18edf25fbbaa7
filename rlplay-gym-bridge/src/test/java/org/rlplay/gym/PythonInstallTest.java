package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PythonRuntime#install} puts packages into the interpreter the bridge runs, with pip. The
 * test installs a wheel it writes itself into a throwaway venv (not the bridge's own), so it needs
 * no network and leaves the shared venv alone.
 */
class PythonInstallTest {
    @TempDir
    static Path tmp;
    static Path python;

    @BeforeAll
    static void makeVenv() throws Exception {
        Path venv = tmp.resolve("venv");
        assertEquals(0, run(PythonRuntime.python().toString(), "-m", "venv", venv.toString()), "python -m venv");
        python = venv.resolve("bin").resolve("python");
    }

    @Test
    void shouldInstallAPackageIntoTheGivenInterpreter() throws Exception {
        Path wheel = probeWheel(tmp);
        assertTrue(run(python.toString(), "-c", "import rlplay_probe") != 0, "not installed before");
        PythonRuntime.install(python, List.of(wheel.toString()));
        assertEquals(0, run(python.toString(), "-c", "import rlplay_probe; assert rlplay_probe.VALUE == 42"));
    }

    @Test
    void shouldNameTheInterpreterWhenPipFails() {
        Path missing = tmp.resolve("no-such-file-0.1-py3-none-any.whl");
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> PythonRuntime.install(python, List.of(missing.toString())));
        assertTrue(e.problem().startsWith("pip could not install " + missing + " into " + python + ": "), e.problem());
        assertTrue(e.fix().contains("package names"), e.fix());
    }

    /** A minimal pure-Python wheel: module {@code rlplay_probe} with {@code VALUE = 42}. */
    private static Path probeWheel(Path dir) throws IOException {
        Path wheel = dir.resolve("rlplay_probe-0.1-py3-none-any.whl");
        String info = "rlplay_probe-0.1.dist-info/";
        try (OutputStream raw = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(raw)) {
            entry(zip, "rlplay_probe/__init__.py", "VALUE = 42\n");
            entry(zip, info + "METADATA", "Metadata-Version: 2.1\nName: rlplay-probe\nVersion: 0.1\n");
            entry(zip, info + "WHEEL", "Wheel-Version: 1.0\nGenerator: rlplay-test\nRoot-Is-Purelib: true\n"
                    + "Tag: py3-none-any\n");
            entry(zip, info + "RECORD", "rlplay_probe/__init__.py,,\n" + info + "METADATA,,\n" + info + "WHEEL,,\n"
                    + info + "RECORD,,\n");
        }
        return wheel;
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return p.exitValue();
    }
}
