package org.rlplay.kafka;

/** The thread that iterates a rollout: the first to call, after which others are refused. */
final class OwnerThread {
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
