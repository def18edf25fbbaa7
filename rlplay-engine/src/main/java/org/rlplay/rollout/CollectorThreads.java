package org.rlplay.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The collector threads of a ring rollout as one group: started together, and stopped and joined
 * together within a bounded time however they are blocked. Stopping is escalation: the caller has
 * already asked them to stop (woken every wait); after 1 s the threads still running are
 * interrupted; after 2 s their collectors are closed from this thread (which ends waits on I/O or a
 * child process); after 4.5 s the group gives up and names the survivors.
 *
 * <p>Owned by the rollout; {@link #join()} runs on the closing thread.
 */
final class CollectorThreads {
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_NANOS = TimeUnit.MILLISECONDS.toNanos(4500);

    private final CollectorWorker[] workers;

    CollectorThreads(CollectorWorker[] workers) {
        this.workers = workers;
    }

    CollectorWorker[] workers() {
        return workers;
    }

    void start() {
        for (CollectorWorker w : workers) {
            w.thread.start();
        }
    }

    /**
     * Joins every thread, escalating as described above; restores this thread's interrupt flag if it
     * was interrupted meanwhile.
     *
     * @return the names and activities of threads still alive at the end (empty when all stopped)
     */
    List<String> join() {
        long start = System.nanoTime();
        boolean interrupted = awaitAll(start + GRACE_NANOS);
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                w.thread.interrupt();
            }
        }
        interrupted |= awaitAll(start + 2 * GRACE_NANOS);
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                w.closeCollector();
            }
        }
        interrupted |= awaitAll(start + CLOSE_NANOS);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<String> alive = new ArrayList<>();
        for (CollectorWorker w : workers) {
            if (w.thread.isAlive()) {
                alive.add(w.thread.getName() + " (" + w.activity + ")");
            }
        }
        return alive;
    }

    /** The first exception closing a collector threw, with the others suppressed, or null. */
    RuntimeException closeFailures() {
        RuntimeException error = null;
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
        return error;
    }

    /** Joins every thread until {@code deadline}; true if this thread was interrupted meanwhile. */
    private boolean awaitAll(long deadline) {
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
}
