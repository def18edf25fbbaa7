package org.rlplay.examples.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.algos.state.Resumable;
import org.rlplay.fragment.Episodes;

/**
 * A run's episode statistics: how many episodes finished, and the returns and lengths of the last
 * {@value #CAPACITY} ("mean return over the last 100"). Kept as the engine's
 * {@code EpisodeWindow} keeps them (episode k in slot {@code k % 100}, means summed in slot
 * order), so the figures are the same, and {@link Resumable}, so that a resumed run reports the
 * same means as one that never stopped. Used by the training loop's thread only.
 */
final class RecentEpisodes implements Resumable {
    static final int CAPACITY = 100;

    private final double[] returns = new double[CAPACITY];
    private final int[] lengths = new int[CAPACITY];
    private long total;

    /** Adds every episode of {@code episodes}, oldest first. */
    void addAll(Episodes episodes) {
        for (int i = 0; i < episodes.count(); i++) {
            int slot = (int) (total % CAPACITY);
            returns[slot] = episodes.episodeReturn(i);
            lengths[slot] = episodes.length(i);
            total++;
        }
    }

    /** Episodes finished since the run started. */
    long total() {
        return total;
    }

    private int size() {
        return (int) Math.min(total, CAPACITY);
    }

    /** Mean return of the last 100 episodes, NaN before the first. */
    double meanReturn() {
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            sum += returns[i];
        }
        return size() == 0 ? Double.NaN : sum / size();
    }

    /** Mean length of the last 100 episodes, NaN before the first. */
    double meanLength() {
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            sum += lengths[i];
        }
        return size() == 0 ? Double.NaN : sum / size();
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(total);
        for (int i = 0; i < size(); i++) {
            out.writeDouble(returns[i]);
            out.writeInt(lengths[i]);
        }
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        long saved = in.readLong();
        if (saved < 0) {
            throw new IOException("negative episode count " + saved);
        }
        total = saved;
        for (int i = 0; i < size(); i++) {
            returns[i] = in.readDouble();
            lengths[i] = in.readInt();
        }
    }
}
