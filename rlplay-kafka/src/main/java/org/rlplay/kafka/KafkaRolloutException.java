package org.rlplay.kafka;

/**
 * A {@link KafkaRollout} cannot use the cluster: it cannot be reached, refuses the client's
 * credentials, or a weights record could not be delivered. Thrown on the training loop's thread; the
 * rollout stays failed.
 */
public final class KafkaRolloutException extends RuntimeException {
    KafkaRolloutException(String message, Throwable cause) {
        super(message, cause);
    }
}
