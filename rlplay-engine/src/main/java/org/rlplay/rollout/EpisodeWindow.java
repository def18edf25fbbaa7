package org.rlplay.rollout;

import org.rlplay.fragment.Episodes;

/**
 * Statistics of the most recent finished episodes (e.g. "mean return over the last 100"), fed from
 * each fragment's {@link Episodes}. A fixed-size ring of primitives; {@link #add} allocates nothing.
 * Not thread-safe: the training loop owns it.
 */
public final class EpisodeWindow {
    private final double[] returns;
    private final int[] lengths;
    private int size;
    private int head;
    private long total;

    /** A window over the last {@code capacity} episodes. */
    public EpisodeWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.returns = new double[capacity];
        this.lengths = new int[capacity];
    }

    /** Adds every episode of {@code episodes}, oldest first. */
    public void addAll(Episodes episodes) {
        for (int i = 0; i < episodes.count(); i++) {
            add(episodes.episodeReturn(i), episodes.length(i));
        }
    }

    /** Adds one episode. */
    public void add(double episodeReturn, int length) {
        returns[head] = episodeReturn;
        lengths[head] = length;
        head = (head + 1) % returns.length;
        size = Math.min(size + 1, returns.length);
        total++;
    }

    /** Episodes currently in the window. */
    public int size() {
        return size;
    }

    /** Episodes ever added. */
    public long totalEpisodes() {
        return total;
    }

    /** True once the window holds {@code capacity} episodes. */
    public boolean isFull() {
        return size == returns.length;
    }

    /** Mean return over the window, NaN when empty. */
    public double meanReturn() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += returns[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    /** Mean episode length over the window, NaN when empty. */
    public double meanLength() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += lengths[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    /** Writes the window's contents and counters (for an exact resume). */
    public void saveState(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(returns.length);
        out.writeInt(size);
        out.writeInt(head);
        out.writeLong(total);
        for (int i = 0; i < returns.length; i++) {
            out.writeLong(Double.doubleToRawLongBits(returns[i]));
            out.writeInt(lengths[i]);
        }
    }

    /**
     * Restores what {@link #saveState} wrote.
     *
     * @throws IllegalArgumentException if it was written by a window of another capacity
     */
    public void loadState(java.io.DataInput in) throws java.io.IOException {
        int capacity = in.readInt();
        if (capacity != returns.length) {
            throw new IllegalArgumentException("the saved window holds " + capacity + " episodes, this one " + returns.length);
        }
        size = in.readInt();
        head = in.readInt();
        total = in.readLong();
        for (int i = 0; i < returns.length; i++) {
            returns[i] = Double.longBitsToDouble(in.readLong());
            lengths[i] = in.readInt();
        }
    }
}
