package org.rlplay.kafka;

/**
 * What a {@link KafkaRollout} has received.
 *
 * @param fragments         fragments handed to the training loop (parts, when M are collated into one)
 * @param bytes             record value bytes of those fragments
 * @param staleDropped      fragments dropped for exceeding the maximum lag
 * @param duplicatesDropped records dropped as already seen or from an older incarnation of their collector
 * @param meanLatencyMillis mean time from a fragment's send (its record timestamp) to its hand-out
 * @param maxLatencyMillis  the largest such time
 */
public record KafkaRolloutStats(long fragments, long bytes, long staleDropped, long duplicatesDropped,
                                double meanLatencyMillis, long maxLatencyMillis) {
    /** Mean record value bytes per fragment, or 0 before the first. */
    public double bytesPerFragment() {
        return fragments == 0 ? 0 : (double) bytes / fragments;
    }
}
