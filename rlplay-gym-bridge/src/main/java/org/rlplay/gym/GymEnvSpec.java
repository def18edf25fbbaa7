package org.rlplay.gym;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to create in a Python child: {@code numEnvs} copies of {@code gymnasium.make(envId, **kwargs)}.
 * Immutable; build with {@link #builder(String)}.
 *
 * @param envId          the Gymnasium id, e.g. {@code "CartPole-v1"}
 * @param numEnvs        N, the number of envs in the batch, at least 1
 * @param kwargs         keyword arguments of {@code gymnasium.make} (strings, numbers, booleans, null,
 *                       lists, arrays and maps of those, or Gson {@code JsonElement}s), passed as JSON
 * @param infoKeys       keys of the step {@code info} dict to report as numeric info, in this order;
 *                       a key missing from a step's info reads as NaN. Empty: no info.
 * @param startupTimeout how long to wait for the child to start and report ready
 * @param callTimeout    how long one call (make, reset, step) may take before it fails
 * @param pythonPath     directories put in front of the child's {@code PYTHONPATH}, so that ids such
 *                       as {@code "my_module:MyEnv-v0"} can import the user's own env modules
 */
public record GymEnvSpec(String envId, int numEnvs, Map<String, Object> kwargs, List<String> infoKeys,
        Duration startupTimeout, Duration callTimeout, List<Path> pythonPath) {

    /** Default {@link #startupTimeout}. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@link #callTimeout}. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(120);

    public GymEnvSpec {
        if (envId == null || envId.isBlank()) {
            throw new IllegalArgumentException("envId must be a Gymnasium id such as \"CartPole-v1\", got '"
                    + envId + "'");
        }
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        infoKeys = List.copyOf(infoKeys);
        pythonPath = List.copyOf(pythonPath);
        for (String key : infoKeys) {
            if (key.isEmpty() || key.contains(",")) {
                throw new IllegalArgumentException("infoKeys: '" + key + "' must be non-empty and contain no comma");
            }
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
        }
        if (callTimeout.isNegative() || callTimeout.isZero() || callTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("callTimeout must be positive and under 24 days, got " + callTimeout);
        }
    }

    /** A builder for {@code envId}: N = 1, no kwargs, no info keys, the default timeouts, no python path. */
    public static Builder builder(String envId) {
        return new Builder(envId);
    }

    /** Builder of {@link GymEnvSpec}. */
    public static final class Builder {
        private final String envId;
        private int numEnvs = 1;
        private final Map<String, Object> kwargs = new LinkedHashMap<>();
        private final List<String> infoKeys = new ArrayList<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private final List<Path> pythonPath = new ArrayList<>();

        private Builder(String envId) {
            this.envId = envId;
        }

        /** N, the number of envs, at least 1. */
        public Builder numEnvs(int n) {
            this.numEnvs = n;
            return this;
        }

        /** Adds one keyword argument of {@code gymnasium.make}. */
        public Builder kwarg(String name, Object value) {
            kwargs.put(name, value);
            return this;
        }

        /** Adds keyword arguments of {@code gymnasium.make}. */
        public Builder kwargs(Map<String, ?> values) {
            kwargs.putAll(values);
            return this;
        }

        /** Info keys to report, in order. */
        public Builder infoKeys(String... keys) {
            infoKeys.addAll(List.of(keys));
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /** Adds a directory in front of the child's {@code PYTHONPATH}. */
        public Builder pythonPath(Path dir) {
            pythonPath.add(dir);
            return this;
        }

        public GymEnvSpec build() {
            return new GymEnvSpec(envId, numEnvs, kwargs, infoKeys, startupTimeout, callTimeout, pythonPath);
        }
    }
}
