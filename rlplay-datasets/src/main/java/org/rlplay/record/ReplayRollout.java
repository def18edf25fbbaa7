package org.rlplay.record;

import java.util.NoSuchElementException;
import java.util.Random;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;

/**
 * A dataset replayed as a finite {@link Rollout}: {@code passes} passes over the fragments, each in
 * file order or shuffled. Owns one fragment slot, overwritten by each {@code next()}, and the reader
 * of the file last read (kept open while consecutive fragments come from it); no threads. Used from
 * one thread.
 */
final class ReplayRollout implements Rollout {
    private final Dataset dataset;
    private final ReplayOptions options;
    private final FragmentWriter slot;
    private final int[] order;
    private final Random random;
    private final long total;
    private FragmentReader reader;
    private int readerFile = -1;
    private long served;
    private boolean closed;

    ReplayRollout(Dataset dataset, ReplayOptions options) {
        if (dataset.numFragments() > Integer.MAX_VALUE) {
            throw new DatasetException(dataset.directories().get(0), dataset.numFragments()
                    + " fragments: too many for one replay; open fewer partitions");
        }
        this.dataset = dataset;
        this.options = options;
        this.slot = new FragmentWriter(dataset.spec());
        this.order = new int[(int) dataset.numFragments()];
        this.random = new Random(options.seed());
        this.total = (long) order.length * options.passes();
    }

    @Override
    public FragmentSpec spec() {
        return dataset.spec();
    }

    /** Env steps replayed so far: T * N per fragment. */
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
                    + order.length + " fragments");
        }
        int position = (int) (served % order.length);
        if (position == 0) {
            newPass();
        }
        int index = order[position];
        int file = dataset.fileOf(index);
        if (file != readerFile) {
            closeReader();
            reader = FragmentReader.open(dataset.files().get(file).path());
            readerFile = file;
        }
        reader.read(dataset.rowGroupOf(index, file), slot);
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

    private void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
            readerFile = -1;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeReader();
            slot.close();
        }
    }
}
