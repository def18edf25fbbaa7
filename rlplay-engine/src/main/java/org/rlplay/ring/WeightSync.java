package org.rlplay.ring;

/**
 * Carries the learner's weights to the actor replicas of a {@code single}/{@code multi} rollout's
 * collectors, labelled with actor versions.
 *
 * <p>Threads: {@link #publish} runs on the training loop's thread, inside
 * {@code Rollout.publish()}; {@link #adopt} runs on collector thread {@code c}, at a fragment
 * boundary, never while a fragment is being written. Both may run at the same time (different
 * collectors adopt concurrently with each other and with a publish), so implementations
 * snapshot: {@code publish} copies the learner's weights into a buffer no collector is reading and
 * must not wait for collectors; {@code adopt} copies the newest snapshot into the replica and must
 * not hold up other collectors or the learner for longer than its own copy.
 *
 * <p>The rollout that is given a {@code WeightSync} owns it and closes it.
 * {@link BlockWeightSync} does this for DJL blocks; {@link #frozen()} leaves replicas unchanged.
 */
public interface WeightSync extends AutoCloseable {

    /**
     * Snapshots the learner's current weights as {@code version}, which is greater than every
     * version published before. Training loop's thread.
     */
    void publish(long version);

    /**
     * Brings collector {@code collector}'s replica up to the newest snapshot if it is newer than
     * {@code held}, and returns the version the replica holds afterwards ({@code held} if nothing
     * newer was published). Collector {@code collector}'s thread.
     */
    long adopt(int collector, long held);

    /** Releases the snapshots. The default does nothing. */
    @Override
    default void close() {
    }

    /**
     * Replicas keep the weights they were built with: {@link #publish} does nothing and every
     * fragment is labelled version 0, whatever the learner publishes.
     */
    static WeightSync frozen() {
        return FrozenWeights.INSTANCE;
    }
}
