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
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.FragmentSpec;

/**
 * What one dataset file says about itself, stored as JSON under the key {@value #KEY} of the
 * Parquet footer's key-value metadata (so Spark, pyarrow and DuckDB see it too). Immutable.
 *
 * <pre>{@code
 * {"format": "rlplay-dataset", "schema_version": 2, "env_id": "CartPole-v1", "run": 0,
 *  "length": 128, "num_envs": 64, "observation_space": {...}, "action_space": {...},
 *  "env_info_keys": [], "keep_final_obs": true,
 *  "actor_info": [{"name": "probs", "dtype": "float32", "shape": [2]}],
 *  "seeds": [0, 1, ...], "attributes": {"policy": "..."},
 *  "hx": [{"dtype": "float32", "shape": [1, 64, 32]}],
 *  "fragments": [{"sequence": 0, "actor_version": 0, "collector": 0, "env_offset": 0, "episodes": 3, "hx": false}]}
 * }</pre>
 * {@code fragments} lists the file's row groups in order (row group k is fragment k of the file);
 * {@code hx} gives the arrays of the recurrent state of every fragment whose {@code hx} is true
 * (their per-env slices are the {@code state_in} bytes).
 *
 * @param envId      the env id
 * @param run        the recording run (see {@link Dataset})
 * @param layout     the fragment layout and actor info columns
 * @param seeds      the envs' start-up seeds
 * @param attributes free-form attributes
 * @param hx         the recurrent state's arrays (empty if no fragment of the file has one)
 * @param fragments  the row groups
 */
record FileMetadata(String envId, int run, Layout layout, long[] seeds, Map<String, String> attributes,
                    List<HxArray> hx, List<FragmentMeta> fragments) {
    /** The footer key. */
    static final String KEY = "rlplay";
    static final String FORMAT = "rlplay-dataset";
    /** 1 was the npz layout; 2 is the Parquet step table. */
    static final int SCHEMA_VERSION = 2;
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
            .create();

    FileMetadata {
        seeds = seeds.clone();
        attributes = Map.copyOf(attributes);
        hx = List.copyOf(hx);
        fragments = List.copyOf(fragments);
    }

    @Override
    public long[] seeds() {
        return seeds.clone();
    }

    /**
     * One array of the recurrent state: element type and full shape {@code (layers, N, ...)}.
     *
     * @param type  element type
     * @param shape full shape, batch in dim 1
     */
    record HxArray(ElementType type, long[] shape) {
        /** Elements of one env's slice: the product of the shape without dim 1. */
        long perEnv() {
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                n *= i == 1 ? 1 : shape[i];
            }
            return n;
        }

        boolean sameAs(HxArray o) {
            return type == o.type && java.util.Arrays.equals(shape, o.shape);
        }
    }

    /**
     * One row group.
     *
     * @param sequence     the fragment's sequence in its collector's stream
     * @param actorVersion its actor version
     * @param collector    its collector
     * @param envOffset    the global index of its env 0
     * @param episodes     episodes that ended in it
     * @param hasHx        whether it has a recurrent state
     */
    record FragmentMeta(long sequence, long actorVersion, int collector, int envOffset, int episodes, boolean hasHx) {
    }

    String toJson() {
        FragmentSpec s = layout.spec();
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("schema_version", SCHEMA_VERSION);
        o.addProperty("env_id", envId);
        o.addProperty("run", run);
        o.addProperty("length", s.length());
        o.addProperty("num_envs", s.numEnvs());
        o.add("observation_space", SpaceJson.toJson(s.observationSpace()));
        o.add("action_space", SpaceJson.toJson(s.actionSpace()));
        JsonArray keys = new JsonArray();
        s.envInfoKeys().forEach(keys::add);
        o.add("env_info_keys", keys);
        o.addProperty("keep_final_obs", s.keepFinalObs());
        JsonArray info = new JsonArray();
        for (ColumnSpec c : layout.actorInfo()) {
            JsonObject co = new JsonObject();
            co.addProperty("name", c.name());
            co.addProperty("dtype", c.type().numpyName());
            co.add("shape", ints(c.shape()));
            info.add(co);
        }
        o.add("actor_info", info);
        JsonArray seedArray = new JsonArray();
        for (long seed : seeds) {
            seedArray.add(seed);
        }
        o.add("seeds", seedArray);
        JsonObject attrs = new JsonObject();
        new TreeMap<>(attributes).forEach(attrs::addProperty);
        o.add("attributes", attrs);
        JsonArray h = new JsonArray();
        for (HxArray a : hx) {
            JsonObject ho = new JsonObject();
            ho.addProperty("dtype", a.type().numpyName());
            JsonArray shape = new JsonArray();
            for (long d : a.shape()) {
                shape.add(d);
            }
            ho.add("shape", shape);
            h.add(ho);
        }
        o.add("hx", h);
        JsonArray f = new JsonArray();
        for (FragmentMeta m : fragments) {
            JsonObject fo = new JsonObject();
            fo.addProperty("sequence", m.sequence());
            fo.addProperty("actor_version", m.actorVersion());
            fo.addProperty("collector", m.collector());
            fo.addProperty("env_offset", m.envOffset());
            fo.addProperty("episodes", m.episodes());
            fo.addProperty("hx", m.hasHx());
            f.add(fo);
        }
        o.add("fragments", f);
        return GSON.toJson(o);
    }

    private static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /**
     * Parses the footer value.
     *
     * @throws IllegalArgumentException saying what is missing or wrong
     */
    static FileMetadata parse(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the '" + KEY + "' metadata is not JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("the '" + KEY + "' metadata is not a JSON object");
        }
        JsonObject o = root.getAsJsonObject();
        JsonElement format = o.get("format");
        if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
            throw new IllegalArgumentException("not an " + FORMAT + " file (format is " + format + ")");
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
            List<ColumnSpec> info = new ArrayList<>();
            for (JsonElement e : member(o, "actor_info").getAsJsonArray()) {
                JsonObject co = e.getAsJsonObject();
                info.add(new ColumnSpec(member(co, "name").getAsString(),
                        ElementType.ofNumpy(member(co, "dtype").getAsString()), intArray(member(co, "shape")), true));
            }
            JsonArray s = member(o, "seeds").getAsJsonArray();
            long[] seeds = new long[s.size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = s.get(i).getAsLong();
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            member(o, "attributes").getAsJsonObject().entrySet()
                    .forEach(e -> attributes.put(e.getKey(), e.getValue().getAsString()));
            List<HxArray> hx = new ArrayList<>();
            for (JsonElement e : member(o, "hx").getAsJsonArray()) {
                JsonObject ho = e.getAsJsonObject();
                JsonArray shape = member(ho, "shape").getAsJsonArray();
                long[] dims = new long[shape.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i).getAsLong();
                }
                hx.add(new HxArray(ElementType.ofNumpy(member(ho, "dtype").getAsString()), dims));
            }
            List<FragmentMeta> fragments = new ArrayList<>();
            for (JsonElement e : member(o, "fragments").getAsJsonArray()) {
                JsonObject fo = e.getAsJsonObject();
                fragments.add(new FragmentMeta(member(fo, "sequence").getAsLong(), member(fo, "actor_version").getAsLong(),
                        member(fo, "collector").getAsInt(), member(fo, "env_offset").getAsInt(),
                        member(fo, "episodes").getAsInt(), member(fo, "hx").getAsBoolean()));
            }
            return new FileMetadata(member(o, "env_id").getAsString(), member(o, "run").getAsInt(),
                    new Layout(spec, info), seeds, attributes, hx, fragments);
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed '" + KEY + "' metadata member (" + e.getMessage() + ")", e);
        }
    }

    private static int[] intArray(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static JsonElement member(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("the '" + KEY + "' metadata has no member '" + name + "'");
        }
        return e;
    }
}
