package org.rlplay.rollout;

/**
 * The one thread that iterates a rollout: the first to call {@code hasNext()}, {@code next()} or
 * {@code publish()}. A call from any other thread fails with a message naming both threads, before
 * it can corrupt a fragment or be mistaken for a hung collector. Thread-safe.
 */
final class LearnerThread {
    private volatile Thread owner;

    /** Claims the rollout for the calling thread on first use; throws if another thread holds it. */
    void check(String call) {
        Thread me = Thread.currentThread();
        Thread o = owner;
        if (o == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = me;
                }
                o = owner;
            }
        }
        if (o != me) {
            throw new IllegalStateException("rollout." + call + "() called from thread '" + me.getName()
                    + "' while thread '" + o.getName() + "' iterates this rollout: use a rollout from one thread");
        }
    }
}
