package org.rlplay.gym;

/**
 * The Python side's entry point as seen from Java: a Py4J proxy whose every method call is one
 * round trip to the child's {@code GymWorker} object (see the Python module's docstring for the
 * meaning of each call). Bulk data never crosses here: it goes through {@link SharedBuffers}.
 * Called by the thread that owns the {@link GymVecEnv}.
 */
interface GymWorker {

    /** Creates the envs; returns the observation and action space lines separated by a newline. */
    String make(String envId, int numEnvs, String kwargsJson, String infoKeysCsv);

    /** Maps the shared memory file with the given layout. */
    boolean attach(String path, String layout);

    /** Resets every env (seeded from the shared seeds region if {@code seeded}); -1 or the failing env. */
    int reset(boolean seeded);

    /** Steps every env (or those not masked by the shared skip region); -1 or the failing env. */
    int step(boolean useSkip);

    /** The message and traceback of the last failed reset or step. */
    String lastError();

    /** Sets {@code env.unwrapped.state} of one env to comma-separated floats. */
    boolean setState(int env, String valuesCsv);

    /** {@code env.unwrapped.state} of one env as comma-separated floats. */
    String getState(int env);
}
