package org.rlplay.kafka;

/**
 * A {@link KafkaCollector} stopped: collecting failed (an env or the actor threw; the cause) or a
 * fragment could not be delivered to the cluster. Thrown from {@link KafkaCollector#run()} on the
 * collector's thread.
 */
public final class KafkaCollectorException extends RuntimeException {
    private final int collector;

    KafkaCollectorException(int collector, String message, Throwable cause) {
        super(message, cause);
        this.collector = collector;
    }

    /** The id of the collector that stopped. */
    public int collector() {
        return collector;
    }
}
