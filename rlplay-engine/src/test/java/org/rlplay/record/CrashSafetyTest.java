package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * A recording killed at any moment loses at most the chunk in flight and leaves a dataset that
 * reads. Two tests: a real child JVM killed (SIGKILL) at an arbitrary moment while it records, and
 * a deterministic reproduction of every intermediate state a kill can leave on disk.
 */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void aChildJvmKilledWhileRecordingLeavesAReadableDataset() throws Exception {
        Path dir = tmp.resolve("killed");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx512m",
                CrashChild.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (listedChunks(dir) < 3) {
                assertTrue(child.isAlive(), () -> "the child died on its own: " + log());
                assertTrue(System.nanoTime() < deadline, "the child wrote fewer than 3 chunks in 60 s");
                Thread.sleep(5);
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        }
        Dataset dataset = Dataset.open(dir);
        assertFalse(dataset.manifest().complete(), "a killed recording is not marked complete");
        assertTrue(dataset.numChunks() >= 3, "chunks listed: " + dataset.numChunks());
        dataset.verify();
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            long expected = 0;
            for (Fragment f : replay) {
                assertEquals(expected++, f.sequence());
            }
            assertEquals(dataset.numChunks(), expected);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            // whether the kill landed inside a write is up to timing; report what it left
            System.out.println("killed child left " + dataset.numChunks() + " listed chunks and files " + names);
        }
    }

    private static int listedChunks(Path dir) {
        try {
            return Manifest.parse(Files.readString(dir.resolve(Manifest.FILE_NAME))).chunks().size();
        } catch (IOException e) {
            return 0;
        }
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("child.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void everyStateAKillCanLeaveReadsAsTheCompleteChunksOnly() throws Exception {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded;
        // three chunks written, then the process "dies": the recorder is never closed
        Recorder recorder = Recorder.create(dir, Fixtures.scriptedRollout(false).spec(), Fixtures.info(),
                RecorderOptions.defaults().inline());
        try (Rollout rollout = Fixtures.scriptedRollout(false)) {
            recorded = Stream.generate(rollout::next).limit(3).map(f -> {
                recorder.write(f);
                return Fixtures.copy(f);
            }).toList();
        }
        byte[] chunk = Files.readAllBytes(dir.resolve(ChunkStore.chunkName(0)));
        String manifest = Files.readString(dir.resolve(Manifest.FILE_NAME));
        // killed while writing chunk 3's temp file
        Files.write(dir.resolve("." + ChunkStore.chunkName(3) + ChunkStore.TEMP_SUFFIX), Arrays.copyOf(chunk, chunk.length / 2));
        // killed after renaming chunk 4 but before listing it
        Files.write(dir.resolve(ChunkStore.chunkName(4)), chunk);
        // killed while writing the next manifest's temp file
        Files.writeString(dir.resolve("." + Manifest.FILE_NAME + ChunkStore.TEMP_SUFFIX),
                manifest.substring(0, manifest.length() / 2));

        Dataset dataset = Dataset.open(dir);
        assertEquals(3, dataset.numChunks());
        assertFalse(dataset.manifest().complete());
        dataset.verify();
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (int k = 0; k < 3; k++) {
                Fixtures.assertSameFragment(recorded.get(k).fragment(), replay.next(), "fragment " + k);
            }
            assertFalse(replay.hasNext());
        }
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void aWriterThreadFailureReachesTheCallerWithItsCause() throws Exception {
        Path dir = tmp.resolve("vanishing");
        try (Rollout rollout = Fixtures.scriptedRollout(false)) {
            Recorder recorder = Recorder.create(dir, rollout.spec(), Fixtures.info(), RecorderOptions.defaults());
            Files.delete(dir.resolve(Manifest.FILE_NAME));
            Files.delete(dir);
            recorder.write(rollout.next());
            DatasetException e = assertThrows(DatasetException.class, () -> {
                for (int k = 0; k < 50; k++) {
                    recorder.write(rollout.next());
                    Thread.sleep(10);
                }
            }, "a later write reports the writer's failure");
            assertTrue(e.getMessage().startsWith(dir + ": recording failed after 0 chunks"), e.getMessage());
            assertTrue(e.getCause() instanceof DatasetException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("cannot write the chunk"), e.getCause().getMessage());
            assertTrue(e.getCause().getCause() instanceof java.nio.file.NoSuchFileException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getCause().getMessage().contains(".chunk-000000.npz.tmp"), e.getCause().getMessage());
            DatasetException c = assertThrows(DatasetException.class, recorder::close, "close reports it too");
            assertTrue(c.getMessage().contains("recording failed"), c.getMessage());
            recorder.close();
        }
    }
}
