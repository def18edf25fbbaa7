package org.rlplay.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the learner knows about each collector, and the rules that follow from it: a collector's
 * fragments are admitted once, in key order ({@link FragmentKey#isAfter}); a newer incarnation
 * replaces an older one (a restart); a collector that sent nothing for the collector timeout is
 * reported silent once, and a failure record is reported as it arrives.
 *
 * <p>Used on the training loop's thread only.
 */
final class CollectorBook {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorBook.class);

    private final Map<Integer, Tracked> collectors = new TreeMap<>();
    private final CollectorListener listener;
    private long duplicates;
    private long stale;

    /** @param listener told about silent and failed collectors, or null to tell nobody (replays) */
    CollectorBook(CollectorListener listener) {
        this.listener = listener;
    }

    /** A record of {@code key}'s collector arrived now: it is not silent. */
    void arrived(FragmentKey key, long now) {
        Tracked c = collectors.computeIfAbsent(key.collector(), Tracked::new);
        c.lastRecordNanos = now;
        if (c.silent) {
            c.silent = false;
            LOG.info("collector {} sends again", c.id);
        }
    }

    /** Collector {@code key.collector()} reported that it stopped, with {@code message}. */
    void failed(FragmentKey key, String message) {
        Tracked c = collectors.get(key.collector());
        c.failure = message;
        if (listener != null) {
            listener.failed(c.status());
        }
    }

    /** Whether {@code key} comes after every fragment seen from its collector; if so it becomes the newest seen. */
    boolean admit(FragmentKey key) {
        Tracked c = collectors.get(key.collector());
        if (c.last != null && !key.isAfter(c.last)) {
            c.duplicates++;
            duplicates++;
            return false;
        }
        if (c.last != null && key.incarnation() > c.last.incarnation()) {
            c.restarts++;
            c.failure = null;
            LOG.info("collector {} restarted (incarnation {} after {})", c.id, key.incarnation(), c.last.incarnation());
        }
        c.last = key;
        return true;
    }

    /** The admitted fragment of {@code collector} was dropped for its lag. */
    void dropStale(int collector) {
        collectors.get(collector).stale++;
        stale++;
    }

    /** The admitted fragment of {@code collector} is handed out. */
    void handedOut(int collector) {
        collectors.get(collector).fragments++;
    }

    /** Reports, once, each collector (not failed) that sent nothing for {@code timeout}. */
    void checkSilent(long now, Duration timeout) {
        for (Tracked c : collectors.values()) {
            if (!c.silent && c.failure == null && now - c.lastRecordNanos > timeout.toNanos()) {
                c.silent = true;
                if (listener != null) {
                    listener.silent(c.status());
                }
            }
        }
    }

    long duplicates() {
        return duplicates;
    }

    long stale() {
        return stale;
    }

    List<CollectorStatus> statuses() {
        List<CollectorStatus> out = new ArrayList<>(collectors.size());
        collectors.values().forEach(c -> out.add(c.status()));
        return out;
    }

    /** One line per collector for an error message, or a hint when none has sent anything. */
    String describe() {
        if (collectors.isEmpty()) {
            return "no collector has sent anything: are they running, with this topic and bootstrap?";
        }
        StringBuilder b = new StringBuilder();
        for (Tracked c : collectors.values()) {
            CollectorStatus s = c.status();
            b.append(b.length() == 0 ? "" : "; ").append("collector ").append(s.id()).append(": ")
                    .append(s.fragments()).append(" fragments, last record ").append(s.sinceLastRecord().toSeconds())
                    .append(" s ago");
            if (s.staleDropped() > 0) {
                b.append(", ").append(s.staleDropped()).append(" dropped as stale");
            }
            if (s.failure() != null) {
                b.append(", failed: ").append(s.failure());
            }
        }
        return b.toString();
    }

    /** The bookkeeping of one collector. */
    private static final class Tracked {
        final int id;
        FragmentKey last;
        long lastRecordNanos = System.nanoTime();
        int restarts;
        long fragments;
        long stale;
        long duplicates;
        boolean silent;
        String failure;

        Tracked(int id) {
            this.id = id;
        }

        CollectorStatus status() {
            return new CollectorStatus(id, last == null ? -1 : last.incarnation(), restarts, fragments, stale,
                    duplicates, Duration.ofNanos(System.nanoTime() - lastRecordNanos), silent, failure);
        }
    }
}
