package org.rlplay.record;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.fragment.FragmentSpec;

/**
 * The description of a dataset, stored as {@code manifest.json} in its directory and replaced
 * atomically after every chunk. Immutable; {@link Recorder} writes it, {@link Dataset} reads it.
 *
 * <h2>JSON layout (schema version 1)</h2>
 * <pre>{@code
 * {
 *   "format": "rlplay-dataset", "schema_version": 1, "complete": true,
 *   "env_id": "CartPole-v1", "length": 128, "num_envs": 64,      // T and N of every chunk
 *   "observation_space": {"type": "Box", "shape": [4], "dtype": "float32", "low": [...], "high": [...]},
 *   "action_space": {"type": "Discrete", "shape": [], "dtype": "int64", "n": 2, "start": 0},
 *   "env_info_keys": [], "keep_final_obs": true, "seeds": [0, 1, ...], "attributes": {...},
 *   "fields": [{"name": "obs", "dtype": "<f4", "shape": [129, 64, 4]}, ...],
 *   "actor_versions": [0],
 *   "chunks": [{"file": "chunk-000000.npz", "bytes": 412345, "crc32": "9a0b1c2d", "sequence": 0,
 *               "actor_version": 0, "collector": 0, "env_offset": 0, "episodes": 3}, ...]
 * }
 * }</pre>
 * {@code complete} is false while recording (and forever if the recorder died): the listed chunks
 * are whole and readable either way. {@code fields} is empty until the first chunk is written.
 *
 * @param schemaVersion the schema version ({@link #SCHEMA_VERSION})
 * @param envId         the env id
 * @param complete      whether the recorder was closed normally
 * @param spec          T, N, spaces, env info keys and whether finalObs is kept
 * @param seeds         the envs' start-up seeds
 * @param attributes    free-form attributes
 * @param fields        the arrays of every chunk
 * @param chunks        the chunk files in the order they were written
 */
public record Manifest(int schemaVersion, String envId, boolean complete, FragmentSpec spec, long[] seeds,
                       Map<String, String> attributes, List<FieldInfo> fields, List<ChunkInfo> chunks) {
    /** The schema version this code writes and reads. */
    public static final int SCHEMA_VERSION = 1;
    /** The value of the manifest's {@code format} member. */
    public static final String FORMAT = "rlplay-dataset";
    /** The manifest's file name inside a dataset directory. */
    public static final String FILE_NAME = "manifest.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    public Manifest {
        seeds = seeds.clone();
        attributes = Map.copyOf(attributes);
        fields = List.copyOf(fields);
        chunks = List.copyOf(chunks);
    }

    /** A copy of the seeds. */
    @Override
    public long[] seeds() {
        return seeds.clone();
    }

    /** The distinct actor versions of the chunks, ascending. */
    public List<Long> actorVersions() {
        TreeSet<Long> versions = new TreeSet<>();
        chunks.forEach(c -> versions.add(c.actorVersion()));
        return List.copyOf(versions);
    }

    /** Transitions in the dataset: T per env per chunk. */
    public long transitions() {
        return (long) chunks.size() * spec.length() * spec.numEnvs();
    }

    /** The field named {@code name}, or null. */
    public FieldInfo field(String name) {
        for (FieldInfo f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The JSON text of this manifest. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("schema_version", schemaVersion);
        o.addProperty("complete", complete);
        o.addProperty("env_id", envId);
        o.addProperty("length", spec.length());
        o.addProperty("num_envs", spec.numEnvs());
        o.add("observation_space", SpaceJson.toJson(spec.observationSpace()));
        o.add("action_space", SpaceJson.toJson(spec.actionSpace()));
        JsonArray keys = new JsonArray();
        spec.envInfoKeys().forEach(keys::add);
        o.add("env_info_keys", keys);
        o.addProperty("keep_final_obs", spec.keepFinalObs());
        JsonArray s = new JsonArray();
        for (long seed : seeds) {
            s.add(seed);
        }
        o.add("seeds", s);
        JsonObject attrs = new JsonObject();
        new TreeMap<>(attributes).forEach(attrs::addProperty);
        o.add("attributes", attrs);
        JsonArray f = new JsonArray();
        for (FieldInfo field : fields) {
            JsonObject fo = new JsonObject();
            fo.addProperty("name", field.name());
            fo.addProperty("dtype", field.dtype());
            JsonArray shape = new JsonArray();
            for (long d : field.shape()) {
                shape.add(d);
            }
            fo.add("shape", shape);
            f.add(fo);
        }
        o.add("fields", f);
        JsonArray versions = new JsonArray();
        actorVersions().forEach(versions::add);
        o.add("actor_versions", versions);
        JsonArray c = new JsonArray();
        for (ChunkInfo chunk : chunks) {
            JsonObject co = new JsonObject();
            co.addProperty("file", chunk.file());
            co.addProperty("bytes", chunk.bytes());
            co.addProperty("crc32", chunk.crc32());
            co.addProperty("sequence", chunk.sequence());
            co.addProperty("actor_version", chunk.actorVersion());
            co.addProperty("collector", chunk.collector());
            co.addProperty("env_offset", chunk.envOffset());
            co.addProperty("episodes", chunk.episodes());
            c.add(co);
        }
        o.add("chunks", c);
        return GSON.toJson(o) + "\n";
    }

    /**
     * Parses a manifest's JSON text.
     *
     * @throws IllegalArgumentException describing what is missing or wrong (not JSON, another
     *     format, an unsupported schema version, a missing or malformed member)
     */
    public static Manifest parse(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not a JSON manifest (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("not a JSON object manifest");
        }
        JsonObject o = root.getAsJsonObject();
        JsonElement format = o.get("format");
        if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
            throw new IllegalArgumentException("not an " + FORMAT + " manifest (format is " + format + ")");
        }
        int version = member(o, "schema_version").getAsInt();
        if (version != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schema version " + version + " (this reader knows "
                    + SCHEMA_VERSION + ")");
        }
        try {
            Space obs = SpaceJson.fromJson(member(o, "observation_space"));
            Space act = SpaceJson.fromJson(member(o, "action_space"));
            List<String> keys = new ArrayList<>();
            member(o, "env_info_keys").getAsJsonArray().forEach(k -> keys.add(k.getAsString()));
            FragmentSpec spec = new FragmentSpec(member(o, "length").getAsInt(), member(o, "num_envs").getAsInt(),
                    obs, act, keys, member(o, "keep_final_obs").getAsBoolean());
            JsonArray s = member(o, "seeds").getAsJsonArray();
            long[] seeds = new long[s.size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = s.get(i).getAsLong();
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            member(o, "attributes").getAsJsonObject().entrySet()
                    .forEach(e -> attributes.put(e.getKey(), e.getValue().getAsString()));
            List<FieldInfo> fields = new ArrayList<>();
            for (JsonElement e : member(o, "fields").getAsJsonArray()) {
                JsonObject fo = e.getAsJsonObject();
                JsonArray shape = member(fo, "shape").getAsJsonArray();
                long[] dims = new long[shape.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i).getAsLong();
                }
                fields.add(new FieldInfo(member(fo, "name").getAsString(), member(fo, "dtype").getAsString(), dims));
            }
            List<ChunkInfo> chunks = new ArrayList<>();
            for (JsonElement e : member(o, "chunks").getAsJsonArray()) {
                JsonObject co = e.getAsJsonObject();
                chunks.add(new ChunkInfo(member(co, "file").getAsString(), member(co, "bytes").getAsLong(),
                        member(co, "crc32").getAsString(), member(co, "sequence").getAsLong(),
                        member(co, "actor_version").getAsLong(), member(co, "collector").getAsInt(),
                        member(co, "env_offset").getAsInt(), member(co, "episodes").getAsInt()));
            }
            return new Manifest(version, member(o, "env_id").getAsString(), member(o, "complete").getAsBoolean(),
                    spec, seeds, attributes, fields, chunks);
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed manifest member (" + e.getMessage() + ")", e);
        }
    }

    private static JsonElement member(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("manifest member '" + name + "' is missing");
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && toJson().equals(m.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }
}
