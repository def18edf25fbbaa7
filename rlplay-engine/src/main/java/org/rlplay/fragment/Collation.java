package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Collates M fragments of N_per envs each (same layout) into one fragment of M * N_per envs: part
 * i's env j becomes env {@code i * N_per + j}. Every column is copied, episodes are appended with
 * shifted env indices, and the parts' hx are concatenated along dim 1 (a part without hx, a
 * collector's first fragment, counts as zeros shaped like the others). The collated fragment is
 * labelled with the oldest actor version among its parts, collector -1 and env offset 0.
 *
 * <p>Owns the collated fragment (valid until the next {@link #begin()}) and its hx scratch memory;
 * used from one thread (the learner's in a ring rollout).
 */
public final class Collation implements AutoCloseable {
    private final FragmentSpec partSpec;
    private final int parts;
    private final int partEnvs;
    private final FragmentWriter batch;
    private final NDList[] hx;
    private NDManager scratch;
    private NDManager current;
    private long oldest;
    private int added;

    /** Collation of {@code m} parts of layout {@code part}. */
    public Collation(FragmentSpec part, int m) {
        if (m < 1) {
            throw new IllegalArgumentException("collation needs at least one part, got " + m);
        }
        this.partSpec = part;
        this.parts = m;
        this.partEnvs = part.numEnvs();
        this.batch = new FragmentWriter(part.withNumEnvs(Math.multiplyExact(m, partEnvs)));
        this.hx = new NDList[m];
    }

    /** The collated layout: the parts' with M * N_per envs. */
    public FragmentSpec spec() {
        return batch.spec();
    }

    /** Starts a new collated fragment (invalidating the previous one). */
    public void begin() {
        batch.clearEpisodes();
        closeCurrent();
        java.util.Arrays.fill(hx, null);
        oldest = Long.MAX_VALUE;
        added = 0;
    }

    /**
     * Copies {@code part} into env range {@code [i * N_per, (i+1) * N_per)}.
     *
     * @throws IllegalArgumentException if {@code part}'s layout or actor info differs from the parts'
     */
    public void add(int i, Fragment part) {
        if (!part.spec().equals(partSpec) || i < 0 || i >= parts) {
            throw new IllegalArgumentException("cannot collate a fragment of " + part.spec() + " as part " + i
                    + " of " + parts + " x " + partSpec);
        }
        Fragment dst = batch.fragment();
        int offset = i * partEnvs;
        List<Column> fixed = part.fixedColumns();
        for (int k = 0; k < fixed.size(); k++) {
            fixed.get(k).copyEnvsTo(dst.fixedColumns().get(k), 0, partEnvs, offset);
        }
        for (Column c : part.actorInfo()) {
            c.copyEnvsTo(batch.actorInfoColumn(c.spec()), 0, partEnvs, offset);
        }
        if (dst.actorInfo().size() != part.actorInfo().size()) {
            throw new IllegalArgumentException("part " + i + " reports actor info " + part.actorInfo().size()
                    + " column(s), the collated fragment holds " + dst.actorInfo().size());
        }
        dst.episodes().copyFrom(part.episodes(), offset);
        if (part.hx() != null) {
            NDList copy = new NDList(part.hx().size());
            for (NDArray a : part.hx()) {
                NDArray d = a.duplicate();
                d.attach(manager());
                copy.add(d);
            }
            hx[i] = copy;
        }
        oldest = Math.min(oldest, part.actorVersion());
        added++;
    }

    /**
     * Finishes the collated fragment, labelled with {@code sequence}.
     *
     * @throws IllegalStateException if not every part was added, or the parts' hx are not batched in dim 1
     */
    public Fragment finish(long sequence) {
        if (added != parts) {
            throw new IllegalStateException("collation: " + added + " of " + parts + " parts added");
        }
        batch.setHx(concatHx());
        closeCurrent();
        batch.setMeta(sequence, oldest, -1, 0);
        return batch.fragment();
    }

    private NDManager manager() {
        if (current == null) {
            if (scratch == null) {
                scratch = NDManager.newBaseManager();
            }
            current = scratch.newSubManager();
        }
        return current;
    }

    private NDList concatHx() {
        NDList template = null;
        for (NDList p : hx) {
            template = template == null ? p : template;
        }
        if (template == null) {
            return null;
        }
        NDList out = new NDList(template.size());
        for (int k = 0; k < template.size(); k++) {
            NDArray like = template.get(k);
            if (like.getShape().dimension() < 2 || like.getShape().get(1) != partEnvs) {
                throw new IllegalStateException("hx[" + k + "]: expected shape (layers, N=" + partEnvs
                        + ", ...) with the batch in dim 1, got " + like.getShape());
            }
            NDList column = new NDList(parts);
            for (NDList p : hx) {
                column.add(p != null ? p.get(k) : manager().zeros(like.getShape(), like.getDataType()));
            }
            out.add(NDArrays.concat(column, 1));
        }
        return out;
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Releases the collated fragment's hx and the scratch memory. Idempotent. */
    @Override
    public void close() {
        closeCurrent();
        batch.close();
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
