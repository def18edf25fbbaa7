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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    static RecorderOptions options(int fragmentsPerFile) {
        return fragmentsPerFile == 0 ? RecorderOptions.defaults().withFragmentsPerFile(3).inline()
                : RecorderOptions.defaults().withFragmentsPerFile(fragmentsPerFile);
    }

    @ParameterizedTest(name = "fragmentsPerFile={0} (0: inline, 3 per file)")
    @ValueSource(ints = {0, 1, 3})
    void replayYieldsTheRecordedFragmentsBitForBit(int fragmentsPerFile) {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded = record(dir, options(fragmentsPerFile), false);
        Dataset dataset = Dataset.open(dir);
        assertEquals(FRAGMENTS, dataset.numFragments());
        int perFile = fragmentsPerFile == 0 ? 3 : fragmentsPerFile;
        assertEquals((FRAGMENTS + perFile - 1) / perFile, dataset.files().size(), "files of " + perFile + " fragments");
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
        assertNull(recorded.get(0).fragment().hx(), "the scripted actor starts without hx: fragment 0 has none");
        assertTrue(recorded.get(1).fragment().hx() != null, "later fragments carry the scripted actor's hx");
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void stickyFragmentsRoundTripToo() {
        Path dir = tmp.resolve("sticky");
        List<FragmentWriter> recorded = record(dir, RecorderOptions.defaults(), true);
        try (FragmentWriter f = new FragmentWriter(recorded.get(0).fragment().spec())) {
            Dataset dataset = Dataset.open(dir);
            for (int k = 0; k < FRAGMENTS; k++) {
                dataset.readFragment(k, f);
                Fixtures.assertSameFragment(recorded.get(k).fragment(), f.fragment(), "sticky fragment " + k);
            }
        }
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void metadataDescribesTheRecording() throws Exception {
        Path dir = tmp.resolve("data");
        List<FragmentWriter> recorded = record(dir, RecorderOptions.defaults(), false);
        Dataset d = Dataset.open(dir);
        assertEquals("Scripted-v0", d.envId());
        assertEquals(Fixtures.T, d.spec().length());
        assertEquals(Fixtures.N, d.spec().numEnvs());
        assertEquals(ScriptedEnv.OBS, d.spec().observationSpace());
        assertEquals(ScriptedEnv.ACT, d.spec().actionSpace());
        assertEquals(List.of("stepTaken"), d.spec().envInfoKeys());
        assertArrayEquals(new long[] {10, 11, 12}, d.seeds().get(0));
        assertEquals("ScriptedActor", d.attributes().get("policy"));
        assertEquals(List.of(0L), d.actorVersions());
        assertEquals((long) FRAGMENTS * Fixtures.T * Fixtures.N, d.transitions());
        assertEquals(List.of("hx", "obsStep"), d.layout().actorInfo().stream().map(c -> c.name()).toList());
        DatasetFile file = d.files().get(0);
        String today = java.time.LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(Map.of("date", today), file.partition());
        assertEquals(dir.resolve("date=" + today).resolve("run-000000-part-000000.parquet"), file.path());
        assertEquals(FRAGMENTS, file.fragments());
        try (FragmentReader r = FragmentReader.open(file.path())) {
            FileMetadata m = r.metadata();
            assertEquals(0, m.run());
            assertEquals(1, m.hx().size(), "the scripted actor's hx: one array");
            assertArrayEquals(new long[] {1, Fixtures.N}, m.hx().get(0).shape());
            for (int k = 0; k < FRAGMENTS; k++) {
                Fragment f = recorded.get(k).fragment();
                assertEquals(new FileMetadata.FragmentMeta(k, 0, 0, 0, f.episodes().count(), k > 0), m.fragments().get(k));
            }
            assertEquals(m.toJson(), FileMetadata.parse(m.toJson()).toJson(), "the footer survives a JSON round trip");
        }
        assertTrue(Files.exists(dir.resolve("_rlplay").resolve("run-000000.json")), "the run describes itself");
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void shuffledPassesVisitEveryFragmentOncePerPassInASeededOrder() {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults().withFragmentsPerFile(2), false).forEach(FragmentWriter::close);
        Dataset dataset = Dataset.open(dir);
        List<Long> first = sequences(dataset, ReplayOptions.shuffled(3, 42));
        assertEquals(sequences(dataset, ReplayOptions.shuffled(3, 42)), first, "same seed, same order");
        assertEquals(3 * FRAGMENTS, first.size());
        List<Long> all = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            List<Long> p = new ArrayList<>(first.subList(pass * FRAGMENTS, (pass + 1) * FRAGMENTS));
            all.addAll(p);
            p.sort(null);
            assertEquals(List.of(0L, 1L, 2L, 3L), p, "pass " + pass + " visits every fragment once");
        }
        assertNotEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), all, "the order is shuffled");
        assertEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), sequences(dataset, new ReplayOptions(2, false, 0)));
    }

    static List<Long> sequences(Dataset dataset, ReplayOptions options) {
        List<Long> seen = new ArrayList<>();
        try (Rollout replay = dataset.replay(options)) {
            for (Fragment f : replay) {
                seen.add(f.sequence());
            }
        }
        return seen;
    }

    @Test
    void aDatasetWithOtherSpacesIsRefusedWithBothDescriptionsNamingAFile() {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        Dataset dataset = Dataset.open(dir);
        dataset.requireSpaces(ScriptedEnv.OBS, ScriptedEnv.ACT);
        DatasetException e = assertThrows(DatasetException.class,
                () -> dataset.requireSpaces(ScriptedEnv.OBS, new Discrete(2)));
        assertEquals(dataset.files().get(0).path(), e.file());
        assertTrue(e.getMessage().contains("action spaces differ"), e.getMessage());
        assertTrue(e.getMessage().contains("Discrete(3)") && e.getMessage().contains("Discrete(2)"), e.getMessage());
        DatasetException o = assertThrows(DatasetException.class,
                () -> dataset.requireSpaces(Box.of(-1f, 1f, 3), ScriptedEnv.ACT));
        assertTrue(o.getMessage().contains("observation spaces differ"), o.getMessage());
        assertTrue(o.getMessage().contains("1.0E9") && o.getMessage().contains("Box(-1.0, 1.0, [3], float32)"), o.getMessage());
    }

    @Test
    void recordingIntoANonEmptyDirectoryWithoutADatasetIsRefused() throws Exception {
        Path dir = tmp.resolve("other");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "not a dataset");
        DatasetException e = assertThrows(DatasetException.class,
                () -> Recorder.create(dir, Fixtures.scriptedRollout(false).spec(), Fixtures.info()));
        assertTrue(e.getMessage().contains("not empty and holds no dataset"), e.getMessage());
    }

    @Test
    void laterRunsAndDaysAppendWithoutRewritingEarlierFiles() throws Exception {
        Path dir = tmp.resolve("growing");
        Clock day1 = Clock.fixed(Instant.parse("2026-12-01T23:59:00Z"), ZoneOffset.UTC);
        Clock day2 = Clock.fixed(Instant.parse("2026-12-02T00:01:00Z"), ZoneOffset.UTC);
        List<FragmentWriter> first = record(dir, RecorderOptions.defaults().withFragmentsPerFile(2).withClock(day1), false);
        List<Path> before = Dataset.open(dir).files().stream().map(DatasetFile::path).toList();
        List<byte[]> bytes = new ArrayList<>();
        for (Path p : before) {
            bytes.add(Files.readAllBytes(p));
        }
        List<FragmentWriter> second = record(dir, RecorderOptions.defaults().withFragmentsPerFile(3).withClock(day2), false);
        Dataset all = Dataset.open(dir);
        assertEquals(2 * FRAGMENTS, all.numFragments());
        assertEquals(List.of(0, 1), all.seeds().keySet().stream().sorted().toList(), "two runs");
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(bytes.get(i), Files.readAllBytes(before.get(i)), "an earlier file is untouched");
        }
        Dataset d1 = Dataset.open(dir, PartitionFilter.equal("date", "2026-12-01"));
        Dataset d2 = Dataset.open(dir, PartitionFilter.between("date", "2026-12-02", "2026-12-31"));
        assertEquals(FRAGMENTS, d1.numFragments());
        assertEquals(FRAGMENTS, d2.numFragments());
        assertTrue(d2.files().stream().allMatch(f -> f.run() == 1 && f.path().toString().contains("date=2026-12-02")));
        try (FragmentWriter w = new FragmentWriter(d2.spec())) {
            for (int k = 0; k < FRAGMENTS; k++) {
                d2.readFragment(k, w);
                Fixtures.assertSameFragment(second.get(k).fragment(), w.fragment(), "day-2 fragment " + k);
            }
        }
        Path elsewhere = tmp.resolve("elsewhere");
        record(elsewhere, RecorderOptions.defaults().withClock(day2), false).forEach(FragmentWriter::close);
        Dataset both = Dataset.open(List.of(dir, elsewhere), PartitionFilter.equal("date", "2026-12-02"));
        assertEquals(2 * FRAGMENTS, both.numFragments(), "day 2 of two datasets");
        first.forEach(FragmentWriter::close);
        second.forEach(FragmentWriter::close);
    }

    @Test
    void appendingARunOfAnotherEnvOrLayoutIsRefused() {
        Path dir = tmp.resolve("data");
        record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        DatasetException env = assertThrows(DatasetException.class, () -> Recorder.create(dir,
                Fixtures.scriptedRollout(false).spec(), DatasetInfo.of("Other-v0", 0, Fixtures.N)));
        assertTrue(env.getMessage().contains("cannot append: the dataset records Scripted-v0, this run Other-v0"),
                env.getMessage());
        DatasetException layout = assertThrows(DatasetException.class, () -> Recorder.create(dir,
                Fixtures.scriptedRollout(false).spec().withNumEnvs(7), Fixtures.info()));
        assertTrue(layout.getMessage().contains("cannot append: the dataset's fragments are T=5, N=3"), layout.getMessage());
    }

    @Test
    void writingAFragmentOfAnotherLayoutIsRefused() {
        try (Rollout rollout = Fixtures.scriptedRollout(false);
             Recorder recorder = Recorder.create(tmp.resolve("d"), rollout.spec().withNumEnvs(7), Fixtures.info())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recorder.write(rollout.next()));
            assertTrue(e.getMessage().startsWith("fragment: layout"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "fragmentsPerFile={0} (0: inline)")
    @ValueSource(ints = {0, 2, 8})
    void flushPutsEveryWrittenFragmentIntoACompleteFile(int fragmentsPerFile) {
        Path dir = tmp.resolve("flushed");
        try (Rollout rollout = Fixtures.scriptedRollout(false);
             Recorder recorder = Recorder.create(dir, rollout.spec(), Fixtures.info(), options(fragmentsPerFile))) {
            for (int k = 1; k <= 5; k++) {
                recorder.write(rollout.next());
                recorder.flush();
                assertEquals(k, recorder.fragmentsWritten());
                assertEquals(k, Dataset.open(dir).numFragments(), "the files on disk hold every flushed fragment");
            }
            recorder.close();
            assertThrows(IllegalStateException.class, recorder::flush);
        }
        assertEquals(5, Dataset.open(dir).numFragments());
    }

    @Test
    void aFlushWithNothingPendingLeavesNoRequestBehindThatWouldCutTheNextFile() throws Exception {
        Path dir = tmp.resolve("files");
        try (Rollout rollout = Fixtures.scriptedRollout(false);
             Recorder recorder = Recorder.create(dir, rollout.spec(), Fixtures.info(),
                     RecorderOptions.defaults().withFragmentsPerFile(2))) {
            recorder.write(rollout.next());
            recorder.write(rollout.next());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (recorder.fragmentsWritten() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            recorder.flush();
            recorder.write(rollout.next());
            Thread.sleep(100);
            recorder.write(rollout.next());
            recorder.flush();
            assertEquals(List.of(2, 2), Dataset.open(dir).files().stream().map(DatasetFile::fragments).toList(),
                    "whole files: the writer completed none early");
        }
    }
}
