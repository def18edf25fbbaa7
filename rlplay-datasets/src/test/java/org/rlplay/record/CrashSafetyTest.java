package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * A killed recorder loses at most the file in flight and leaves a dataset that opens with every
 * complete file: a real child JVM SIGKILLed while its writer lags, and a deterministic
 * reproduction of the states a kill can leave on disk.
 */
class CrashSafetyTest {
    static final int PER_FILE = 4;

    @TempDir
    Path tmp;

    @Test
    void aChildJvmKilledWhileItsWriterLagsLosesAtMostTheFileInFlight() throws Exception {
        Path dir = tmp.resolve("killed");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx512m",
                "-Dai.djl.offline=true", CrashChild.class.getName(), dir.toString(), "GZIP", Integer.toString(PER_FILE))
                .redirectError(tmp.resolve("child.err").toFile()).start();
        AtomicLong handed = new AtomicLong(-1);
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("handed ")) {
                        handed.set(Long.parseLong(line.substring(7)));
                    }
                }
            } catch (IOException e) {
                // the child died: its output ends here
            }
        });
        reader.start();
        // wait until the writer is a whole file behind: every slot holds a fragment that is not on disk
        long lagSeen = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                assertTrue(child.isAlive(), () -> "the child died on its own: " + log("child.err"));
                assertTrue(System.nanoTime() < deadline, "the child did not write 2 files with its writer a whole file behind in 120 s"
                        + " (handed " + handed.get() + ", files " + completeFiles(dir) + ")");
                long files = completeFiles(dir);
                long behind = handed.get() + 1 - files * PER_FILE;
                if (files >= 2 && behind >= PER_FILE) {
                    lagSeen = behind;
                    break;
                }
                Thread.sleep(2);
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            reader.join(10_000);
        }
        long accepted = handed.get() + 1;
        Dataset dataset = Dataset.open(dir);
        long recovered = dataset.numFragments();
        List<String> names;
        try (Stream<Path> files = Files.walk(dir)) {
            names = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
        System.out.println("killed child: " + accepted + " fragments handed to the recorder, " + lagSeen
                + " of them not on disk when the kill was sent; recovered " + recovered + " fragments in "
                + dataset.files().size() + " files; left " + names);
        assertEquals(completeFiles(dir), dataset.files().size(), "every complete file is opened");
        assertEquals(recovered, (long) dataset.files().size() * PER_FILE, "whole files only");
        assertTrue(recovered >= 2L * PER_FILE, "recovered " + recovered);
        assertTrue(accepted - recovered <= PER_FILE, "lost " + (accepted - recovered) + " fragments of " + accepted
                + ": more than the file in flight (" + PER_FILE + ")");
        // the recovered fragments are the stream's first ones, bit for bit (the child is deterministic)
        try (Rollout again = CrashChild.rollout(); Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (long k = 0; k < recovered; k++) {
                Fragment expected = again.next();
                Fixtures.assertSameFragment(expected, replay.next(), "recovered fragment " + k);
            }
            assertFalse(replay.hasNext());
        }
    }

    /** Complete (visible) Parquet files under {@code dir}. */
    private static long completeFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        return Dataset.parquetFiles(dir).size();
    }

    private String log(String name) {
        try {
            return Files.readString(tmp.resolve(name));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void everyStateAKillCanLeaveReadsAsTheCompleteFilesOnly() throws Exception {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded = new ArrayList<>();
        // 5 fragments, 2 per file, inline; the "process dies" before close: file 2 is in flight
        Recorder recorder = Recorder.create(dir, Fixtures.scriptedRollout(false).spec(), Fixtures.info(),
                RecorderOptions.defaults().withFragmentsPerFile(2).inline());
        try (Rollout rollout = Fixtures.scriptedRollout(false)) {
            for (int k = 0; k < 5; k++) {
                Fragment f = rollout.next();
                recorder.write(f);
                recorded.add(Fixtures.copy(f));
            }
        }
        Path partition = Dataset.open(dir).files().get(0).path().getParent();
        try (Stream<Path> s = Files.list(partition)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(".run-000000-part-000002.parquet")),
                    "the file in flight is a hidden temp file");
        }
        // killed while a second run was describing itself, and while another temp file was half written
        Files.writeString(dir.resolve("_rlplay").resolve("run-000001.json"), "{\"format\": \"rlplay-data");
        Files.write(partition.resolve(".run-000001-part-000000.parquet.tmp"), new byte[] {'P', 'A', 'R', '1', 0, 0});
        Dataset dataset = Dataset.open(dir);
        assertEquals(4, dataset.numFragments(), "the two complete files");
        dataset.verify();
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (int k = 0; k < 4; k++) {
                Fixtures.assertSameFragment(recorded.get(k).fragment(), replay.next(), "fragment " + k);
            }
            assertFalse(replay.hasNext());
        }
        // a new run appends beside them
        try (Rollout r = Recorder.wrap(Fixtures.scriptedRollout(false), dir, Fixtures.info())) {
            r.next();
        }
        assertEquals(5, Dataset.open(dir).numFragments());
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void aWriterThreadFailureReachesTheCallerWithItsCause() throws Exception {
        Path dir = tmp.resolve("vanishing");
        try (Rollout rollout = Fixtures.scriptedRollout(false)) {
            Recorder recorder = Recorder.create(dir, rollout.spec(), Fixtures.info(),
                    RecorderOptions.defaults().withFragmentsPerFile(1));
            Files.writeString(dir.resolve("date=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)), "in the way");
            recorder.write(rollout.next());
            DatasetException e = assertThrows(DatasetException.class, () -> {
                for (int k = 0; k < 50; k++) {
                    recorder.write(rollout.next());
                    Thread.sleep(10);
                }
            }, "a later write reports the writer's failure");
            assertTrue(e.getMessage().startsWith(dir + ": recording failed after 0 fragments"), e.getMessage());
            assertTrue(e.getCause() instanceof DatasetException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("cannot write the file"), e.getCause().getMessage());
            assertTrue(e.getCause().getCause() instanceof java.nio.file.FileAlreadyExistsException,
                    String.valueOf(e.getCause().getCause()));
            DatasetException c = assertThrows(DatasetException.class, recorder::close, "close reports it too");
            assertTrue(c.getMessage().contains("recording failed"), c.getMessage());
            recorder.close();
        }
    }
}
