package org.rlplay.rollout;

import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * One preallocated entry of the ring: a fragment (through its writer) and what the consumer needs to
 * know about how its writing ended. Written by the collector that claimed its sequence, then read by
 * the learner after the sequence is published (the publication orders the writes before the reads).
 */
final class Slot {
    final FragmentWriter writer;
    /** True when the collector finished writing the fragment; false when it stopped or failed mid-way. */
    boolean complete;
    /** Env steps taken while writing this fragment. */
    long envSteps;

    Slot(FragmentSpec spec) {
        this.writer = new FragmentWriter(spec);
    }
}
