package org.rlplay.record;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * Writes fragments as they stream by into a dataset directory (see {@link Dataset} for the layout
 * and README "Datasets" for the columns): Parquet files of {@code fragmentsPerFile} fragments, one
 * row group each, under the day's Hive partition. A new recorder on an existing dataset of the
 * same env and layout appends a new run beside the earlier files, rewriting nothing.
 *
 * <h2>What a kill loses</h2>
 * A file appears only complete (atomic rename), and the recorder never holds more fragments that
 * are not on disk than one file's worth: a killed recorder loses at most the file in flight, that
 * is at most {@code fragmentsPerFile} fragments, whatever the writer's lag. With the background
 * writer, {@link #write} copies the fragment into one of {@code fragmentsPerFile} preallocated slots;
 * a slot is reused only once the file holding its fragment is complete, so a lagging writer makes
 * {@code write} wait (back-pressure, bounded by the timeout) instead of queueing more.
 *
 * <p>Threading: {@link #write}, {@link #flush} and {@link #close} are called from one thread, the
 * training loop's. The background writer thread is owned by the recorder; its failure (I/O error,
 * full disk) is rethrown, with its cause, by the next {@code write}, {@code flush} or by
 * {@code close}. {@code close} is idempotent: it writes what is queued, completes the file in
 * flight, stops and joins the writer and releases the slots.
 */
public final class Recorder implements AutoCloseable {
    private static final long POLL_MILLIS = 20;
    private static final long FLUSH_PARK_NANOS = 20_000;

    private final Path dir;
    private final FragmentSpec spec;
    private final RecorderOptions options;
    private final DatasetWriter store;
    private final List<FragmentWriter> slots = new ArrayList<>();
    private final ArrayBlockingQueue<FragmentWriter> free;
    private final ArrayBlockingQueue<FragmentWriter> full;
    private final Thread writer;
    private volatile boolean closing;
    /** Flushes asked for by {@link #flush} (the caller's thread) and completed by the writer thread. */
    private final java.util.concurrent.atomic.AtomicLong flushRequests = new java.util.concurrent.atomic.AtomicLong();
    private volatile long flushesDone;
    private volatile Throwable failure;
    private volatile long written;
    private boolean closed;

    private Recorder(Path dir, FragmentSpec spec, DatasetInfo info, RecorderOptions options) {
        this.dir = dir;
        this.spec = spec;
        this.options = options;
        this.store = new DatasetWriter(dir, spec, info, options);
        if (!options.background()) {
            free = null;
            full = null;
            writer = null;
            return;
        }
        int capacity = options.fragmentsPerFile();
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
     * Starts recording fragments of layout {@code spec} into {@code dir}: a new directory, an empty
     * one, or a dataset of the same env and layout to append a run to.
     *
     * @throws DatasetException if {@code dir} cannot hold this recording
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
     * out into {@code dir}. Closing it closes the recorder (completing the file in flight), then
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

    /** This recording's run number in the dataset. */
    public int run() {
        return store.run();
    }

    /** The layout of the fragments this recorder accepts. */
    public FragmentSpec spec() {
        return spec;
    }

    /** Fragments in complete files so far (may lag {@link #write} calls by up to a file). */
    public long fragmentsWritten() {
        return written;
    }

    /**
     * Records {@code f}: copies it for the writer thread (or writes it inline). {@code f} is not
     * kept; the caller may overwrite it as soon as this returns.
     *
     * @throws IllegalArgumentException if {@code f}'s layout is not {@link #spec()}, or its actor info
     *     differs from the earlier fragments' or the dataset's
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
            written = store.fragmentsWritten();
            return;
        }
        FragmentEncoder.check(f);
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
                            + " (" + written + " fragments written)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException(dir, "interrupted while waiting for the writer", e);
        }
    }

    /**
     * Blocks until every fragment passed to {@link #write} so far is in a complete file on disk,
     * completing the file in flight early if needed (the next fragment starts a new file).
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
            store.commit();
            written = store.fragmentsWritten();
            return;
        }
        if (free.size() == slots.size()) {
            return; // every fragment written is in a complete file
        }
        // every write() happened before this request: the writer drains them all before completing it
        flushRequests.incrementAndGet();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        while (free.size() < slots.size()) {
            rethrowFailure();
            if (System.nanoTime() - deadline > 0) {
                throw new DatasetException(dir, "the writer did not catch up within " + options.timeout()
                        + " (" + written + " fragments written)");
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new DatasetException(dir, "interrupted while waiting for the writer");
            }
            LockSupport.parkNanos(FLUSH_PARK_NANOS);
        }
        rethrowFailure();
    }

    /**
     * The writer thread: encodes each queued fragment into the file in flight and gives the slots
     * back only when that file is complete, so that the slots not free are exactly the fragments a
     * kill would lose.
     */
    private void writeLoop() {
        List<FragmentWriter> held = new ArrayList<>(slots.size());
        List<Integer> heldFile = new ArrayList<>(slots.size());
        try {
            while (true) {
                FragmentWriter slot = full.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (slot != null) {
                    append(slot, held, heldFile);
                } else if (closing || flushRequests.get() > flushesDone) {
                    boolean stop = closing;
                    long requested = flushRequests.get();
                    // every write() happened before closing was set or the flush was asked for: drain what they queued
                    for (FragmentWriter s = full.poll(); s != null; s = full.poll()) {
                        append(s, held, heldFile);
                    }
                    store.commit();
                    flushesDone = requested;
                    release(held, heldFile);
                    if (stop) {
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Writes a slot's fragment and frees the slots whose files are complete now. */
    private void append(FragmentWriter slot, List<FragmentWriter> held, List<Integer> heldFile) {
        store.append(slot.fragment());
        held.add(slot);
        heldFile.add(store.inFlight() ? store.filesWritten() : store.filesWritten() - 1);
        release(held, heldFile);
    }

    /** Frees the held slots whose fragments are in complete files. */
    private void release(List<FragmentWriter> held, List<Integer> heldFile) {
        written = store.fragmentsWritten();
        int complete = store.filesWritten();
        for (int i = held.size() - 1; i >= 0; i--) {
            if (heldFile.get(i) < complete) {
                free.add(held.remove(i));
                heldFile.remove(i);
            }
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t != null) {
            throw new DatasetException(dir, "recording failed after " + written + " fragments: " + t.getMessage(), t);
        }
    }

    /**
     * Writes what is queued, completes the file in flight, stops and joins the writer thread and
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
                            + "; the dataset keeps the " + written + " fragments already written");
                }
                rethrowFailure();
            } else {
                store.commit();
                written = store.fragmentsWritten();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException(dir, "interrupted while closing the recorder", e);
        } finally {
            slots.forEach(FragmentWriter::close);
        }
    }

    @Override
    public String toString() {
        return "Recorder(" + dir + ", run " + store.run() + ", " + written + " fragments)";
    }
}
