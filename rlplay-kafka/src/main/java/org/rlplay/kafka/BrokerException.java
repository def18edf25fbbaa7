package org.rlplay.kafka;

/**
 * A {@link KafkaBroker} could not be started or restarted: the child JVM could not be launched,
 * exited during start-up, or did not serve clients in time; or its directory belongs to another
 * cluster.
 *
 * <p>The first line of the message says what failed, the broker's own error line and what to do; the
 * lines after it, when present, are the last lines of the broker's log. A command line prints the
 * first line only ({@link #headline()}), a test failure shows all of it.
 */
public class BrokerException extends RuntimeException {

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first line of the message. */
    public String headline() {
        String m = getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
