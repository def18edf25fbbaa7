package org.rlplay.rollout;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * The learner's wait for a fragment: parks (no spinning, no allocation) until the requested
 * sequence is <em>published</em>, the barrier is alerted (close or collector failure), the thread
 * is interrupted, or the timeout passes.
 *
 * <p>Disruptor's own strategies wait for the cursor, which a multi-producer ring advances when a
 * sequence is claimed; our collectors hold a claim for a whole fragment, so waiting on the cursor
 * would spin for that long. This strategy waits on {@link RingBuffer#isAvailable} instead, for both
 * producer types. One waiter: the learner's thread; {@link #signalAllWhenBlocking} is called by
 * producers after each publish and by {@link SequenceBarrier#alert()}.
 */
final class FragmentWaitStrategy implements WaitStrategy {
    private final long timeoutNanos;
    private final Waiter waiter;
    private final Waiter.Condition published = s -> ring().isAvailable(s);
    private RingBuffer<?> ring;
    private volatile SequenceBarrier barrier;

    FragmentWaitStrategy(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.waiter = new Waiter(ignored -> {
            SequenceBarrier b = barrier;
            return b != null && b.isAlerted() || Thread.currentThread().isInterrupted();
        });
    }

    /** Sets the ring whose publications this strategy waits for; once, before any producer starts. */
    void bind(RingBuffer<?> ringBuffer) {
        this.ring = ringBuffer;
    }

    private RingBuffer<?> ring() {
        return ring;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException {
        this.barrier = barrier;
        switch (waiter.await(published, sequence, System.nanoTime() + timeoutNanos)) {
            case READY:
                return cursor.get();
            case TIMED_OUT:
                throw TimeoutException.INSTANCE;
            default:
                barrier.checkAlert();
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for ring sequence " + sequence);
                }
                throw AlertException.INSTANCE;
        }
    }

    @Override
    public void signalAllWhenBlocking() {
        waiter.wake();
    }
}
