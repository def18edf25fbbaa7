package org.rlplay.record.ingest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which columns of a log hold what the importer needs. Only {@code observation}, {@code action} and
 * {@code reward} are required; the rest may be null (absent). Immutable.
 *
 * <p>As a mapping file (JSON), the members are the component names, e.g.
 * {@code {"episode": "session", "step": "t", "observation": ["x0", "x1"], "action": "arm",
 * "reward": "clicked", "propensity": "p"}}.
 *
 * @param episode         the episode id (any value; rows of one episode share it); absent: every row
 *                        is an episode of one step (a contextual-bandit log)
 * @param step            the step index within the episode (must increase by one); absent: rows of an
 *                        episode are taken in file order
 * @param observation     one column holding the observation (a list or a scalar), or several scalar
 *                        columns holding its elements in order
 * @param nextObservation the observation after the step (kept as the final observation at episode
 *                        ends); absent: final observations are not kept
 * @param action          the action taken
 * @param reward          the reward of the step
 * @param terminated      whether the step ended the episode in a terminal state
 * @param truncated       whether the step ended it by a time limit
 * @param done            an episode end without the distinction (RLlib's {@code dones}), read as terminated
 * @param propensity      the probability with which the logging policy chose the logged action, in (0, 1]
 * @param probabilities   the logging policy's whole action distribution (a list of n probabilities)
 */
public record ColumnMapping(String episode, String step, List<String> observation, String nextObservation,
                            String action, String reward, String terminated, String truncated, String done,
                            String propensity, String probabilities) {

    public ColumnMapping {
        observation = observation == null ? List.of() : List.copyOf(observation);
    }

    /** The column names of rlplay's own step table (so an export of a dataset imports back). */
    public static ColumnMapping defaults() {
        return new ColumnMapping("episode_id", "step", List.of("observation"), null, "action", "reward", "terminated",
                "truncated", null, "propensity", null);
    }

    /** RLlib's SampleBatch column names. */
    public static ColumnMapping rllib() {
        return new ColumnMapping("eps_id", "t", List.of("obs"), "new_obs", "actions", "rewards", "terminateds",
                "truncateds", "dones", "action_prob", null);
    }

    /** The names of the components, as used in mapping files and error messages. */
    public static List<String> components() {
        return List.of("episode", "step", "observation", "nextObservation", "action", "reward", "terminated",
                "truncated", "done", "propensity", "probabilities");
    }

    /**
     * This mapping with component {@code name} set to {@code column} (for {@code observation}, a
     * comma-separated list of columns); an empty {@code column} makes an optional component absent.
     *
     * @throws IllegalArgumentException for an unknown component
     */
    public ColumnMapping with(String name, String column) {
        String c = column == null || column.isEmpty() ? null : column;
        switch (name) {
            case "episode": return new ColumnMapping(c, step, observation, nextObservation, action, reward, terminated, truncated, done, propensity, probabilities);
            case "step": return new ColumnMapping(episode, c, observation, nextObservation, action, reward, terminated, truncated, done, propensity, probabilities);
            case "observation": return new ColumnMapping(episode, step, c == null ? List.of() : List.of(c.split(",")), nextObservation, action, reward, terminated, truncated, done, propensity, probabilities);
            case "nextObservation": return new ColumnMapping(episode, step, observation, c, action, reward, terminated, truncated, done, propensity, probabilities);
            case "action": return new ColumnMapping(episode, step, observation, nextObservation, c, reward, terminated, truncated, done, propensity, probabilities);
            case "reward": return new ColumnMapping(episode, step, observation, nextObservation, action, c, terminated, truncated, done, propensity, probabilities);
            case "terminated": return new ColumnMapping(episode, step, observation, nextObservation, action, reward, c, truncated, done, propensity, probabilities);
            case "truncated": return new ColumnMapping(episode, step, observation, nextObservation, action, reward, terminated, c, done, propensity, probabilities);
            case "done": return new ColumnMapping(episode, step, observation, nextObservation, action, reward, terminated, truncated, c, propensity, probabilities);
            case "propensity": return new ColumnMapping(episode, step, observation, nextObservation, action, reward, terminated, truncated, done, c, probabilities);
            case "probabilities": return new ColumnMapping(episode, step, observation, nextObservation, action, reward, terminated, truncated, done, propensity, c);
            default: throw new IllegalArgumentException("unknown mapping component '" + name + "': expected one of "
                    + components());
        }
    }

    /**
     * This mapping with the members of a mapping file's JSON applied.
     *
     * @throws IllegalArgumentException if it is not a JSON object of known components with string
     *     values (a list of strings for {@code observation})
     */
    public ColumnMapping withJson(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the mapping is not JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("the mapping must be a JSON object of component -> column");
        }
        ColumnMapping m = this;
        for (Map.Entry<String, JsonElement> e : ((JsonObject) root).entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonArray() && e.getKey().equals("observation")) {
                List<String> cols = new ArrayList<>();
                for (JsonElement x : (JsonArray) v) {
                    cols.add(x.getAsString());
                }
                m = m.with("observation", String.join(",", cols));
            } else if (v.isJsonNull()) {
                m = m.with(e.getKey(), null);
            } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                m = m.with(e.getKey(), v.getAsString());
            } else {
                throw new IllegalArgumentException("mapping member '" + e.getKey() + "' must be a column name, got " + v);
            }
        }
        return m;
    }

    /** Checks that the required components are present. */
    void requireComplete() {
        List<String> missing = new ArrayList<>();
        if (observation.isEmpty()) {
            missing.add("observation");
        }
        if (action == null) {
            missing.add("action");
        }
        if (reward == null) {
            missing.add("reward");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the column mapping lacks " + missing + "; map them with flags or a mapping file");
        }
    }
}
