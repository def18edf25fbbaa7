package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/** A corrupted, truncated or foreign file, or files of two layouts, are a clear error naming the file. */
class DatasetValidationTest {
    @TempDir
    Path tmp;
    Path dir;
    Path file;

    @BeforeEach
    void recordDataset() {
        dir = tmp.resolve("data");
        RecorderReplayTest.record(dir, RecorderOptions.defaults().withCompression(Compression.UNCOMPRESSED), false)
                .forEach(FragmentWriter::close);
        file = Dataset.open(dir).files().get(0).path();
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

    @Test
    void aFlippedByteInAPageIsAChecksumErrorNamingTheFile() throws Exception {
        long at;
        try (org.apache.parquet.hadoop.ParquetFileReader r = new org.apache.parquet.hadoop.ParquetFileReader(
                new org.apache.parquet.io.LocalInputFile(file), Codecs.readOptions())) {
            // the middle of row group 1's observation chunk (one page: a short header, then the values)
            org.apache.parquet.hadoop.metadata.ColumnChunkMetaData obs = r.getFooter().getBlocks().get(1).getColumns().stream()
                    .filter(c -> c.getPath().toDotString().startsWith("observation.")).findFirst().orElseThrow();
            at = obs.getStartingPos() + obs.getTotalSize() / 2;
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) at] ^= 0x40;
        Files.write(file, bytes);
        DatasetException e = replayFails();
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": row group 1 "), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be read (corrupted?)"), e.getMessage());
        String chain = chain(e);
        assertTrue(chain.contains("checksum") || chain.contains("CRC"), chain);
        DatasetException v = assertThrows(DatasetException.class, () -> Dataset.open(dir).verify());
        assertEquals(file, v.file());
    }

    @Test
    void aTruncatedFileIsRefusedWhenTheDatasetIsOpened() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("not a readable Parquet file (truncated or corrupted?)"), e.getMessage());
    }

    @Test
    void aTextFileNamedParquetIsNotAParquetFile() throws Exception {
        Path text = file.resolveSibling("notes.parquet");
        Files.writeString(text, "this is not a Parquet file, it is some text that found its way here\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertEquals(text, e.file());
        assertTrue(e.getMessage().contains("not a readable Parquet file"), e.getMessage());
    }

    @Test
    void aParquetFileWithoutRlplayMetadataIsForeign() throws Exception {
        Path foreign = file.resolveSibling("export.parquet");
        MessageType schema = Types.buildMessage().required(PrimitiveTypeName.INT64).named("user_id").named("log");
        write(foreign, schema, Map.of("writer", "someone else"));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertEquals(foreign, e.file());
        assertTrue(e.getMessage().contains("a foreign Parquet file: no 'rlplay' metadata"), e.getMessage());
        assertTrue(e.getMessage().contains("rlplay import"), e.getMessage());
    }

    @Test
    void rlplayMetadataOverAnotherSchemaIsAForeignSchema() throws Exception {
        String json;
        try (FragmentReader r = FragmentReader.open(file)) {
            json = r.metadata().toJson();
        }
        Path odd = file.resolveSibling("odd.parquet");
        MessageType schema = Types.buildMessage().required(PrimitiveTypeName.INT64).named("episode_id").named("rlplay_step");
        write(odd, schema, Map.of(FileMetadata.KEY, json));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertEquals(odd, e.file());
        assertTrue(e.getMessage().contains("a foreign schema: the columns differ from what the file's layout"),
                e.getMessage());
        Files.delete(odd);
        write(odd, schema, Map.of(FileMetadata.KEY, json.replace("\"schema_version\":2", "\"schema_version\":9")));
        DatasetException v = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertTrue(v.getMessage().contains("unsupported schema version 9 (this reader knows 2)"), v.getMessage());
    }

    @Test
    void filesOfAnotherLayoutInTheSameDatasetAreNamedWithBothLayouts() {
        Path other = tmp.resolve("other");
        try (Rollout r = Recorder.wrap(Fixtures.scriptedRollout(true), other, Fixtures.info(),
                RecorderOptions.defaults().withPartition(RecorderOptions.fixed("date", "2020-01-01")))) {
            r.next();
        }
        // a sticky rollout has the same layout: fine; one of another T is not
        Dataset.open(java.util.List.of(dir, other), PartitionFilter.all());
        Path third = tmp.resolve("third");
        try (Rollout r = Recorder.wrap(org.rlplay.rollout.Rollouts.same(new org.rlplay.env.SerialVecEnv(
                java.util.List.of(new org.rlplay.testing.ScriptedEnv(new int[] {2}, 4))), new org.rlplay.testing.ScriptedActor(),
                org.rlplay.rollout.RolloutConfig.builder().length(3).build()), third, Fixtures.info())) {
            r.next();
        }
        DatasetException e = assertThrows(DatasetException.class,
                () -> Dataset.open(java.util.List.of(dir, third), PartitionFilter.all()));
        assertTrue(e.file().startsWith(third), e.getMessage());
        assertTrue(e.getMessage().contains("differ from those of " + file) && e.getMessage().contains("T=3, N=1")
                && e.getMessage().contains("T=5, N=3"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutADatasetIsRefused() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(empty));
        assertTrue(e.getMessage().contains("no dataset here"), e.getMessage());
        DatasetException missing = assertThrows(DatasetException.class, () -> Dataset.open(tmp.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("no dataset here: not a directory"), missing.getMessage());
    }

    private static void write(Path path, MessageType schema, Map<String, String> metadata) throws Exception {
        ParquetFileWriter w = new ParquetFileWriter(new LocalOutputFile(path), schema, ParquetFileWriter.Mode.CREATE,
                1 << 20, 0, 64, 64, false, (FileEncryptionProperties) null);
        w.start();
        w.end(metadata);
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" <- ");
        }
        return b.toString();
    }
}
