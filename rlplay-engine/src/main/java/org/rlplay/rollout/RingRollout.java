package org.rlplay.rollout;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.ProducerType;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.rlplay.fragment.Collation;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.ring.CollectorException;
import org.rlplay.ring.RingConfig;
import org.rlplay.ring.WeightSync;

/**
 * The {@code single} and {@code multi} modes, the learner's side: collector threads write fragments
 * into a Disruptor ring of K preallocated slots, and {@link #next()} takes them in ring order.
 * Built by {@link Rollouts#single}/{@link Rollouts#multi}.
 *
 * <h2>Hand-off</h2>
 * Each collector thread ({@link CollectorWorker}) claims the next ring sequence through the
 * {@link ProducerGate}, collects straight into that slot and publishes it ({@code single}: a
 * single-producer ring; {@code multi}: a multi-producer ring). The learner is the ring's only
 * consumer: its own {@link Sequence} gates the producers, and a slot handed out by {@code next()}
 * stays untouched until the following {@code next()} releases it. Producers block while all K slots
 * are written and unreleased (back-pressure: nothing is dropped or queued elsewhere). With
 * {@link RingConfig#batch()} M &gt; 1, {@code next()} copies M consecutive ring fragments into one
 * {@link Collation} and releases each slot as soon as it is copied. Nothing is allocated per
 * fragment on this path.
 *
 * <h2>Weights</h2>
 * {@link #publish()} bumps the actor version and lets the {@link WeightSync} snapshot the learner's
 * weights; each collector adopts the newest snapshot before it starts a fragment and labels the
 * fragment with the version it adopted. {@link #lag(Fragment)} is the policy lag; with
 * {@link RingConfig#maxLag()} collectors wait rather than run ahead.
 *
 * <h2>Failure and shutdown</h2>
 * A collector's exception stops every collector and is thrown, as a {@link CollectorException}
 * holding the cause and the collector and env index, from the learner's next {@code hasNext()},
 * {@code next()} or {@code publish()}, and from every later one. A learner waiting longer than
 * {@link RingConfig#timeout()} for one fragment gets a {@link CollectorException} naming the
 * collector writing it, with that thread's stack. {@link #close()} is idempotent and stops and joins
 * every collector thread within 5 s ({@link CollectorThreads}).
 *
 * <p>Threads: {@code next()}, {@code hasNext()} and {@code publish()} are for the one training-loop
 * thread ({@link LearnerThread}); {@code close()} may come from any thread. The collector threads
 * ({@link #THREAD_PREFIX}{@code <rollout>-<collector>}, daemon) are owned by this rollout. The
 * rollout owns the collectors (their envs), the slots and the {@link WeightSync}; it does not own the
 * actors.
 */
final class RingRollout implements Rollout {
    /** Every collector thread's name starts with this prefix. */
    static final String THREAD_PREFIX = "rlplay-collector-";

    private static final AtomicInteger ROLLOUTS = new AtomicInteger();

    private final RingConfig config;
    private final WeightSync weights;
    private final FragmentSpec spec;
    private final RingBuffer<Slot> ring;
    private final SequenceBarrier barrier;
    private final Sequence consumed = new Sequence(Sequencer.INITIAL_CURSOR_VALUE);
    private final ProducerGate gate;
    private final CollectorThreads threads;
    private final Collation collation;
    private final LearnerThread learner = new LearnerThread();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean closing;

    // The learner's thread only.
    private long version;
    private long nextSequence;
    private boolean holding;
    private long available = Sequencer.INITIAL_CURSOR_VALUE;
    private long envSteps;
    private long batches;
    private volatile boolean closed;

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
        this.collation = config.batch() == 1 ? null : new Collation(part, config.batch());
        this.spec = collation == null ? part : collation.spec();
        FragmentWaitStrategy wait = new FragmentWaitStrategy(config.timeout().toNanos());
        this.ring = RingBuffer.create(multiProducer ? ProducerType.MULTI : ProducerType.SINGLE, () -> new Slot(part),
                config.slots(), wait);
        wait.bind(ring);
        ring.addGatingSequences(consumed);
        this.barrier = ring.newBarrier();
        this.gate = new ProducerGate(ring, config, collectors.size());
        int id = ROLLOUTS.getAndIncrement();
        CollectorWorker[] workers = new CollectorWorker[collectors.size()];
        for (int c = 0; c < workers.length; c++) {
            workers[c] = new CollectorWorker(collectors.get(c), this, gate, THREAD_PREFIX + id + "-" + c);
        }
        this.threads = new CollectorThreads(workers);
    }

    /**
     * Starts a ring rollout over {@code collectors} (collector c must have index c), taking ownership
     * of them and of {@code config.weights()}: they are closed here if the rollout cannot be built.
     */
    static RingRollout start(List<Collector> collectors, boolean multiProducer, RingConfig config) {
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
        rollout.threads.start();
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
        learner.check("publish");
        throwIfFailed();
        long v = version + 1;
        weights.publish(v);
        version = v;
        gate.published(v);
        return v;
    }

    /** True until closed. @throws CollectorException if a collector failed or hung */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        learner.check("hasNext");
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
        learner.check("next");
        throwIfFailed();
        return collation == null ? nextSlot() : nextBatch();
    }

    private Fragment nextSlot() {
        if (holding) {
            holding = false;
            release(nextSequence - 1);
        }
        long sequence = nextSequence;
        gate.requested(sequence, version);
        Slot slot = take(sequence);
        nextSequence = sequence + 1;
        holding = true;
        envSteps += slot.envSteps;
        return slot.writer.fragment();
    }

    private Fragment nextBatch() {
        int m = config.batch();
        long first = nextSequence;
        gate.requested(first + m - 1, version);
        collation.begin();
        for (int i = 0; i < m; i++) {
            Slot slot = take(first + i);
            collation.add(i, slot.writer.fragment());
            envSteps += slot.envSteps;
            nextSequence = first + i + 1;
            release(first + i);
        }
        return collation.finish(batches++);
    }

    /** Hands slot {@code sequence} back to the producers. */
    private void release(long sequence) {
        consumed.setVolatile(sequence);
        gate.wakeAll();
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
        RuntimeException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    private RuntimeException stopped() {
        RuntimeException f = failure.get();
        return f != null ? f : new IllegalStateException("the rollout's collectors have stopped");
    }

    private CollectorException hung(long sequence) {
        String waited = "no fragment within " + config.timeout().toMillis() + " ms";
        for (CollectorWorker w : threads.workers()) {
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
        for (CollectorWorker w : threads.workers()) {
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

    /** Publishes ring sequence {@code sequence}, waking the learner if it waits for it. */
    void publishSlot(long sequence) {
        ring.publish(sequence);
    }

    /** Records a failure (the first one wins) and stops every collector; ignored while closing. */
    void fail(RuntimeException e) {
        if (closing) {
            return;
        }
        failure.compareAndSet(null, e);
        stopAll();
    }

    private void stopAll() {
        gate.stop();
        barrier.alert();
    }

    // ---- shutdown ------------------------------------------------------------------------------------

    /**
     * Stops and joins every collector thread (within 5 s), closes their envs, the slots and the
     * weight snapshots. Idempotent; any thread.
     *
     * @throws IllegalStateException if a collector thread survived (its slots and the snapshots are
     *     then left unreleased), or closing a collector's envs failed (as the cause)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        stopAll();
        List<String> alive = threads.join();
        RuntimeException error = alive.isEmpty() ? releaseMemory()
                : new IllegalStateException("collector thread(s) " + alive + " did not stop within 5 s;"
                        + " their fragment slots and weight snapshots are left unreleased");
        RuntimeException closeFailure = threads.closeFailures();
        if (closeFailure != null) {
            if (error == null) {
                error = closeFailure;
            } else {
                error.addSuppressed(closeFailure);
            }
        }
        if (error != null) {
            throw error;
        }
    }

    private RuntimeException releaseMemory() {
        RuntimeException error = null;
        List<AutoCloseable> owned = new ArrayList<>();
        for (int k = 0; k < config.slots(); k++) {
            owned.add(ring.get(k).writer);
        }
        if (collation != null) {
            owned.add(collation);
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
}
