package org.rlplay.rollout;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequencer;
import org.rlplay.ring.RingConfig;

/**
 * The producers' side of a ring rollout: claiming ring sequences with back-pressure (a collector
 * waits while all K slots are written and unreleased) and the policy-lag bound (a collector waits
 * at a fragment boundary rather than start a fragment that could reach the learner too stale).
 *
 * <p>Collector threads call {@link #claim} and {@link #awaitLag} with their own {@link Waiter}; the
 * learner's thread reports what it asked for and published, which wakes them. {@link #stop()} ends
 * every wait, from any thread.
 */
final class ProducerGate {
    private final RingBuffer<Slot> ring;
    private final RingConfig config;
    private final Waiter[] waiters;
    private final Waiter.Condition hasCapacity;
    private final Waiter.Condition lagAllows;
    private volatile boolean stopping;
    private volatile long version;
    /** Highest ring sequence the learner has asked for, and the version it held when it asked. */
    private volatile long requested = Sequencer.INITIAL_CURSOR_VALUE;
    private volatile long versionAtRequest;

    ProducerGate(RingBuffer<Slot> ring, RingConfig config, int producers) {
        this.ring = ring;
        this.config = config;
        this.waiters = new Waiter[producers];
        for (int c = 0; c < producers; c++) {
            waiters[c] = new Waiter(ignored -> stopping);
        }
        this.hasCapacity = ignored -> ring.hasAvailableCapacity(1);
        this.lagAllows = this::lagAllows;
    }

    /** The waiter of producer {@code c}. */
    Waiter waiter(int c) {
        return waiters[c];
    }

    /** True once {@link #stop()} was called. */
    boolean stopping() {
        return stopping;
    }

    /** Claims the next ring sequence for producer {@code c}, waiting while the ring is full; -1 once stopped. */
    long claim(int c) {
        while (!stopping) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException full) {
                waiters[c].await(hasCapacity, 0, Long.MAX_VALUE);
            }
        }
        return -1;
    }

    /** Waits until ring sequence {@code sequence} may start under the lag bound; false once stopped. */
    boolean awaitLag(int c, long sequence) {
        if (!config.boundsLag()) {
            return !stopping;
        }
        return waiters[c].await(lagAllows, sequence, Long.MAX_VALUE) == Waiter.Outcome.READY;
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

    /** The learner published {@code v}. Learner's thread. */
    void published(long v) {
        version = v;
        if (config.boundsLag()) {
            wakeAll();
        }
    }

    /** The learner asked for every sequence up to {@code sequence} while holding version {@code v}. Learner's thread. */
    void requested(long sequence, long v) {
        versionAtRequest = v;
        requested = sequence;
        if (config.boundsLag()) {
            wakeAll();
        }
    }

    /** Ends every producer wait, now and later. Any thread. */
    void stop() {
        stopping = true;
        wakeAll();
    }

    /** Wakes every producer to re-check its condition (a slot was released). Any thread. */
    void wakeAll() {
        for (Waiter w : waiters) {
            w.wake();
        }
    }
}
