package org.rlplay.record;

import java.util.NoSuchElementException;
import java.util.Random;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;

/**
 * A dataset replayed as a finite {@link Rollout}: {@code passes} passes over the chunks, each in
 * the recorded order or shuffled. Owns one fragment slot, overwritten by each {@code next()}; no
 * threads. Used from one thread.
 */
final class ReplayRollout implements Rollout {
    private final Dataset dataset;
    private final ChunkReader reader;
    private final ReplayOptions options;
    private final FragmentWriter slot;
    private final int[] order;
    private final Random random;
    private final long total;
    private long served;
    private boolean closed;

    ReplayRollout(Dataset dataset, ChunkReader reader, ReplayOptions options) {
        this.dataset = dataset;
        this.reader = reader;
        this.options = options;
        this.slot = new FragmentWriter(dataset.spec());
        this.order = new int[dataset.numChunks()];
        this.random = new Random(options.seed());
        this.total = (long) order.length * options.passes();
    }

    @Override
    public FragmentSpec spec() {
        return dataset.spec();
    }

    /** Records replayed so far: T * N per fragment. */
    @Override
    public long envSteps() {
        return served * spec().length() * spec().numEnvs();
    }

    @Override
    public boolean hasNext() {
        return !closed && served < total;
    }

    @Override
    public Fragment next() {
        if (closed) {
            throw new NoSuchElementException("the replay is closed");
        }
        if (served >= total) {
            throw new NoSuchElementException("the replay is over: " + options.passes() + " pass(es) of "
                    + order.length + " chunks");
        }
        int position = (int) (served % order.length);
        if (position == 0) {
            newPass();
        }
        reader.read(dataset.manifest().chunks().get(order[position]), slot);
        served++;
        return slot.fragment();
    }

    private void newPass() {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (options.shuffle()) {
            for (int i = order.length - 1; i > 0; i--) {
                int k = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[k];
                order[k] = tmp;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            slot.close();
        }
    }
}
