package org.rlplay.kafka;

import org.slf4j.LoggerFactory;

/**
 * Told by a {@link KafkaRollout} about collectors that stopped sending or reported a failure. Called
 * on the training loop's thread, from inside {@code hasNext()}/{@code next()}; an exception it throws
 * ends the rollout (it is rethrown from that call and every later one). The default implementations
 * log a warning; the rollout goes on with the collectors that still send.
 */
public interface CollectorListener {
    /** No record of {@code status.id()} arrived within the collector timeout. Called once per silence. */
    default void silent(CollectorStatus status) {
        LoggerFactory.getLogger(CollectorListener.class).warn("collector {} sent nothing for {} ms (last incarnation {}, {} fragments)",
                status.id(), status.sinceLastRecord().toMillis(), status.incarnation(), status.fragments());
    }

    /** Collector {@code status.id()} sent a failure record: {@code status.failure()} says why it stopped. */
    default void failed(CollectorStatus status) {
        LoggerFactory.getLogger(CollectorListener.class).warn("collector {} failed: {}", status.id(), status.failure());
    }
}
