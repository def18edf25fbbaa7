package org.rlplay.spark;

import java.util.function.Supplier;

/**
 * Runs a Spark action on the driver and turns what a task threw back into the exception the task
 * threw: Spark wraps it in a {@code SparkException} (a checked exception that Java code cannot
 * name in a catch clause without declaring it), so a user error found on an executor (an
 * {@link IllegalArgumentException} naming the bad value) reaches the caller as itself.
 */
final class Tasks {
    private Tasks() {
    }

    static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw e.getCause() == null ? e : userError(e);
        } catch (Exception e) {         // SparkException, declared by nothing Java sees
            throw userError(e);
        }
    }

    private static RuntimeException userError(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException x) {
                return x;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
