package org.rlplay.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * Reads the fragments of one dataset file: row group k is the file's fragment k. Opening reads and
 * checks the footer (rlplay metadata present and of this schema version, the Parquet schema the
 * layout implies, one row group per listed fragment); {@link #read} checks every page (CRC) and
 * value. Every problem is a {@link DatasetException} naming the file.
 *
 * <p>Takes any parquet-java {@link InputFile}, so a job that reaches the files through another
 * file system (Spark executors: {@code HadoopInputFile}) maps rows back to fragments with the same
 * code. Owns the open file; used by one thread; {@link #close()} releases it.
 */
public final class FragmentReader implements AutoCloseable {
    private final Path name;
    private final ParquetFileReader reader;
    private final FileMetadata metadata;
    private FragmentDecoder decoder;

    private FragmentReader(Path name, ParquetFileReader reader, FileMetadata metadata) {
        this.name = name;
        this.reader = reader;
        this.metadata = metadata;
    }

    /** Opens the local dataset file {@code file}. */
    public static FragmentReader open(Path file) {
        return open(new LocalInputFile(file), file);
    }

    /**
     * Opens {@code file}, named {@code name} in errors.
     *
     * @throws DatasetException if it is not a readable Parquet file, not an rlplay dataset file, or its
     *     footer contradicts its schema
     */
    public static FragmentReader open(InputFile file, Path name) {
        ParquetFileReader reader;
        try {
            reader = new ParquetFileReader(file, Codecs.readOptions());
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(name, "not a readable Parquet file (truncated or corrupted?): " + e.getMessage(), e);
        }
        try {
            ParquetMetadata footer = reader.getFooter();
            Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
            String json = kv.get(FileMetadata.KEY);
            if (json == null) {
                throw new DatasetException(name, "a foreign Parquet file: no '" + FileMetadata.KEY + "' metadata (written by "
                        + footer.getFileMetaData().getCreatedBy() + "); import it with `rlplay import` instead");
            }
            FileMetadata metadata;
            try {
                metadata = FileMetadata.parse(json);
            } catch (IllegalArgumentException e) {
                throw new DatasetException(name, e.getMessage(), e);
            }
            MessageType expected = StepColumns.schema(metadata.layout());
            MessageType actual = footer.getFileMetaData().getSchema();
            if (!expected.equals(actual)) {
                throw new DatasetException(name, "a foreign schema: the columns differ from what the file's layout ("
                        + metadata.layout().describe() + ") implies; expected " + expected + " got " + actual);
            }
            int groups = footer.getBlocks().size();
            if (groups != metadata.fragments().size()) {
                throw new DatasetException(name, groups + " row groups, the footer lists " + metadata.fragments().size()
                        + " fragments");
            }
            return new FragmentReader(name, reader, metadata);
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    private static void closeQuietly(ParquetFileReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // the error being reported matters more
        }
    }

    /** The file's name, as given to {@link #open}. */
    public Path name() {
        return name;
    }

    FileMetadata metadata() {
        return metadata;
    }

    /** The env id the file was recorded on (or imported for). */
    public String envId() {
        return metadata.envId();
    }

    /** The recording run that wrote the file. */
    public int run() {
        return metadata.run();
    }

    /** The run's attributes. */
    public java.util.Map<String, String> attributes() {
        return metadata.attributes();
    }

    /** The footer's rlplay metadata as JSON (the format is {@code FileMetadata}'s, README "Datasets"). */
    public String metadataJson() {
        return metadata.toJson();
    }

    /** The layout of the file's fragments. */
    public Layout layout() {
        return metadata.layout();
    }

    /** The fragments' spec. */
    public FragmentSpec spec() {
        return metadata.layout().spec();
    }

    /** The number of fragments (row groups) in the file. */
    public int fragments() {
        return metadata.fragments().size();
    }

    /**
     * Reads fragment {@code index} into {@code dst}, a fragment of this file's {@link #spec()}.
     *
     * @throws DatasetException if the row group is corrupted or contradicts the footer
     */
    public void read(int index, FragmentWriter dst) {
        if (!dst.spec().equals(spec())) {
            throw new IllegalArgumentException("dst: layout " + dst.spec() + " differs from the file's " + spec());
        }
        if (index < 0 || index >= fragments()) {
            throw new IndexOutOfBoundsException("fragment " + index + " of " + fragments() + " in " + name);
        }
        PageReadStore rowGroup;
        try {
            rowGroup = reader.readRowGroup(index);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(name, "row group " + index + " cannot be read (corrupted?): " + e.getMessage(), e);
        }
        if (decoder == null) {
            decoder = new FragmentDecoder(metadata.layout());
        }
        try {
            decoder.decode(name, index, rowGroup, metadata, metadata.fragments().get(index), dst);
        } catch (DatasetException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DatasetException(name, "row group " + index + " cannot be read (corrupted?): " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new DatasetException(name, "cannot close the file: " + e, e);
        }
    }
}
