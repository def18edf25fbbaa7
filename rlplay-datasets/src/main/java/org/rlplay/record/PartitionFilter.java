package org.rlplay.record;

import java.util.Map;

/**
 * Which Hive partitions of a dataset a reader takes, by their {@code key=value} directory names
 * (e.g. {@code date=2026-12-01}). Values compare as strings, so ISO dates order as days. Stateless
 * implementations are thread-safe.
 */
@FunctionalInterface
public interface PartitionFilter {

    /** Whether the file in partition {@code values} (key to value, outermost directory first) is read. */
    boolean accepts(Map<String, String> values);

    /** Every partition. */
    static PartitionFilter all() {
        return values -> true;
    }

    /** The partitions whose {@code key} is {@code value}. */
    static PartitionFilter equal(String key, String value) {
        return values -> value.equals(values.get(key));
    }

    /** The partitions whose {@code key} lies in {@code [from, to]} (as strings, both inclusive). */
    static PartitionFilter between(String key, String from, String to) {
        return values -> {
            String v = values.get(key);
            return v != null && v.compareTo(from) >= 0 && v.compareTo(to) <= 0;
        };
    }

    /** The partitions both filters accept. */
    default PartitionFilter and(PartitionFilter other) {
        return values -> accepts(values) && other.accepts(values);
    }
}
