package org.rlplay.rollout;

import org.rlplay.fragment.Fragment;

/**
 * Record T of the previous fragment, kept by a collector so that record 0 of the next fragment
 * repeats it (the fragments may be different slots).
 */
final class Lookahead {
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final int[] stepno;
    private final float[] obs;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] fin;
    private final boolean[] trunc;
    private final float[] finalObs;

    Lookahead(int numEnvs, int obsSize, int actSize, boolean discrete, boolean keepFinalObs) {
        this.numEnvs = numEnvs;
        this.obsSize = obsSize;
        this.actSize = actSize;
        this.stepno = new int[numEnvs];
        this.obs = new float[numEnvs * obsSize];
        this.actInts = discrete ? new int[numEnvs * actSize] : null;
        this.actFloats = discrete ? null : new float[numEnvs * actSize];
        this.rew = new float[numEnvs];
        this.fin = new boolean[numEnvs];
        this.trunc = new boolean[numEnvs];
        this.finalObs = keepFinalObs ? new float[numEnvs * obsSize] : null;
    }

    /** Copies the last record of {@code f}. */
    void readFrom(Fragment f) {
        copy(f, f.index(f.length(), 0), true);
    }

    /** Writes the kept record as record 0 of {@code f}. */
    void writeTo(Fragment f) {
        copy(f, 0, false);
    }

    private void copy(Fragment f, int cell, boolean read) {
        move(read, f.stepno(), cell, stepno, numEnvs);
        move(read, f.obs(), cell * obsSize, obs, numEnvs * obsSize);
        if (actInts != null) {
            move(read, f.actInts(), cell * actSize, actInts, numEnvs * actSize);
        } else {
            move(read, f.actFloats(), cell * actSize, actFloats, numEnvs * actSize);
        }
        move(read, f.rew(), cell, rew, numEnvs);
        move(read, f.fin(), cell, fin, numEnvs);
        move(read, f.trunc(), cell, trunc, numEnvs);
        if (finalObs != null) {
            move(read, f.finalObs(), cell * obsSize, finalObs, numEnvs * obsSize);
        }
    }

    private static void move(boolean read, Object fragmentArray, int at, Object mine, int n) {
        if (read) {
            System.arraycopy(fragmentArray, at, mine, 0, n);
        } else {
            System.arraycopy(mine, 0, fragmentArray, at, n);
        }
    }
}
