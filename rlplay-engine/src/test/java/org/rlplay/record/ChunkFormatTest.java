package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * The writer's hand-made formats: each chunk is a valid STORED zip (both zip readers of the JDK
 * accept it, with matching local and central headers and per-member CRCs), encoding reuses its
 * buffer without leaking one chunk into the next, and the incrementally rendered manifest is
 * exactly {@link Manifest#toJson}'s text.
 */
class ChunkFormatTest {
    @TempDir
    Path tmp;

    @Test
    void chunksAreValidStoredZipsWhoseMembersMatchTheirCrcs() throws Exception {
        Path dir = tmp.resolve("data");
        RecorderReplayTest.record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        Manifest m = Dataset.open(dir).manifest();
        for (ChunkInfo c : m.chunks()) {
            Path file = dir.resolve(c.file());
            byte[] bytes = Files.readAllBytes(file);
            CRC32 whole = new CRC32();
            whole.update(bytes);
            assertEquals(String.format("%08x", whole.getValue()), c.crc32(), c.file());
            assertEquals(bytes.length, c.bytes(), c.file());
            List<String> central = new ArrayList<>();
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    ZipEntry z = e.nextElement();
                    assertEquals(ZipEntry.STORED, z.getMethod(), z.getName());
                    central.add(z.getName());
                    try (InputStream in = zip.getInputStream(z)) {
                        byte[] data = in.readAllBytes();
                        assertEquals(z.getSize(), data.length, z.getName());
                        CRC32 crc = new CRC32();
                        crc.update(data);
                        assertEquals(z.getCrc(), crc.getValue(), z.getName() + " crc");
                    }
                }
            }
            List<String> local = new ArrayList<>();
            // ZipInputStream reads the local headers only and checks each member's CRC at its end
            try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry z = zin.getNextEntry(); z != null; z = zin.getNextEntry()) {
                    local.add(z.getName());
                    zin.readAllBytes();
                }
            }
            assertEquals(central, local, c.file() + ": local and central directories list the same members");
            assertTrue(central.containsAll(List.of("obs.npy", "act.npy", "actor.obsStep.npy", "sequence.npy",
                    "episodes.return.npy")), central.toString());
        }
    }

    @Test
    void encodingTheSameFragmentTwiceGivesTheSameBytesAndAnotherOneDiffers() {
        try (Rollout rollout = Fixtures.scriptedRollout(false)) {
            ChunkCodec codec = new ChunkCodec();
            FragmentWriter copy = Fixtures.copy(rollout.next());
            Fragment first = copy.fragment();
            byte[] a = bytes(codec.encode(first));
            byte[] other = bytes(codec.encode(rollout.next()));
            byte[] b = bytes(codec.encode(first));
            assertEquals(ByteBuffer.wrap(a), ByteBuffer.wrap(b));
            assertTrue(!ByteBuffer.wrap(a).equals(ByteBuffer.wrap(other)), "the second fragment has other data");
            copy.close();
        }
    }

    @Test
    void incrementalManifestIsExactlyTheFullSerialisation() {
        Path dir = tmp.resolve("m");
        RecorderReplayTest.record(dir, RecorderOptions.defaults(), false).forEach(FragmentWriter::close);
        Manifest recorded = Dataset.open(dir).manifest();
        Manifest empty = new Manifest(recorded.schemaVersion(), recorded.envId(), false, recorded.spec(),
                recorded.seeds(), recorded.attributes(), List.of(), List.of());
        ManifestWriter writer = new ManifestWriter(empty);
        assertEquals(empty.toJson(), text(writer.render()), "no chunks");
        long[] versions = {3, 1, 3, 7};
        List<ChunkInfo> chunks = new ArrayList<>();
        for (int k = 0; k < recorded.chunks().size(); k++) {
            ChunkInfo c = recorded.chunks().get(k);
            ChunkInfo v = new ChunkInfo(c.file(), c.bytes() + k, c.crc32(), c.sequence(), versions[k % versions.length],
                    c.collector(), c.envOffset() + k, c.episodes());
            chunks.add(v);
            writer.add(v, recorded.fields());
            Manifest full = new Manifest(recorded.schemaVersion(), recorded.envId(), false, recorded.spec(),
                    recorded.seeds(), recorded.attributes(), recorded.fields(), chunks);
            assertEquals(full.toJson(), text(writer.render()), (k + 1) + " chunks");
            assertEquals(full, writer.manifest());
        }
        writer.complete();
        Manifest done = new Manifest(recorded.schemaVersion(), recorded.envId(), true, recorded.spec(),
                recorded.seeds(), recorded.attributes(), recorded.fields(), chunks);
        assertEquals(done.toJson(), text(writer.render()), "complete");
        assertEquals(done, Manifest.parse(text(writer.render())));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The rendered parts concatenated, as the gathering write writes them. */
    private static String text(ByteBuffer[] parts) {
        StringBuilder s = new StringBuilder();
        for (ByteBuffer b : parts) {
            s.append(new String(bytes(b), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    @Test
    void chunkNamesAndChecksumsAreFormattedAsBefore() {
        for (int i : new int[] {0, 7, 123456, 999999, 1000000, 12345678}) {
            assertEquals(String.format("chunk-%06d.npz", i), ChunkStore.chunkName(i));
        }
        for (long v : new long[] {0, 0xa, 0x9a0b1c2dL, 0xffffffffL, 0x10L}) {
            assertEquals(String.format("%08x", v), ChunkStore.hex8(v));
        }
    }
}
