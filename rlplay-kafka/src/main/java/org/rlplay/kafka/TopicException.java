package org.rlplay.kafka;

/**
 * A {@link TopicAdmin} operation failed: the cluster could not be reached in time or refused the
 * request, or an existing topic does not match what rlplay needs (its partition count or cleanup
 * policy). The message says which topic, what failed and what to do; the cause, when present, is
 * Kafka's exception.
 */
public class TopicException extends RuntimeException {

    public TopicException(String message) {
        super(message);
    }

    public TopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
