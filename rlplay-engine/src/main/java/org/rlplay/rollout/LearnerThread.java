package org.rlplay.rollout;

/**
 * The one thread that iterates a rollout: the first to call {@code hasNext()}, {@code next()} or
 * {@code publish()}. A call from any other thread fails with a message naming both threads, before
 * it can corrupt a fragment or be mistaken for a hung collector. Every {@link Rollout} here holds
 * one (the Kafka rollout too); a rollout implementation calls {@link #check} at the top of each of
 * those methods. Thread-safe: any thread may call it.
 */
public final class LearnerThread {
    private volatile Thread owner;

    /** A guard that no thread holds yet. */
    public LearnerThread() {
    }

    /**
     * Claims the rollout for the calling thread on first use; throws if another thread holds it.
     *
     * @param call the rollout method being called, named in the message
     * @throws IllegalStateException if another thread iterates the rollout
     */
    public void check(String call) {
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
