package org.rlplay.record;

/**
 * How a {@link Dataset} is replayed. Immutable.
 *
 * @param passes  how many times every fragment is replayed, at least 1
 * @param shuffle whether each pass visits the fragments in a random order instead of file order
 * @param seed    the seed of the shuffling (one generator for all passes, so passes differ)
 */
public record ReplayOptions(int passes, boolean shuffle, long seed) {

    public ReplayOptions {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
    }

    /** One pass in the recorded order. */
    public static ReplayOptions once() {
        return new ReplayOptions(1, false, 0L);
    }

    /** {@code passes} passes, each in an order shuffled by a generator seeded with {@code seed}. */
    public static ReplayOptions shuffled(int passes, long seed) {
        return new ReplayOptions(passes, true, seed);
    }
}
