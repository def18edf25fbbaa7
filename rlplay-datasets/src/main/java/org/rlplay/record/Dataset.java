package org.rlplay.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * A recorded (or imported) dataset, opened for reading: one or more dataset directories, each a
 * tree of Parquet files partitioned Hive-style ({@code date=2026-12-01/run-000000-part-000000.parquet})
 * beside a {@code _rlplay/} directory of run descriptions. Every file holds whole fragments, one per
 * row group, one row per env step; the columns are {@link StepColumns}' (README, "Datasets"), the
 * metadata (schema version, env id, spaces, T, N, seeds, attributes, actor info columns, hx arrays,
 * each fragment's sequence and actor version) is JSON under the footer key {@code rlplay}.
 *
 * <p>What is on disk is the dataset: opening lists every complete {@code *.parquet} file (names
 * starting with '.' or '_', such as a killed recorder's temp file, are skipped), reads and checks
 * each footer, and keeps the files whose partition the filter accepts. Nothing lists the files, so a
 * file is never "complete but unknown". All files must have the same layout (spaces, T, N, actor
 * info); a file that is not Parquet, truncated, foreign (no rlplay metadata, another schema) or of
 * another layout is a {@link DatasetException} naming it. Pages are checked (CRC) and every value is
 * checked against the layout when read.
 *
 * <p>Fragments are numbered in file order: by dataset directory, then partition path, then file
 * name (run, part), then row group. Immutable and thread-safe; each {@link #replay},
 * {@link #readFragment} and {@link TransitionSampler#load} opens its own readers.
 */
public final class Dataset {
    private final List<Path> roots;
    private final List<DatasetFile> files;
    private final long[] firstFragment;
    private final Layout layout;
    private final String envId;
    private final List<Long> actorVersions;
    private final Map<Integer, long[]> seeds;
    private final Map<String, String> attributes;

    private Dataset(List<Path> roots, List<DatasetFile> files, Layout layout, String envId, List<Long> actorVersions,
                    Map<Integer, long[]> seeds, Map<String, String> attributes) {
        this.roots = List.copyOf(roots);
        this.files = List.copyOf(files);
        this.layout = layout;
        this.envId = envId;
        this.actorVersions = List.copyOf(actorVersions);
        this.seeds = seeds;
        this.attributes = Map.copyOf(attributes);
        this.firstFragment = new long[files.size() + 1];
        for (int i = 0; i < files.size(); i++) {
            firstFragment[i + 1] = firstFragment[i] + files.get(i).fragments();
        }
    }

    /** Opens the dataset in {@code dir}, every partition. */
    public static Dataset open(Path dir) {
        return open(List.of(dir), PartitionFilter.all());
    }

    /** Opens the partitions of the dataset in {@code dir} that {@code filter} accepts. */
    public static Dataset open(Path dir, PartitionFilter filter) {
        return open(List.of(dir), filter);
    }

    /**
     * Opens several dataset directories as one dataset (same env and layout), keeping the partitions
     * {@code filter} accepts.
     *
     * @throws DatasetException if a directory holds no dataset, a file is bad, or two files differ in
     *     env or layout (the message names both)
     */
    public static Dataset open(List<Path> dirs, PartitionFilter filter) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("no dataset directory given");
        }
        List<DatasetFile> files = new ArrayList<>();
        Layout layout = null;
        String envId = null;
        Path first = null;
        TreeSet<Long> versions = new TreeSet<>();
        Map<Integer, long[]> seeds = new LinkedHashMap<>();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Path root : dirs) {
            if (!Files.isDirectory(root)) {
                throw new DatasetException(root, "no dataset here: not a directory");
            }
            List<Path> paths = parquetFiles(root);
            if (paths.isEmpty() && !Files.isDirectory(root.resolve(DatasetWriter.RUNS_DIR))) {
                throw new DatasetException(root, "no dataset here: no Parquet files and no " + DatasetWriter.RUNS_DIR + "/");
            }
            for (Path p : paths) {
                Map<String, String> partition = Partitions.of(root, p);
                if (!filter.accepts(partition)) {
                    continue;
                }
                FileMetadata m;
                try (FragmentReader reader = FragmentReader.open(p)) {
                    m = reader.metadata();
                }
                if (layout == null) {
                    layout = m.layout();
                    envId = m.envId();
                    first = p;
                } else if (!layout.equals(m.layout()) || !envId.equals(m.envId())) {
                    throw new DatasetException(p, "its fragments (" + m.envId() + ": " + m.layout().describe()
                            + ") differ from those of " + first + " (" + envId + ": " + layout.describe() + ")");
                }
                m.fragments().forEach(fm -> versions.add(fm.actorVersion()));
                seeds.putIfAbsent(m.run(), m.seeds());
                attributes.putAll(m.attributes());
                files.add(new DatasetFile(p, root, partition, m.run(), m.fragments().size(),
                        (long) m.fragments().size() * m.layout().spec().length() * m.layout().spec().numEnvs()));
            }
        }
        if (layout == null) {
            FileMetadata run = newestRun(dirs);
            if (run == null) {
                throw new DatasetException(dirs.get(0), "no dataset here: no complete file and no readable run description");
            }
            layout = run.layout();
            envId = run.envId();
            attributes.putAll(run.attributes());
            seeds.put(run.run(), run.seeds());
        }
        return new Dataset(dirs, files, layout, envId, List.copyOf(versions), seeds, attributes);
    }

    /** The complete {@code *.parquet} files under {@code root}, skipping names that start with '.' or '_', sorted. */
    static List<Path> parquetFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root) && visible(root, p) && Files.isRegularFile(p)
                            && p.getFileName().toString().endsWith(".parquet"))
                    .sorted(Comparator.comparing(p -> root.relativize(p).toString())).toList();
        } catch (IOException e) {
            throw new DatasetException(root, "cannot list the dataset: " + e, e);
        }
    }

    private static boolean visible(Path root, Path p) {
        for (Path segment : root.relativize(p)) {
            String s = segment.toString();
            if (s.startsWith(".") || s.startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    private static FileMetadata newestRun(List<Path> dirs) {
        FileMetadata newest = null;
        for (Path root : dirs) {
            Path runs = root.resolve(DatasetWriter.RUNS_DIR);
            if (!Files.isDirectory(runs)) {
                continue;
            }
            try (Stream<Path> list = Files.list(runs)) {
                for (Path p : list.sorted().toList()) {
                    try {
                        FileMetadata m = FileMetadata.parse(Files.readString(p));
                        if (newest == null || m.run() > newest.run()) {
                            newest = m;
                        }
                    } catch (IOException | IllegalArgumentException unreadable) {
                        // a run killed while describing itself left no data either
                    }
                }
            } catch (IOException e) {
                throw new DatasetException(runs, "cannot list the runs: " + e, e);
            }
        }
        return newest;
    }

    /** The dataset directories. */
    public List<Path> directories() {
        return roots;
    }

    /** The files read, in fragment order. */
    public List<DatasetFile> files() {
        return files;
    }

    /** The layout of every fragment (spec and actor info columns). */
    public Layout layout() {
        return layout;
    }

    /** The layout of every fragment. */
    public FragmentSpec spec() {
        return layout.spec();
    }

    /** The env id the dataset was recorded on (or imported for). */
    public String envId() {
        return envId;
    }

    /** The number of fragments. */
    public long numFragments() {
        return firstFragment[files.size()];
    }

    /** Env steps (rows): T * N per fragment. */
    public long transitions() {
        return numFragments() * spec().length() * spec().numEnvs();
    }

    /** The distinct actor versions of the fragments, ascending. */
    public List<Long> actorVersions() {
        return actorVersions;
    }

    /** The start-up seeds of each run read, by run number. */
    public Map<Integer, long[]> seeds() {
        Map<Integer, long[]> copy = new LinkedHashMap<>();
        seeds.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The runs' attributes, merged (a later run's value wins). */
    public Map<String, String> attributes() {
        return attributes;
    }

    /**
     * Refuses a dataset whose spaces differ from the consumer's.
     *
     * @return this dataset
     * @throws DatasetException naming the first file and giving both full descriptions of the first
     *     space that differs
     */
    public Dataset requireSpaces(Space observation, Space action) {
        requireSpace("observation", spec().observationSpace(), observation);
        requireSpace("action", spec().actionSpace(), action);
        return this;
    }

    private void requireSpace(String what, Space recorded, Space expected) {
        if (!recorded.equals(expected)) {
            Path where = files.isEmpty() ? roots.get(0) : files.get(0).path();
            throw new DatasetException(where, what + " spaces differ: the dataset has " + recorded + " "
                    + SpaceJson.toJson(recorded) + ", the consumer expects " + expected + " " + SpaceJson.toJson(expected));
        }
    }

    /** The file index holding fragment {@code index}. */
    int fileOf(long index) {
        if (index < 0 || index >= numFragments()) {
            throw new IndexOutOfBoundsException("fragment " + index + " of " + numFragments());
        }
        int lo = 0;
        int hi = files.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstFragment[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The index of fragment {@code index} within its file. */
    int rowGroupOf(long index, int file) {
        return (int) (index - firstFragment[file]);
    }

    /**
     * Reads fragment {@code index} into {@code dst}, a fragment of this dataset's {@link #spec()}.
     *
     * @throws DatasetException if its file is corrupted
     */
    public void readFragment(long index, FragmentWriter dst) {
        int file = fileOf(index);
        try (FragmentReader reader = FragmentReader.open(files.get(file).path())) {
            reader.read(rowGroupOf(index, file), dst);
        }
    }

    /**
     * Reads every fragment once and checks it fully.
     *
     * @throws DatasetException at the first bad file
     */
    public void verify() {
        try (FragmentWriter scratch = new FragmentWriter(spec())) {
            for (DatasetFile f : files) {
                try (FragmentReader reader = FragmentReader.open(f.path())) {
                    for (int k = 0; k < reader.fragments(); k++) {
                        reader.read(k, scratch);
                    }
                }
            }
        }
    }

    /**
     * Replays the dataset as a {@link Rollout}, the type the online modes give: each {@code next()}
     * reads one fragment into a slot that stays valid until the next call; {@code hasNext()} turns
     * false after the last fragment of the last pass.
     */
    public Rollout replay(ReplayOptions options) {
        return new ReplayRollout(this, options);
    }
}
