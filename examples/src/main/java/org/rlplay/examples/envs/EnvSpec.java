package org.rlplay.examples.envs;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.gym.GymEnvs;

/**
 * An env as the command line names it: an id ({@code CartPole-v1}, or {@code gym:<id>} for a
 * Gymnasium env) and, for Gymnasium ids, the keyword arguments of {@code gymnasium.make} given with
 * {@code --kwarg key=value}. What a checkpoint records as the env it was trained on. Immutable.
 *
 * @param id     the env id
 * @param kwargs keyword arguments as JSON values, in the order given; empty for a native id
 */
public record EnvSpec(String id, Map<String, JsonElement> kwargs) {

    /** @throws UsageException if a native id is given keyword arguments */
    public EnvSpec {
        UsageException.require(id != null && !id.isBlank(), "--env: an env id is required, e.g. CartPole-v1");
        kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        if (!kwargs.isEmpty() && !GymEnvs.isGymId(id)) {
            throw new UsageException("--kwarg " + kwargs.keySet().iterator().next() + ": keyword arguments are for"
                    + " Gymnasium envs (gym:<id>); " + id + " is a native env");
        }
    }

    /** The env {@code id} without keyword arguments. */
    public static EnvSpec of(String id) {
        return new EnvSpec(id, Map.of());
    }

    /**
     * The env {@code id} with the command line's {@code --kwarg key=value} pairs. A value is JSON
     * ({@code false}, {@code 8}, {@code 0.5}, {@code "8x8"}, {@code [1, 2]}, {@code null}); a bare
     * word that is not JSON, such as {@code 8x8}, is taken as a string.
     *
     * @throws UsageException naming the pair for a missing {@code =}, an empty key or value, or a value
     *     that does not parse
     */
    public static EnvSpec parse(String id, List<String> pairs) {
        Map<String, JsonElement> kwargs = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            UsageException.require(eq > 0 && eq < pair.length() - 1, "--kwarg " + pair
                    + ": expected key=value, e.g. is_slippery=false");
            String key = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            try {
                kwargs.put(key, JsonParser.parseString(value));
            } catch (JsonParseException e) {
                throw new UsageException("--kwarg " + pair + ": the value is not JSON (" + e.getMessage() + ")");
            }
        }
        return new EnvSpec(id, kwargs);
    }

    /**
     * The env {@code id} with the keyword arguments {@code kwargsJson} (a JSON object, as
     * {@link #kwargsJson()} writes it, e.g. from a dataset's attributes), or none if it is null.
     *
     * @throws IllegalArgumentException if {@code kwargsJson} is not a JSON object
     */
    public static EnvSpec of(String id, String kwargsJson) {
        if (kwargsJson == null) {
            return of(id);
        }
        Map<String, JsonElement> kwargs = new LinkedHashMap<>();
        try {
            JsonParser.parseString(kwargsJson).getAsJsonObject().entrySet().forEach(e -> kwargs.put(e.getKey(), e.getValue()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("env kwargs: expected a JSON object, got '" + kwargsJson + "'", e);
        }
        return new EnvSpec(id, kwargs);
    }

    /** The keyword arguments as one JSON object. */
    public String kwargsJson() {
        JsonObject o = new JsonObject();
        kwargs.forEach(o::add);
        return o.toString();
    }

    /** Whether the Gymnasium bridge serves this env. */
    public boolean isGym() {
        return GymEnvs.isGymId(id);
    }

    /** The id as Gymnasium knows it (without {@code gym:}); for Gymnasium envs only. */
    public String gymId() {
        return id.substring(GymEnvs.GYM_PREFIX.length());
    }

    /** The id, followed by the keyword arguments as {@code key=json} pairs. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(id);
        kwargs.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
