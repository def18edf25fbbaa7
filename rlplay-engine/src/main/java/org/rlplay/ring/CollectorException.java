package org.rlplay.ring;

import org.rlplay.env.EnvException;

/**
 * A collector thread of a {@code single} or {@code multi} rollout failed (its env or its actor
 * threw) or hung (no fragment within the configured timeout). Thrown on the training loop's thread
 * from the rollout's next {@code hasNext()}/{@code next()}, and again from every later call: a
 * failed rollout stays failed and only needs closing. The other collectors are stopped.
 *
 * <p>The cause is the original exception; for a hung collector it is a
 * {@link java.util.concurrent.TimeoutException} whose stack trace is the hung thread's stack at the
 * time of the timeout.
 */
public final class CollectorException extends RuntimeException {
    /** Value of {@link #envIndex()} when the failure is not attributed to one env. */
    public static final int NO_ENV = -1;

    private final int collectorIndex;
    private final int envIndex;

    /**
     * @param collectorIndex index of the failing collector (0 for {@code single})
     * @param envIndex       index of the failing env as carried by its {@link EnvException}, or
     *                       {@link #NO_ENV}
     * @param message        what happened
     * @param cause          the original exception
     */
    public CollectorException(int collectorIndex, int envIndex, String message, Throwable cause) {
        super(message, cause);
        this.collectorIndex = collectorIndex;
        this.envIndex = envIndex;
    }

    /** A failure of collector {@code collectorIndex}, attributed to an env if the cause chain holds an {@link EnvException}. */
    public static CollectorException of(int collectorIndex, Throwable cause) {
        int env = NO_ENV;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof EnvException e) {
                env = e.envIndex();
                break;
            }
        }
        String where = env == NO_ENV ? "" : " (env " + env + ")";
        return new CollectorException(collectorIndex, env, "collector " + collectorIndex + " failed" + where + ": "
                + cause, cause);
    }

    /** Index of the collector that failed or hung; -1 for a timeout no collector can be blamed for. */
    public int collectorIndex() {
        return collectorIndex;
    }

    /**
     * Index of the failing env as its {@link EnvException} reports it, or {@link #NO_ENV} when the
     * actor failed, the collector hung, or the cause is not an env's.
     */
    public int envIndex() {
        return envIndex;
    }
}
