package org.rlplay.env.space;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The JSON description of a space, shared by everything that writes spaces down or receives them:
 * dataset manifests, checkpoints, and both sides of the Gymnasium bridge (whose Python side writes
 * the same objects with {@code json.dumps}). An object with {@code type} ({@code Box},
 * {@code Discrete}, {@code MultiDiscrete} or {@code MultiBinary}), {@code shape}, {@code dtype}
 * (numpy's name) and the type's parameters: {@code low}/{@code high} for Box (row-major, infinite
 * bounds written as {@code Infinity}/{@code -Infinity} as Python's {@code json} does),
 * {@code n}/{@code start} for Discrete, {@code nvec} for MultiDiscrete, {@code n} for MultiBinary.
 * For example {@code {"type":"Discrete","shape":[],"dtype":"int64","n":3,"start":0}}.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpaceJson {
    private SpaceJson() {
    }

    /** The description of {@code space}. */
    public static JsonObject toJson(Space space) {
        JsonObject o = new JsonObject();
        o.addProperty("type", space.getClass().getSimpleName());
        JsonArray shape = new JsonArray();
        for (int d : space.shape()) {
            shape.add(d);
        }
        o.add("shape", shape);
        o.addProperty("dtype", space.elementType().numpyName());
        if (space instanceof Box box) {
            o.add("low", floats(box.low()));
            o.add("high", floats(box.high()));
        } else if (space instanceof Discrete d) {
            o.addProperty("n", d.n());
            o.addProperty("start", d.start());
        } else if (space instanceof MultiDiscrete m) {
            JsonArray nvec = new JsonArray();
            for (int n : m.nvec()) {
                nvec.add(n);
            }
            o.add("nvec", nvec);
        } else if (space instanceof MultiBinary b) {
            o.addProperty("n", b.n());
        }
        return o;
    }

    private static JsonArray floats(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    /**
     * Parses a space description.
     *
     * @throws IllegalArgumentException naming the missing or bad member
     */
    public static Space fromJson(JsonElement element) {
        if (element == null || !element.isJsonObject()) {
            throw new IllegalArgumentException("a space must be a JSON object, got " + element);
        }
        JsonObject o = element.getAsJsonObject();
        String type = string(o, "type");
        switch (type) {
            case "Box": {
                int[] shape = ints(o, "shape");
                return new Box(floats(o, "low"), floats(o, "high"), shape, ElementType.ofNumpy(string(o, "dtype")));
            }
            case "Discrete":
                return new Discrete(integer(o, "n"), integer(o, "start"));
            case "MultiDiscrete":
                return new MultiDiscrete(ints(o, "nvec"));
            case "MultiBinary":
                return new MultiBinary(integer(o, "n"));
            default:
                throw new IllegalArgumentException("unknown space type '" + type
                        + "': expected Box, Discrete, MultiDiscrete or MultiBinary");
        }
    }

    private static JsonElement member(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("space " + o + " has no '" + name + "'");
        }
        return e;
    }

    private static String string(JsonObject o, String name) {
        return member(o, name).getAsString();
    }

    private static int integer(JsonObject o, String name) {
        return member(o, name).getAsInt();
    }

    private static int[] ints(JsonObject o, String name) {
        JsonArray a = member(o, name).getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static float[] floats(JsonObject o, String name) {
        JsonArray a = member(o, name).getAsJsonArray();
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).getAsDouble();
        }
        return out;
    }
}
