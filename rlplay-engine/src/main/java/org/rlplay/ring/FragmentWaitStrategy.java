package org.rlplay.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The learner's wait for a fragment: parks (no spinning, no allocation) until the requested
 * sequence is <em>published</em>, the barrier is alerted (close or collector failure), or the
 * timeout passes.
 *
 * <p>Disruptor's own strategies wait for the cursor, which a multi-producer ring advances when a
 * sequence is claimed; our collectors hold a claim for a whole fragment, so waiting on the cursor
 * would spin for that long. This strategy waits on {@link RingBuffer#isAvailable} instead, for both
 * producer types. One waiter: the learner's thread; {@link #signalAllWhenBlocking} is called by
 * producers after each publish and by {@link SequenceBarrier#alert()}.
 */
final class FragmentWaitStrategy implements WaitStrategy {
    private final long timeoutNanos;
    private RingBuffer<?> ring;
    private volatile Thread waiter;

    FragmentWaitStrategy(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Sets the ring whose publications this strategy waits for; once, before any producer starts. */
    void bind(RingBuffer<?> ringBuffer) {
        this.ring = ringBuffer;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        if (ring.isAvailable(sequence)) {
            return cursor.get();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        try {
            while (true) {
                VarHandle.fullFence();
                if (ring.isAvailable(sequence)) {
                    return cursor.get();
                }
                barrier.checkAlert();
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for ring sequence " + sequence);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw TimeoutException.INSTANCE;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiter = null;
        }
    }

    @Override
    public void signalAllWhenBlocking() {
        VarHandle.fullFence();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
