package org.rlplay.rollout;

/**
 * Settings of a rollout, shared by every mode. Build with {@link #builder()}; immutable.
 *
 * @param length       T, env steps per fragment (records: T+1); default 128
 * @param seed         base seed: env j (global index) is reset with seed + j at start-up; default 0
 * @param sticky       once an env's episode ends inside a fragment, leave it stopped until the next
 *                     fragment (records repeat the reset observation with fin set, rew 0); default false
 * @param keepFinalObs store {@code finalObs} for bootstrapping truncated episodes; default true
 */
public record RolloutConfig(int length, long seed, boolean sticky, boolean keepFinalObs) {

    public RolloutConfig {
        if (length < 1) {
            throw new IllegalArgumentException("fragment length T must be >= 1, got " + length);
        }
    }

    /** The defaults: T = 128, seed 0, not sticky, keep finalObs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link RolloutConfig}. */
    public static final class Builder {
        private int length = 128;
        private long seed;
        private boolean sticky;
        private boolean keepFinalObs = true;

        private Builder() {
        }

        /** T, env steps per fragment, at least 1. */
        public Builder length(int t) {
            this.length = t;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder sticky(boolean on) {
            this.sticky = on;
            return this;
        }

        public Builder keepFinalObs(boolean on) {
            this.keepFinalObs = on;
            return this;
        }

        public RolloutConfig build() {
            return new RolloutConfig(length, seed, sticky, keepFinalObs);
        }
    }
}
