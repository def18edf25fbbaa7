package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;
import org.rlplay.testing.ScriptedEnv;

/** Recording any rollout and replaying it gives back the very same fragments, through the Rollout type. */
class RecorderReplayTest {
    static final int FRAGMENTS = 4;

    @TempDir
    Path tmp;

    /** Records FRAGMENTS fragments of the scripted rollout into dir and returns deep copies of them. */
    static List<FragmentWriter> record(Path dir, RecorderOptions options, boolean sticky) {
        List<FragmentWriter> copies = new ArrayList<>();
        try (Rollout rollout = Recorder.wrap(Fixtures.scriptedRollout(sticky), dir, Fixtures.info(), options)) {
            for (int k = 0; k < FRAGMENTS; k++) {
                copies.add(Fixtures.copy(rollout.next()));
            }
        }
        return copies;
    }

    @ParameterizedTest(name = "queueCapacity={0}")
    @ValueSource(ints = {0, 1, 3})
    void replayYieldsTheRecordedFragmentsFieldByField(int queueCapacity) {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded = record(dir, RecorderOptions.defaults().withQueueCapacity(queueCapacity), false);
        Dataset dataset = Dataset.open(dir);
        assertEquals(FRAGMENTS, dataset.numChunks());
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            assertEquals(recorded.get(0).fragment().spec(), replay.spec());
            for (int k = 0; k < FRAGMENTS; k++) {
                assertTrue(replay.hasNext());
                Fragment f = replay.next();
                Fixtures.assertSameFragment(recorded.get(k).fragment(), f, "fragment " + k);
            }
            assertFalse(replay.hasNext());
            assertThrows(NoSuchElementException.class, replay::next);
            assertEquals((long) FRAGMENTS * Fixtures.T * Fixtures.N, replay.envSteps());
        }
        assertNull(recorded.get(0).fragment().hx(), "the scripted actor starts without hx: chunk 0 has none");
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void stickyFragmentsRoundTripToo() {
        Path dir = tmp.resolve("sticky");
        List<FragmentWriter> recorded = record(dir, RecorderOptions.defaults(), true);
        try (FragmentWriter f = new FragmentWriter(recorded.get(0).fragment().spec())) {
            Dataset dataset = Dataset.open(dir);
            for (int k = 0; k < FRAGMENTS; k++) {
                dataset.readChunk(k, f);
                Fixtures.assertSameFragment(recorded.get(k).fragment(), f.fragment(), "sticky fragment " + k);
            }
        }
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void manifestDescribesTheRecording() {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded = record(dir, RecorderOptions.defaults(), false);
        Manifest m = Dataset.open(dir).manifest();
        assertEquals(Manifest.SCHEMA_VERSION, m.schemaVersion());
        assertTrue(m.complete());
        assertEquals("Scripted-v0", m.envId());
        assertEquals(Fixtures.T, m.spec().length());
        assertEquals(Fixtures.N, m.spec().numEnvs());
        assertEquals(ScriptedEnv.OBS, m.spec().observationSpace());
        assertEquals(ScriptedEnv.ACT, m.spec().actionSpace());
        assertEquals(List.of("stepTaken"), m.spec().envInfoKeys());
        assertArrayEquals(new long[] {10, 11, 12}, m.seeds());
        assertEquals("ScriptedActor", m.attributes().get("policy"));
        assertEquals(List.of(0L), m.actorVersions());
        assertEquals((long) FRAGMENTS * Fixtures.T * Fixtures.N, m.transitions());
        FieldInfo info = m.field("actor.obsStep");
        assertEquals("<f4", info.dtype());
        assertArrayEquals(new long[] {Fixtures.T + 1, Fixtures.N}, info.shape());
        assertArrayEquals(new long[] {Fixtures.T + 1, Fixtures.N, 3}, m.field("final_obs").shape());
        assertArrayEquals(new long[] {Fixtures.T, Fixtures.N, 1}, m.field("env_info").shape());
        assertEquals("<i4", m.field("act").dtype());
        for (int k = 0; k < FRAGMENTS; k++) {
            ChunkInfo c = m.chunks().get(k);
            assertEquals(ChunkStore.chunkName(k), c.file());
            assertEquals(k, c.sequence());
            assertEquals(recorded.get(k).fragment().episodes().count(), c.episodes());
            assertTrue(c.crc32().matches("[0-9a-f]{8}"), c.crc32());
        }
        assertEquals(m, Manifest.parse(m.toJson()), "the manifest survives a JSON round trip");
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void shuffledPassesVisitEveryChunkOncePerPassInASeededOrder() {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        Dataset dataset = Dataset.open(dir);
        List<Long> first = sequences(dataset, ReplayOptions.shuffled(3, 42));
        assertEquals(sequences(dataset, ReplayOptions.shuffled(3, 42)), first, "same seed, same order");
        assertEquals(3 * FRAGMENTS, first.size());
        List<Long> all = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            List<Long> p = new ArrayList<>(first.subList(pass * FRAGMENTS, (pass + 1) * FRAGMENTS));
            all.addAll(p);
            p.sort(null);
            assertEquals(List.of(0L, 1L, 2L, 3L), p, "pass " + pass + " visits every chunk once");
        }
        assertNotEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), all, "the order is shuffled");
        assertEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), sequences(dataset, new ReplayOptions(2, false, 0)));
    }

    private static List<Long> sequences(Dataset dataset, ReplayOptions options) {
        List<Long> seen = new ArrayList<>();
        try (Rollout replay = dataset.replay(options)) {
            for (Fragment f : replay) {
                seen.add(f.sequence());
            }
        }
        return seen;
    }

    @Test
    void aDatasetWithOtherSpacesIsRefusedWithBothDescriptions() {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        Dataset dataset = Dataset.open(dir);
        dataset.requireSpaces(ScriptedEnv.OBS, ScriptedEnv.ACT);
        DatasetException e = assertThrows(DatasetException.class,
                () -> dataset.requireSpaces(ScriptedEnv.OBS, new Discrete(2)));
        assertTrue(e.getMessage().contains("action spaces differ"), e.getMessage());
        assertTrue(e.getMessage().contains("Discrete(3)") && e.getMessage().contains("Discrete(2)"), e.getMessage());
        DatasetException o = assertThrows(DatasetException.class,
                () -> dataset.requireSpaces(Box.of(-1f, 1f, 3), ScriptedEnv.ACT));
        assertTrue(o.getMessage().contains("observation spaces differ"), o.getMessage());
        assertTrue(o.getMessage().contains("1.0E9") && o.getMessage().contains("Box(-1.0, 1.0, [3], float32)"), o.getMessage());
    }

    @Test
    void recordingIntoANonEmptyDirectoryIsRefused() throws Exception {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        DatasetException e = assertThrows(DatasetException.class,
                () -> Recorder.create(dir, Dataset.open(dir).spec(), Fixtures.info()));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("holds a dataset"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("chunk-000000.npz")), "the existing dataset is untouched");
    }

    @Test
    void writingAFragmentOfAnotherLayoutIsRefused() {
        try (Rollout rollout = Fixtures.scriptedRollout(false);
             Recorder recorder = Recorder.create(tmp.resolve("d"), rollout.spec().withNumEnvs(7), Fixtures.info())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recorder.write(rollout.next()));
            assertTrue(e.getMessage().startsWith("fragment: layout"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "queueCapacity={0}")
    @ValueSource(ints = {0, 2, 8})
    void flushWaitsUntilEveryWrittenFragmentIsListed(int queueCapacity) {
        Path dir = tmp.resolve("flushed");
        try (Rollout rollout = Fixtures.scriptedRollout(false);
             Recorder recorder = Recorder.create(dir, rollout.spec(), Fixtures.info(),
                     RecorderOptions.defaults().withQueueCapacity(queueCapacity))) {
            for (int k = 1; k <= 5; k++) {
                recorder.write(rollout.next());
                recorder.flush();
                assertEquals(k, recorder.chunksWritten());
                Manifest m = Dataset.open(dir).manifest();
                assertEquals(k, m.chunks().size(), "the manifest on disk lists every flushed chunk");
                assertFalse(m.complete());
            }
            recorder.close();
            assertThrows(IllegalStateException.class, recorder::flush);
        }
        assertTrue(Dataset.open(dir).manifest().complete());
    }
}
