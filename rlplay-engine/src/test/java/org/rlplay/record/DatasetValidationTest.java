package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/** A corrupted, truncated or foreign file is a clear error naming the file and what is wrong. */
class DatasetValidationTest {
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void recordDataset() {
        dir = tmp.resolve("data");
        RecorderReplayTest.record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
    }

    private Path chunk(int k) {
        return dir.resolve(ChunkStore.chunkName(k));
    }

    /** Replays the whole dataset, returning the error it ends with. */
    private DatasetException replayFails() {
        return assertThrows(DatasetException.class, () -> {
            try (Rollout replay = Dataset.open(dir).replay(ReplayOptions.once())) {
                while (replay.hasNext()) {
                    replay.next();
                }
            }
        });
    }

    /** Rewrites the manifest so that chunk k is listed with the size and CRC of its current bytes. */
    private void relist(int k) throws Exception {
        Manifest m = Manifest.parse(Files.readString(dir.resolve(Manifest.FILE_NAME)));
        byte[] bytes = Files.readAllBytes(chunk(k));
        CRC32 crc = new CRC32();
        crc.update(bytes);
        List<ChunkInfo> chunks = new ArrayList<>(m.chunks());
        ChunkInfo c = chunks.get(k);
        chunks.set(k, new ChunkInfo(c.file(), bytes.length, String.format(Locale.ROOT, "%08x", crc.getValue()),
                c.sequence(), c.actorVersion(), c.collector(), c.envOffset(), c.episodes()));
        Manifest changed = new Manifest(m.schemaVersion(), m.envId(), m.complete(), m.spec(), m.seeds(), m.attributes(),
                m.fields(), chunks);
        Files.writeString(dir.resolve(Manifest.FILE_NAME), changed.toJson());
    }

    @Test
    void aFlippedByteIsAChecksumMismatchNamingTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(chunk(2));
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(chunk(2), bytes);
        DatasetException e = replayFails();
        assertEquals(chunk(2), e.file());
        assertTrue(e.getMessage().startsWith(chunk(2).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        DatasetException v = assertThrows(DatasetException.class, () -> Dataset.open(dir).verify());
        assertTrue(v.getMessage().contains("checksum mismatch"), v.getMessage());
    }

    @Test
    void aTruncatedChunkIsRefusedWhenTheDatasetIsOpened() throws Exception {
        byte[] bytes = Files.readAllBytes(chunk(1));
        Files.write(chunk(1), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertEquals(chunk(1), e.file());
        assertTrue(e.getMessage().contains("truncated: " + (bytes.length - 100) + " bytes, the manifest lists "
                + bytes.length), e.getMessage());
    }

    @Test
    void aMissingChunkIsRefusedWhenTheDatasetIsOpened() throws Exception {
        Files.delete(chunk(3));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertTrue(e.getMessage().contains(chunk(3) + ": missing chunk file"), e.getMessage());
    }

    @Test
    void aForeignFileIsBadMagic() throws Exception {
        Files.writeString(chunk(0), "this is not an npz file, it is some text that found its way here\n");
        relist(0);
        DatasetException e = replayFails();
        assertEquals(chunk(0), e.file());
        assertTrue(e.getMessage().contains("bad magic: not an npz (zip) file"), e.getMessage());
    }

    @Test
    void anArrayOfTheWrongShapeIsNamedWithBothShapes() throws Exception {
        // chunks recorded with T=5, N=3, listed in a manifest that says N=2
        Manifest m = Dataset.open(dir).manifest();
        Manifest narrow = new Manifest(m.schemaVersion(), m.envId(), m.complete(), m.spec().withNumEnvs(2), m.seeds(),
                m.attributes(), List.of(), m.chunks());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), narrow.toJson());
        DatasetException e = replayFails();
        assertEquals(chunk(0), e.file());
        assertTrue(e.getMessage().contains("array 'stepno' has shape (6, 3), expected (6, 2)"), e.getMessage());
    }

    @Test
    void aChangedZipMemberWithAMatchingFileChecksumIsACorruptNpz() throws Exception {
        byte[] bytes = Files.readAllBytes(chunk(0));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("NUMPY", text.indexOf("obs.npy"));
        bytes[at] = 'X';
        Files.write(chunk(0), bytes);
        relist(0);
        DatasetException e = replayFails();
        assertEquals(chunk(0), e.file());
        assertTrue(e.getMessage().contains("corrupt npz (zip) file: invalid entry CRC"), e.getMessage());
    }

    @Test
    void aManifestThatIsNotJsonOrNotOursIsRefused() throws Exception {
        Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"format\": \"something-else\"}");
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertTrue(e.getMessage().contains("manifest.json: not an rlplay-dataset manifest"), e.getMessage());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"format\": \"rlplay-dataset\", \"schema_version\": 1");
        DatasetException j = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertTrue(j.getMessage().contains("manifest.json: not a JSON manifest"), j.getMessage());
        DatasetException none = assertThrows(DatasetException.class, () -> Dataset.open(tmp));
        assertTrue(none.getMessage().contains("no manifest: not a dataset directory"), none.getMessage());
    }
}
