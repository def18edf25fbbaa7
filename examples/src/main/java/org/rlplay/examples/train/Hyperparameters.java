package org.rlplay.examples.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rlplay.examples.usage.UsageException;

/**
 * The hyperparameters of an algorithm are a Java record; this class applies the command line's
 * {@code --set name=value} overrides to one, prints it, and converts it to and from JSON (for
 * checkpoints). Supported component types: {@code int, long, float, double, boolean, String} and
 * {@code int[]} (comma-separated). Stateless and thread-safe.
 */
public final class Hyperparameters {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private Hyperparameters() {
    }

    /**
     * A copy of {@code base} with the named components replaced by the parsed values.
     *
     * @throws IllegalArgumentException naming the key for an unknown name or an unparsable value,
     *     or with the record's own message if it rejects the combination
     */
    public static <H extends Record> H override(H base, Map<String, String> sets) {
        if (sets == null || sets.isEmpty()) {
            return base;
        }
        RecordComponent[] components = base.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = read(base, components[i]);
        }
        for (Map.Entry<String, String> e : sets.entrySet()) {
            int i = indexOf(components, e.getKey());
            if (i < 0) {
                throw new UsageException("--set " + e.getKey() + ": unknown hyperparameter; "
                        + owner(base.getClass()) + " has " + names(components));
            }
            values[i] = parse(components[i], e.getValue());
        }
        return construct(base.getClass(), components, values);
    }

    /** {@code name=value} pairs of every component, in declaration order. */
    public static String describe(Record h) {
        StringBuilder b = new StringBuilder();
        for (RecordComponent c : h.getClass().getRecordComponents()) {
            Object v = read(h, c);
            b.append(b.length() == 0 ? "" : " ").append(c.getName()).append('=')
                    .append(v instanceof int[] a ? join(a) : v instanceof double[] d ? join(d) : String.valueOf(v));
        }
        return b.toString();
    }

    /** The record as a JSON object keyed by component name. */
    public static JsonElement toJson(Record h) {
        return GSON.toJsonTree(h);
    }

    /**
     * The record of type {@code type} from {@link #toJson} output.
     *
     * @throws IllegalArgumentException if the JSON does not describe a valid record of that type
     */
    public static <H extends Record> H fromJson(JsonElement json, Class<H> type) {
        H h;
        try {
            h = GSON.fromJson(json, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("hyperparameters do not fit " + type.getName() + ": " + e.getMessage(), e);
        }
        if (h == null) {
            throw new IllegalArgumentException("hyperparameters missing for " + type.getName());
        }
        return h;
    }

    private static String owner(Class<?> type) {
        Class<?> outer = type.getEnclosingClass();
        return outer != null ? outer.getSimpleName() : type.getSimpleName();
    }

    private static int indexOf(RecordComponent[] components, String name) {
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> names(RecordComponent[] components) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : components) {
            out.add(c.getName());
        }
        return out;
    }

    private static Object read(Record h, RecordComponent c) {
        try {
            return c.getAccessor().invoke(h);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read hyperparameter " + c.getName(), e);
        }
    }

    private static Object parse(RecordComponent c, String text) {
        Class<?> t = c.getType();
        String s = text.trim();
        try {
            if (t == int.class) {
                return Integer.parseInt(s);
            } else if (t == long.class) {
                return Long.parseLong(s.replace("_", ""));
            } else if (t == float.class) {
                return Float.parseFloat(s);
            } else if (t == double.class) {
                return Double.parseDouble(s);
            } else if (t == boolean.class) {
                if (!s.equals("true") && !s.equals("false")) {
                    throw new NumberFormatException("expected true or false");
                }
                return Boolean.parseBoolean(s);
            } else if (t == String.class) {
                return s;
            } else if (t == int[].class) {
                return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } else if (t == double[].class) {
                return Arrays.stream(s.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--set " + c.getName() + "=" + text + ": not a valid "
                    + t.getSimpleName() + " (" + e.getMessage() + ")");
        }
        throw new IllegalStateException("unsupported hyperparameter type " + t + " of " + c.getName());
    }

    @SuppressWarnings("unchecked")
    private static <H extends Record> H construct(Class<?> type, RecordComponent[] components, Object[] values) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return (H) ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException("cannot build " + type.getName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    private static String join(double[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        return b.toString();
    }

    private static String join(int[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        return b.toString();
    }

    /**
     * Checks one constraint of an algorithm's hyperparameter record (called from its compact
     * constructor).
     *
     * @throws IllegalArgumentException {@code "<algo> hyperparameters: <message>"} when {@code ok} is false
     */
    public static void require(String algo, boolean ok, String message) {
        if (!ok) {
            throw new UsageException(algo + " hyperparameters: " + message);
        }
    }

    /**
     * Checks the hidden-layer widths of an algorithm's networks (called from its record's compact
     * constructor): at least one layer, each at least 1 wide.
     *
     * @throws UsageException {@code "<algo> hyperparameters: hidden ..."} otherwise
     */
    public static void requireWidths(String algo, int[] hidden) {
        require(algo, hidden != null && hidden.length >= 1 && Arrays.stream(hidden).allMatch(w -> w >= 1),
                "hidden widths must be >= 1 (at least one layer), got " + (hidden == null ? "none" : join(hidden)));
    }

    /** The {@code int} component {@code name} of {@code h}, or {@code otherwise} if it has none. */
    public static int intComponent(Record h, String name, int otherwise) {
        for (RecordComponent c : h.getClass().getRecordComponents()) {
            if (c.getName().equals(name) && c.getType() == int.class) {
                return (Integer) read(h, c);
            }
        }
        return otherwise;
    }
}
