package org.rlplay.ring;

import java.time.Duration;

/**
 * Settings of the decoupled modes ({@code Rollouts.single}, {@code Rollouts.multi}) on top of the
 * {@code org.rlplay.rollout.RolloutConfig}. Build with {@link #builder()}; immutable.
 *
 * @param slots   K, the number of preallocated fragment slots in the ring: a power of two, at least 2
 *                (2 is double buffering: the learner holds one slot while a collector fills the
 *                other); default 4
 * @param batch   M, the number of ring fragments the learner takes per {@code next()}, collated into
 *                one (T+1, M * N_per, ...) fragment; 1 hands out ring slots themselves; default 1.
 *                A collated fragment is labelled with the oldest actor version among its parts, with
 *                collector index -1 and env offset 0; its hx (if any) is the parts' hx concatenated
 *                along dim 1
 * @param timeout how long the learner waits in {@code next()} for one fragment before it reports the
 *                collector writing it as hung ({@link CollectorException} with a
 *                {@link java.util.concurrent.TimeoutException} cause); default 60 s
 * @param maxLag  the largest policy lag collectors may cause, or -1 for no bound (default). With a
 *                bound L, a collector waits at a fragment boundary instead of starting a fragment
 *                that could reach the learner more than L versions after the version it is collected
 *                with; the guarantee {@code rollout.lag(f) <= L} holds when the learner publishes at
 *                most once per fragment it takes (the usual {@code next, update, publish} loop).
 *                L = 0 makes collection synchronous with learning (on-policy)
 * @param weights how the learner's weights reach the collectors' actor replicas; owned by the rollout;
 *                default {@link WeightSync#frozen()}
 * @param actorThreads PyTorch intra-op threads of each collector thread, set on the thread when it
 *                starts (loading the engine): a new thread does not inherit the engine's setting.
 *                Default 1, since actors evaluate small batches and collectors already run in
 *                parallel with each other and the learner. PyTorch also makes the value its default
 *                for threads that first use it later; threads already running (the learner's) keep
 *                theirs
 */
public record RingConfig(int slots, int batch, Duration timeout, long maxLag, WeightSync weights, int actorThreads) {

    public RingConfig {
        if (slots < 2 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("ring slots K must be a power of two >= 2, got " + slots);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch M must be >= 1, got " + batch);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxLag < -1) {
            throw new IllegalArgumentException("maxLag must be >= 0, or -1 for no bound, got " + maxLag);
        }
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null (use WeightSync.frozen())");
        }
        if (actorThreads < 1) {
            throw new IllegalArgumentException("actorThreads must be >= 1, got " + actorThreads);
        }
    }

    /** The defaults: K = 4, M = 1, timeout 60 s, no lag bound, frozen weights, 1 actor thread. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether collectors wait to bound the policy lag. */
    public boolean boundsLag() {
        return maxLag >= 0;
    }

    /** Builder of {@link RingConfig}. */
    public static final class Builder {
        private int slots = 4;
        private int batch = 1;
        private Duration timeout = Duration.ofSeconds(60);
        private long maxLag = -1;
        private WeightSync weights = WeightSync.frozen();
        private int actorThreads = 1;

        private Builder() {
        }

        /** K, ring slots, a power of two >= 2. */
        public Builder slots(int k) {
            this.slots = k;
            return this;
        }

        /** M, ring fragments collated into each fragment the learner takes. */
        public Builder batch(int m) {
            this.batch = m;
            return this;
        }

        /** The longest the learner waits for one fragment before reporting a hung collector. */
        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        /** The policy lag bound L >= 0, or -1 for none. */
        public Builder maxLag(long l) {
            this.maxLag = l;
            return this;
        }

        /** How weights reach the actor replicas (the rollout will own and close it). */
        public Builder weights(WeightSync w) {
            this.weights = w;
            return this;
        }

        /** PyTorch intra-op threads per collector thread, at least 1. */
        public Builder actorThreads(int n) {
            this.actorThreads = n;
            return this;
        }

        public RingConfig build() {
            return new RingConfig(slots, batch, timeout, maxLag, weights, actorThreads);
        }
    }
}
