package org.rlplay.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * The writing side of a dataset directory for one recording run: claims the run's number, writes
 * fragments into Parquet files of {@code fragmentsPerFile} row groups under the day's partition,
 * and makes each file visible only when complete.
 *
 * <p>A file is written as a hidden temp file ({@code date=.../.run-000003-part-000007.parquet.tmp},
 * which Spark, pyarrow, DuckDB globs and {@link Dataset} all skip), closed with its footer, forced to
 * disk if fsync is on, then renamed atomically to {@code run-000003-part-000007.parquet} (and the
 * directory forced). A process killed at any point leaves every earlier file whole and at most a
 * stray temp file. Nothing else is rewritten: later runs and days add files beside the old ones.
 *
 * <p>Used by one thread at a time: the recorder's writer thread, or the caller's in inline mode.
 */
final class DatasetWriter {
    static final String TEMP_SUFFIX = ".tmp";

    static final String RUNS_DIR = "_rlplay";

    private final Path root;
    private final FragmentSpec spec;
    private final DatasetInfo info;
    private final RecorderOptions options;
    private final int run;
    private final Layout existing;
    private final EpisodeIds episodeIds;
    private Layout layout;
    private FragmentEncoder encoder;
    private ParquetFileWriter file;
    private Path temp;
    private Path target;
    private final List<FileMetadata.FragmentMeta> fragments = new ArrayList<>();
    private int part;
    private int filesWritten;
    private long fragmentsWritten;
    private long[] ids;
    private boolean[] padding;

    /**
     * Opens {@code root} for a new run: creates it, or appends to the dataset it holds if that records
     * the same env with the same fragment layout; writes the run's description
     * ({@code _rlplay/run-NNNNNN.json}).
     *
     * @throws DatasetException if {@code root} is a file, a non-empty directory that holds no dataset,
     *     a dataset of another env or layout, or on I/O errors
     */
    DatasetWriter(Path root, FragmentSpec spec, DatasetInfo info, RecorderOptions options) {
        this.root = root;
        this.spec = spec;
        this.info = info;
        this.options = options;
        this.existing = checkRoot();
        this.run = claimRun();
        this.episodeIds = new EpisodeIds(run);
    }

    private Layout checkRoot() {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new DatasetException(root, "cannot record here: it is a file, not a directory");
        }
        if (!Files.isDirectory(root)) {
            return null;
        }
        boolean empty;
        try (var entries = Files.list(root)) {
            empty = entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new DatasetException(root, "cannot list the directory: " + e, e);
        }
        if (empty) {
            return null;
        }
        if (!Files.isDirectory(root.resolve(RUNS_DIR))) {
            throw new DatasetException(root, "cannot record here: the directory is not empty and holds no dataset"
                    + " (no " + RUNS_DIR + "/)");
        }
        Dataset d = Dataset.open(root);
        if (!d.envId().equals(info.envId())) {
            throw new DatasetException(root, "cannot append: the dataset records " + d.envId() + ", this run "
                    + info.envId());
        }
        if (!d.spec().equals(spec)) {
            throw new DatasetException(root, "cannot append: the dataset's fragments are " + d.layout().describe()
                    + "; this run's are " + new Layout(spec, List.of()).describe());
        }
        return d.files().isEmpty() ? null : d.layout();
    }

    private int claimRun() {
        Path runs = root.resolve(RUNS_DIR);
        try {
            Files.createDirectories(runs);
            for (int r = 0; ; r++) {
                Path claim = runs.resolve(runName(r) + ".json");
                String json = new FileMetadata(info.envId(), r, new Layout(spec, List.of()), info.seeds(),
                        info.attributes(), List.of(), List.of()).toJson();
                try {
                    Files.writeString(claim, json, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    if (options.fsync()) {
                        sync(claim);
                        sync(runs);
                    }
                    return r;
                } catch (FileAlreadyExistsException taken) {
                    // another run has this number: try the next
                }
            }
        } catch (IOException e) {
            throw new DatasetException(root, "cannot create the dataset: " + e, e);
        }
    }

    static String runName(int run) {
        return "run-" + pad(run);
    }

    static String fileName(int run, int part) {
        return runName(run) + "-part-" + pad(part) + ".parquet";
    }

    private static String pad(int n) {
        String digits = Integer.toString(n);
        return "000000".substring(Math.min(6, digits.length())) + digits;
    }

    int run() {
        return run;
    }

    /** Files completed so far. */
    int filesWritten() {
        return filesWritten;
    }

    /** Fragments in completed files. */
    long fragmentsWritten() {
        return fragmentsWritten;
    }

    /** Whether a file is open (holding fragments not on disk yet). */
    boolean inFlight() {
        return file != null;
    }

    /**
     * Writes {@code f} as the next row group, starting a file if none is open and completing it when
     * it holds {@code fragmentsPerFile} fragments (or earlier, when the recurrent state's arrays change).
     *
     * @throws IllegalArgumentException if {@code f}'s layout differs from the run's or the dataset's
     * @throws DatasetException         on I/O errors
     */
    void append(Fragment f) {
        FragmentEncoder.check(f);
        Layout l = Layout.of(f);
        if (layout == null) {
            if (existing != null && !existing.equals(l)) {
                throw new IllegalArgumentException("fragment: layout " + l.describe() + " differs from the dataset's "
                        + existing.describe() + " in " + root);
            }
            layout = l;
            encoder = new FragmentEncoder(l);
            ids = new long[f.length() * f.numEnvs()];
            padding = new boolean[ids.length];
        } else if (!layout.equals(l)) {
            throw new IllegalArgumentException("fragment: layout " + l.describe() + " differs from this run's "
                    + layout.describe());
        }
        if (file != null && !encoder.hxFits(f)) {
            commit();
        }
        if (file == null) {
            begin();
        }
        markPadding(f);
        episodeIds.assign(f, padding, ids);
        try {
            ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(
                    Codecs.INSTANCE.getCompressor(options.compression().codec()), encoder.schema(),
                    HeapByteBufferAllocator.getInstance(), 64, true);
            encoder.encode(f, ids, pages);
            file.startBlock((long) f.length() * f.numEnvs());
            pages.flushToFileWriter(file);
            file.endBlock();
            pages.close();
        } catch (IOException e) {
            throw new DatasetException(temp, "cannot write the file: " + e, e);
        }
        fragments.add(new FileMetadata.FragmentMeta(f.sequence(), f.actorVersion(), f.collector(), f.envOffset(),
                f.episodes().count(), f.hx() != null));
        if (fragments.size() >= options.fragmentsPerFile()) {
            commit();
        }
    }

    private void markPadding(Fragment f) {
        java.util.Arrays.fill(padding, false);
        int length = f.length();
        for (int j = 0; j < f.numEnvs(); j++) {
            for (int t = 0; t < length; t++) {
                padding[j * length + t] = f.fin(t + 1, j);
            }
        }
        for (int i = 0; i < f.episodes().count(); i++) {
            padding[f.episodes().env(i) * length + f.episodes().record(i) - 1] = false;
        }
    }

    private void begin() {
        String partition = options.partition().path(options.today());
        Partitions.requirePath(partition);
        Path dir = root.resolve(partition);
        String name = fileName(run, part++);
        target = dir.resolve(name);
        temp = dir.resolve("." + name + TEMP_SUFFIX);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(temp);
            file = new ParquetFileWriter(new LocalFile(temp), encoder.schema(), ParquetFileWriter.Mode.CREATE,
                    128L << 20, 0, 64, Integer.MAX_VALUE, true, (FileEncryptionProperties) null);
            file.start();
        } catch (IOException e) {
            file = null;
            throw new DatasetException(temp, "cannot write the file: " + e, e);
        }
        fragments.clear();
    }

    /** Completes the open file (footer, fsync, atomic rename), if any. */
    void commit() {
        if (file == null) {
            return;
        }
        FileMetadata meta = new FileMetadata(info.envId(), run, layout, info.seeds(), info.attributes(), encoder.hx(),
                fragments);
        try {
            file.end(Map.of(FileMetadata.KEY, meta.toJson()));
            file = null;
            if (options.fsync()) {
                sync(temp);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (options.fsync()) {
                sync(target.getParent());
            }
        } catch (IOException e) {
            file = null;
            throw new DatasetException(target, "cannot complete the file: " + e, e);
        }
        filesWritten++;
        fragmentsWritten += fragments.size();
        fragments.clear();
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
