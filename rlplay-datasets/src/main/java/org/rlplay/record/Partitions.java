package org.rlplay.record;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hive-style partition paths ({@code key=value/...}): parsing and checking. Stateless. */
final class Partitions {
    private Partitions() {
    }

    /** The partition values of {@code file} relative to the dataset root {@code root}, in path order. */
    static Map<String, String> of(Path root, Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        Path relative = root.relativize(file.getParent() == null ? file : file.getParent());
        for (Path segment : relative) {
            String s = segment.toString();
            int eq = s.indexOf('=');
            if (eq > 0) {
                values.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return values;
    }

    /** Checks a partition path's segments. */
    static void requirePath(String path) {
        for (String segment : path.split("/")) {
            int eq = segment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("partition segment '" + segment + "' of '" + path + "' is not key=value");
            }
            requireSegment(segment.substring(0, eq), segment.substring(eq + 1));
        }
    }

    static void requireSegment(String key, String value) {
        if (key.isEmpty() || value.isEmpty() || (key + value).matches(".*[/\\\\=\\s].*") || key.startsWith(".")
                || key.startsWith("_")) {
            throw new IllegalArgumentException("partition " + key + "=" + value
                    + ": key and value must be non-empty, without '/', '=', '\\' or spaces, the key not starting with '.' or '_'");
        }
    }
}
