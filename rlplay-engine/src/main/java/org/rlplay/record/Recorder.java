package org.rlplay.record;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;

/**
 * Writes fragments as they stream by into a dataset directory: one {@code .npz} chunk per fragment
 * (see {@link Dataset} for the layout) plus {@code manifest.json}, losing at most the chunk in
 * flight if the process dies.
 *
 * <p>Attach it to any rollout with {@link #wrap}, or call {@link #write} yourself. By default a
 * background writer thread, owned by the recorder, encodes and writes the chunks: {@code write}
 * copies the fragment into one of {@code queueCapacity} preallocated slots and returns, and blocks
 * only while every slot is still waiting to be written (back-pressure, bounded by the timeout). The
 * writer lists every chunk queued at the time in one manifest update (group commit), so a slow disk
 * costs fewer syncs per chunk the further it falls behind.
 * With {@code queueCapacity = 0} chunks are written inline on the caller's thread.
 *
 * {@link #flush} waits until everything written so far is on disk and listed.
 *
 * <p>Threading: {@link #write}, {@link #flush} and {@link #close} are called from one thread, the training loop's.
 * A failure of the writer thread (I/O error, full disk) is rethrown, with its cause, by the next
 * {@code write} or by {@code close}. {@code close} is idempotent: it writes what is queued, marks
 * the manifest complete, stops and joins the writer and releases the slots.
 */
public final class Recorder implements AutoCloseable {
    private static final long POLL_MILLIS = 20;
    private static final long FLUSH_PARK_NANOS = 20_000;

    private final Path dir;
    private final FragmentSpec spec;
    private final RecorderOptions options;
    private final ChunkStore store;
    private final List<FragmentWriter> slots = new ArrayList<>();
    private final ArrayBlockingQueue<FragmentWriter> free;
    private final ArrayBlockingQueue<FragmentWriter> full;
    private final Thread writer;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile int written;
    private boolean closed;

    private Recorder(Path dir, FragmentSpec spec, DatasetInfo info, RecorderOptions options) {
        this.dir = dir;
        this.spec = spec;
        this.options = options;
        Manifest initial = new Manifest(Manifest.SCHEMA_VERSION, info.envId(), false, spec, info.seeds(),
                info.attributes(), List.of(), List.of());
        this.store = new ChunkStore(dir, initial, options.fsync());
        int capacity = options.queueCapacity();
        if (capacity == 0) {
            free = null;
            full = null;
            writer = null;
            return;
        }
        free = new ArrayBlockingQueue<>(capacity);
        full = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < capacity; i++) {
            FragmentWriter slot = new FragmentWriter(spec);
            slots.add(slot);
            free.add(slot);
        }
        writer = new Thread(this::writeLoop, "rlplay-recorder-" + dir.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Starts recording fragments of layout {@code spec} into {@code dir}, which must not exist or
     * be empty; writes the initial (empty) manifest.
     *
     * @throws DatasetException if {@code dir} cannot hold a new dataset
     */
    public static Recorder create(Path dir, FragmentSpec spec, DatasetInfo info, RecorderOptions options) {
        return new Recorder(dir, spec, info, options);
    }

    /** As {@link #create(Path, FragmentSpec, DatasetInfo, RecorderOptions)} with the default options. */
    public static Recorder create(Path dir, FragmentSpec spec, DatasetInfo info) {
        return create(dir, spec, info, RecorderOptions.defaults());
    }

    /**
     * A rollout that yields exactly what {@code rollout} yields and records every fragment it hands
     * out into {@code dir}. Closing it closes the recorder (completing the dataset), then
     * {@code rollout}. Works for every mode, since it only sees the iterator.
     */
    public static Rollout wrap(Rollout rollout, Path dir, DatasetInfo info, RecorderOptions options) {
        return new RecordingRollout(rollout, create(dir, rollout.spec(), info, options));
    }

    /** As {@link #wrap(Rollout, Path, DatasetInfo, RecorderOptions)} with the default options. */
    public static Rollout wrap(Rollout rollout, Path dir, DatasetInfo info) {
        return wrap(rollout, dir, info, RecorderOptions.defaults());
    }

    /** The dataset directory. */
    public Path directory() {
        return dir;
    }

    /** The layout of the fragments this recorder accepts. */
    public FragmentSpec spec() {
        return spec;
    }

    /** Chunks written and listed in the manifest so far (may lag {@link #write} calls). */
    public int chunksWritten() {
        return written;
    }

    /**
     * Records {@code f}: copies it for the writer thread (or writes it inline). {@code f} is not
     * kept; the caller may overwrite it as soon as this returns.
     *
     * @throws IllegalArgumentException if {@code f}'s layout is not {@link #spec()}
     * @throws IllegalStateException    if the recorder is closed
     * @throws DatasetException         if writing failed (now or in the writer thread before), or
     *                                  no slot came free within the timeout
     */
    public void write(Fragment f) {
        if (closed) {
            throw new IllegalStateException("the recorder of " + dir + " is closed");
        }
        if (!f.spec().equals(spec)) {
            throw new IllegalArgumentException("fragment: layout " + f.spec() + " differs from the recorder's " + spec);
        }
        rethrowFailure();
        if (writer == null) {
            store.append(f);
            written = store.chunks();
            return;
        }
        FragmentWriter slot = takeFreeSlot();
        slot.copyFrom(f);
        full.add(slot);
    }

    private FragmentWriter takeFreeSlot() {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try {
            while (true) {
                FragmentWriter slot = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (slot != null) {
                    return slot;
                }
                rethrowFailure();
                if (System.nanoTime() - deadline > 0) {
                    throw new DatasetException(dir, "the writer did not free a slot within " + options.timeout()
                            + " (" + written + " chunks written)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException(dir, "interrupted while waiting for the writer", e);
        }
    }

    /**
     * Blocks until every fragment passed to {@link #write} so far is written and listed in the
     * manifest (at once in inline mode).
     *
     * @throws IllegalStateException if the recorder is closed
     * @throws DatasetException      if writing failed, or the writer did not catch up within the timeout
     */
    public void flush() {
        if (closed) {
            throw new IllegalStateException("the recorder of " + dir + " is closed");
        }
        rethrowFailure();
        if (writer == null) {
            return;
        }
        long deadline = System.nanoTime() + options.timeout().toNanos();
        while (free.size() < slots.size()) {
            rethrowFailure();
            if (System.nanoTime() - deadline > 0) {
                throw new DatasetException(dir, "the writer did not catch up within " + options.timeout()
                        + " (" + written + " chunks written)");
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new DatasetException(dir, "interrupted while waiting for the writer");
            }
            LockSupport.parkNanos(FLUSH_PARK_NANOS);
        }
        rethrowFailure();
    }

    private void writeLoop() {
        List<FragmentWriter> group = new ArrayList<>(options.queueCapacity());
        try {
            while (true) {
                FragmentWriter slot = full.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (slot != null) {
                    group.add(slot);
                    full.drainTo(group);
                    append(group);
                } else if (closing) {
                    // every write() happened before closing was set: drain what they queued
                    full.drainTo(group);
                    if (!group.isEmpty()) {
                        append(group);
                    }
                    return;
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Writes the queued fragments as one group commit and frees their slots. */
    private void append(List<FragmentWriter> group) {
        List<Fragment> fragments = new ArrayList<>(group.size());
        group.forEach(w -> fragments.add(w.fragment()));
        store.appendAll(fragments);
        written = store.chunks();
        free.addAll(group);
        group.clear();
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t != null) {
            throw new DatasetException(dir, "recording failed after " + written + " chunks: " + t.getMessage(), t);
        }
    }

    /**
     * Writes what is queued, marks the dataset complete, stops and joins the writer thread and
     * releases the slots. Idempotent.
     *
     * @throws DatasetException if writing failed or the writer did not finish within the timeout
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        try {
            if (writer != null) {
                writer.join(options.timeout().toMillis());
                if (writer.isAlive()) {
                    writer.interrupt();
                    writer.join(options.timeout().toMillis());
                    throw new DatasetException(dir, "the writer did not finish within " + options.timeout()
                            + "; the dataset keeps the " + written + " chunks already listed");
                }
            }
            rethrowFailure();
            store.complete();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException(dir, "interrupted while closing the recorder", e);
        } finally {
            slots.forEach(FragmentWriter::close);
        }
    }

    @Override
    public String toString() {
        return "Recorder(" + dir + ", " + written + " chunks)";
    }
}
