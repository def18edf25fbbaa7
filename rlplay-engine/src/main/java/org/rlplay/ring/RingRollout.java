package org.rlplay.ring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.ProducerType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Collector;
import org.rlplay.rollout.Rollout;

/**
 * The {@code single} and {@code multi} modes: collector threads write fragments into a Disruptor
 * ring of K preallocated slots, and the training loop's {@link #next()} takes them in ring order.
 * Construct through {@code Rollouts.single}/{@code Rollouts.multi}.
 *
 * <h2>Hand-off</h2>
 * Each collector thread claims the next ring sequence, collects straight into that slot and
 * publishes it ({@code single}: a single-producer ring; {@code multi}: a multi-producer ring). The
 * learner is the ring's only consumer: its own {@link Sequence} gates the producers, and a slot
 * handed out by {@code next()} stays untouched until the following {@code next()} releases it.
 * Producers block while all K slots are written and unreleased (back-pressure: nothing is dropped or
 * queued elsewhere). With {@link RingConfig#batch()} M &gt; 1, {@code next()} copies M consecutive
 * ring fragments into one (T+1, M * N_per, ...) fragment owned by this rollout and releases each
 * slot as soon as it is copied. Nothing is allocated per fragment on this path.
 *
 * <h2>Weights</h2>
 * {@link #publish()} bumps the actor version and lets the {@link WeightSync} snapshot the learner's
 * weights; each collector adopts the newest snapshot before it starts a fragment and labels the
 * fragment with the version it adopted. {@link #lag(Fragment)} is the policy lag; with
 * {@link RingConfig#maxLag()} collectors wait rather than run ahead (see there for the guarantee).
 *
 * <h2>Failure and shutdown</h2>
 * A collector's exception stops every collector and is thrown, as a {@link CollectorException}
 * holding the cause and the collector and env index, from the learner's next {@code hasNext()} or
 * {@code next()}. A learner waiting longer than {@link RingConfig#timeout()} for one fragment gets a
 * {@link CollectorException} naming the collector writing it, with that thread's stack. Every wait
 * of every thread ends on {@link #close()}, which is idempotent and stops and joins every collector
 * thread within 5 s: it wakes them, interrupts those still running after 1 s, and closes the envs of
 * those still running after 2 s (which ends waits on I/O or child processes).
 *
 * <p>Threads: {@code next()}, {@code hasNext()}, {@code publish()} and {@code close()} are for the
 * training loop's thread; the collector threads ({@link #THREAD_PREFIX}{@code <rollout>-<collector>},
 * daemon) are owned by this rollout. The rollout owns the collectors (their envs), the slots and the
 * {@link WeightSync}; it does not own the actors.
 */
public final class RingRollout implements Rollout {
    /** Every collector thread's name starts with this prefix. */
    public static final String THREAD_PREFIX = "rlplay-collector-";

    private static final AtomicInteger ROLLOUTS = new AtomicInteger();
    /** Period at which a parked collector re-checks its condition even if nobody woke it. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_NANOS = TimeUnit.MILLISECONDS.toNanos(4500);

    private final RingConfig config;
    private final WeightSync weights;
    private final FragmentSpec spec;
    private final int partEnvs;
    private final RingBuffer<Slot> ring;
    private final SequenceBarrier barrier;
    private final Sequence consumed = new Sequence(Sequencer.INITIAL_CURSOR_VALUE);
    private final CollectorWorker[] workers;
    private final Fragment batch;
    private final AtomicReference<CollectorException> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile boolean closing;
    private volatile long version;
    /** Highest ring sequence the learner has asked for, and the version it held when it asked. */
    private volatile long requested = Sequencer.INITIAL_CURSOR_VALUE;
    private volatile long versionAtRequest;

    // The learner's thread only.
    private long nextSequence;
    private boolean holding;
    private long available = Sequencer.INITIAL_CURSOR_VALUE;
    private long envSteps;
    private long batches;
    private NDManager hxScratch;
    private boolean closed;

    private RingRollout(List<Collector> collectors, boolean multiProducer, RingConfig config) {
        if (collectors.isEmpty()) {
            throw new IllegalArgumentException("collectors: at least one collector is needed");
        }
        if (!multiProducer && collectors.size() != 1) {
            throw new IllegalArgumentException("collectors: a single-producer ring takes exactly one collector, got "
                    + collectors.size());
        }
        FragmentSpec part = collectors.get(0).spec();
        for (int c = 1; c < collectors.size(); c++) {
            FragmentSpec other = collectors.get(c).spec();
            if (!other.equals(part)) {
                throw new IllegalArgumentException("collector " + c + " writes fragments of " + other
                        + " but collector 0 writes " + part + "; every collector needs the same spec (same N)");
            }
        }
        this.config = config;
        this.weights = config.weights();
        this.partEnvs = part.numEnvs();
        this.spec = config.batch() == 1 ? part : part.withNumEnvs(Math.multiplyExact(config.batch(), partEnvs));
        FragmentWaitStrategy wait = new FragmentWaitStrategy(config.timeout().toNanos());
        EventFactory<Slot> factory = () -> new Slot(new Fragment(part));
        this.ring = RingBuffer.create(multiProducer ? ProducerType.MULTI : ProducerType.SINGLE, factory,
                config.slots(), wait);
        wait.bind(ring);
        ring.addGatingSequences(consumed);
        this.barrier = ring.newBarrier();
        this.batch = config.batch() == 1 ? null : new Fragment(spec);
        int id = ROLLOUTS.getAndIncrement();
        this.workers = new CollectorWorker[collectors.size()];
        for (int c = 0; c < workers.length; c++) {
            workers[c] = new CollectorWorker(c, collectors.get(c), this, THREAD_PREFIX + id + "-" + c);
        }
    }

    /**
     * Starts a ring rollout over {@code collectors} (collector c must have index c), taking ownership
     * of them and of {@code config.weights()}: they are closed here if the rollout cannot be built.
     * For {@code Rollouts.single} ({@code multiProducer} false, one collector) and
     * {@code Rollouts.multi}.
     *
     * @throws IllegalArgumentException if there are no collectors, several for a single-producer
     *     ring, or collectors with different fragment specs
     */
    public static RingRollout start(List<Collector> collectors, boolean multiProducer, RingConfig config) {
        RingRollout rollout;
        try {
            rollout = new RingRollout(collectors, multiProducer, config);
        } catch (RuntimeException e) {
            for (Collector c : collectors) {
                closeQuietly(c, e);
            }
            closeQuietly(config.weights(), e);
            throw e;
        }
        for (CollectorWorker w : rollout.workers) {
            w.thread.start();
        }
        return rollout;
    }

    private static void closeQuietly(AutoCloseable c, Throwable into) {
        try {
            c.close();
        } catch (Exception e) {
            into.addSuppressed(e);
        }
    }

    // ---- the learner's side ----------------------------------------------------------------------

    @Override
    public FragmentSpec spec() {
        return spec;
    }

    /** Env steps in the fragments handed to the learner so far. */
    @Override
    public long envSteps() {
        return envSteps;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long publish() {
        if (closed) {
            throw new IllegalStateException("the rollout is closed");
        }
        long v = version + 1;
        weights.publish(v);
        version = v;
        if (config.boundsLag()) {
            wakeProducers();
        }
        return v;
    }

    /** True until closed. @throws CollectorException if a collector failed or hung */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        throwIfFailed();
        return true;
    }

    /**
     * The next fragment in ring order (or the next M collated), valid until the next call; releases
     * the previous one. Waits while none is ready.
     *
     * @throws CollectorException     if a collector failed, or none delivered within the timeout
     * @throws NoSuchElementException if the rollout is closed
     */
    @Override
    public Fragment next() {
        if (closed) {
            throw new NoSuchElementException("the rollout is closed");
        }
        throwIfFailed();
        return batch == null ? nextSlot() : nextBatch();
    }

    private Fragment nextSlot() {
        if (holding) {
            holding = false;
            release(nextSequence - 1);
        }
        long sequence = nextSequence;
        request(sequence);
        Slot slot = take(sequence);
        nextSequence = sequence + 1;
        holding = true;
        envSteps += slot.envSteps;
        return slot.fragment;
    }

    private Fragment nextBatch() {
        int m = config.batch();
        long first = nextSequence;
        request(first + m - 1);
        batch.clearEpisodes();
        long oldest = Long.MAX_VALUE;
        HxCollation hx = null;
        try {
            for (int i = 0; i < m; i++) {
                Slot slot = take(first + i);
                Fragment part = slot.fragment;
                part.copyEnvsTo(batch, i * partEnvs);
                if (part.hx() != null || hx != null) {
                    if (hx == null) {
                        hx = new HxCollation(hxScratch(), m, partEnvs);
                    }
                    hx.add(i, part.hx());
                }
                oldest = Math.min(oldest, part.actorVersion());
                envSteps += slot.envSteps;
                nextSequence = first + i + 1;
                release(first + i);
            }
            batch.setHx(hx == null ? null : hx.concat());
        } finally {
            if (hx != null) {
                hx.close();
            }
        }
        batch.setMeta(batches++, oldest, -1, 0);
        return batch;
    }

    private NDManager hxScratch() {
        if (hxScratch == null) {
            hxScratch = NDManager.newBaseManager();
        }
        return hxScratch;
    }

    /** Hands slot {@code sequence} back to the producers. */
    private void release(long sequence) {
        consumed.setVolatile(sequence);
        wakeProducers();
    }

    /** Records that the learner asked for every sequence up to {@code sequence}, at the current version. */
    private void request(long sequence) {
        versionAtRequest = version;
        requested = sequence;
        if (config.boundsLag()) {
            wakeProducers();
        }
    }

    private Slot take(long sequence) {
        if (sequence > available) {
            try {
                available = barrier.waitFor(sequence);
            } catch (AlertException e) {
                throw stopped();
            } catch (TimeoutException e) {
                fail(hung(sequence));
                throw stopped();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a fragment", e);
            }
        }
        Slot slot = ring.get(sequence);
        if (!slot.complete) {
            throw stopped();
        }
        return slot;
    }

    private void throwIfFailed() {
        CollectorException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    private RuntimeException stopped() {
        CollectorException f = failure.get();
        return f != null ? f : new IllegalStateException("the rollout's collectors have stopped");
    }

    private CollectorException hung(long sequence) {
        String waited = "no fragment within " + config.timeout().toMillis() + " ms";
        for (CollectorWorker w : workers) {
            if (w.writing == sequence) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - w.writingSince);
                java.util.concurrent.TimeoutException stack = new java.util.concurrent.TimeoutException(
                        "stack of " + w.thread.getName() + " when the learner gave up");
                stack.setStackTrace(w.thread.getStackTrace());
                return new CollectorException(w.index, CollectorException.NO_ENV, "collector " + w.index
                        + " hung: " + waited + "; it has been " + w.activity + " ring sequence " + sequence
                        + " for " + ms + " ms", stack);
            }
        }
        StringBuilder states = new StringBuilder();
        for (CollectorWorker w : workers) {
            states.append(states.length() == 0 ? "" : ", ").append("collector ").append(w.index).append(' ')
                    .append(w.activity);
        }
        return new CollectorException(-1, CollectorException.NO_ENV, waited + " and no collector is writing ring sequence "
                + sequence + " (" + states + ")", new java.util.concurrent.TimeoutException(waited));
    }

    // ---- the collectors' side (called on collector threads) ---------------------------------------

    Slot slot(long sequence) {
        return ring.get(sequence);
    }

    WeightSync weights() {
        return weights;
    }

    int actorThreads() {
        return config.actorThreads();
    }

    /** Claims the next ring sequence, parking while the ring is full; -1 once the rollout stops. */
    long claim(CollectorWorker w) {
        while (!stopping) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException full) {
                w.parked = true;
                VarHandle.fullFence();
                if (!stopping && !ring.hasAvailableCapacity(1)) {
                    LockSupport.parkNanos(this, RECHECK_NANOS);
                }
                w.parked = false;
            }
        }
        return -1;
    }

    /** Parks until ring sequence {@code sequence} may start under the lag bound; false once the rollout stops. */
    boolean awaitLag(CollectorWorker w, long sequence) {
        if (!config.boundsLag()) {
            return true;
        }
        while (!stopping) {
            if (lagAllows(sequence)) {
                return true;
            }
            w.parked = true;
            VarHandle.fullFence();
            if (!stopping && !lagAllows(sequence)) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
            w.parked = false;
        }
        return false;
    }

    /**
     * Whether a fragment for ring sequence s, collected with the newest version v, can be
     * delivered with lag at most L. The learner's version when it asks for s is what s is delivered
     * with; if it already asked ({@code s <= q}) that is at most v. Otherwise, with at most one
     * publish per fragment taken, it is at most {@code vq + (s - q)}, where vq is the version at the
     * request for q. Reading q before vq and v after both errs on the side of waiting.
     */
    private boolean lagAllows(long s) {
        long q = requested;
        long vq = versionAtRequest;
        long v = version;
        return s <= q || vq + (s - q) - v <= config.maxLag();
    }

    /** Publishes ring sequence {@code sequence}, waking the learner if it waits for it. */
    void publishSlot(long sequence) {
        ring.publish(sequence);
    }

    /** Records a collector failure (the first one wins) and stops every collector; ignored while closing. */
    void fail(CollectorException e) {
        if (closing) {
            return;
        }
        failure.compareAndSet(null, e);
        stopAll();
    }

    private void stopAll() {
        stopping = true;
        barrier.alert();
        wakeProducers();
    }

    private void wakeProducers() {
        for (CollectorWorker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    // ---- shutdown ------------------------------------------------------------------------------------

    /**
     * Stops and joins every collector thread (within 5 s), closes their envs, the slots and the
     * weight snapshots. Idempotent.
     *
     * @throws IllegalStateException if a collector thread survived (its slots and the snapshots are
     *     then left unreleased), or closing a collector's envs failed (as the cause)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        stopAll();
        long start = System.nanoTime();
        boolean interrupted = awaitWorkers(start + GRACE_NANOS);
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                w.thread.interrupt();
            }
        }
        interrupted |= awaitWorkers(start + 2 * GRACE_NANOS);
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                w.closeCollector();
            }
        }
        interrupted |= awaitWorkers(start + CLOSE_NANOS);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<String> alive = new ArrayList<>();
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                alive.add(w.thread.getName() + " (" + w.activity + ")");
            }
        }
        RuntimeException error = null;
        if (alive.isEmpty()) {
            error = releaseMemory();
        } else {
            error = new IllegalStateException("collector thread(s) " + alive + " did not stop within 5 s;"
                    + " their fragment slots and weight snapshots are left unreleased");
        }
        for (CollectorWorker w : workers) {
            RuntimeException e = w.closeFailure();
            if (e != null) {
                if (error == null) {
                    error = new IllegalStateException("closing collector " + w.index + " failed: " + e, e);
                } else {
                    error.addSuppressed(e);
                }
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Joins every collector thread until {@code deadline}; true if this thread was interrupted meanwhile. */
    private boolean awaitWorkers(long deadline) {
        boolean interrupted = false;
        for (CollectorWorker w : workers) {
            while (w.thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedJoin(w.thread, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    private RuntimeException releaseMemory() {
        RuntimeException error = null;
        List<AutoCloseable> owned = new ArrayList<>();
        for (int k = 0; k < config.slots(); k++) {
            owned.add(ring.get(k).fragment);
        }
        if (batch != null) {
            owned.add(batch);
        }
        if (hxScratch != null) {
            owned.add(hxScratch);
        }
        owned.add(weights);
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (error == null) {
                    error = new IllegalStateException("releasing " + c + " failed: " + e, e);
                } else {
                    error.addSuppressed(e);
                }
            }
        }
        return error;
    }

    /**
     * The hx of the M parts of a collated fragment, concatenated along dim 1. Parts without hx (a
     * collector's first fragment) count as zeros shaped like the others.
     */
    private static final class HxCollation implements AutoCloseable {
        private final NDManager manager;
        private final NDList[] parts;
        private final int partEnvs;

        HxCollation(NDManager scratch, int m, int partEnvs) {
            this.manager = scratch.newSubManager();
            this.parts = new NDList[m];
            this.partEnvs = partEnvs;
        }

        void add(int i, NDList hx) {
            if (hx == null) {
                return;
            }
            NDList copy = new NDList(hx.size());
            for (NDArray a : hx) {
                NDArray d = a.duplicate();
                d.attach(manager);
                copy.add(d);
            }
            parts[i] = copy;
        }

        NDList concat() {
            NDList template = null;
            for (NDList p : parts) {
                template = template == null ? p : template;
            }
            if (template == null) {
                return null;
            }
            NDList out = new NDList(template.size());
            for (int k = 0; k < template.size(); k++) {
                NDArray like = template.get(k);
                if (like.getShape().dimension() < 2 || like.getShape().get(1) != partEnvs) {
                    throw new IllegalStateException("hx[" + k + "]: expected shape (layers, N=" + partEnvs
                            + ", ...) with the batch in dim 1, got " + like.getShape());
                }
                NDList column = new NDList(parts.length);
                for (NDList p : parts) {
                    column.add(p != null ? p.get(k) : manager.zeros(like.getShape(), like.getDataType()));
                }
                out.add(NDArrays.concat(column, 1));
            }
            return out;
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
