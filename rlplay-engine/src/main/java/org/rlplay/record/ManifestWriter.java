package org.rlplay.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Renders a growing dataset's {@code manifest.json} without re-serialising the whole chunk list on
 * every update: the part before {@code actor_versions} is rendered by {@link Manifest#toJson} once
 * (and again only when the fields are first set or the dataset completes), each chunk's JSON is
 * rendered once when it is added and kept as bytes, and {@link #render} hands out the pieces for
 * one gathering write. The text is exactly what {@link Manifest#toJson} gives for the same
 * manifest.
 *
 * <p>Owned and used by one thread at a time: the {@link ChunkStore}'s user.
 */
final class ManifestWriter {
    /** What {@link Manifest#toJson} ends with when there are no chunks (and so no actor versions). */
    private static final String EMPTY_TAIL = ",\n  \"actor_versions\": [],\n  \"chunks\": []\n}\n";
    private static final byte[] VERSIONS_KEY = ascii(",\n  \"actor_versions\": ");
    private static final byte[] CHUNKS_KEY = ascii(",\n  \"chunks\": ");
    private static final byte[] EMPTY_ARRAY = ascii("[]");
    private static final byte[] CLOSE_CHUNKS = ascii("\n  ]");
    private static final byte[] END = ascii("\n}\n");

    private final Manifest base;
    private List<FieldInfo> fields;
    private boolean complete;
    private final List<ChunkInfo> chunks = new ArrayList<>();
    private final TreeSet<Long> versions = new TreeSet<>();
    private final StringBuilder text = new StringBuilder();
    private byte[] head;
    private byte[] versionsJson = EMPTY_ARRAY;
    /** The chunk entries' JSON, appended as chunks are added; its limit is set by {@link #render}. */
    private ByteBuffer entries = ByteBuffer.allocateDirect(1 << 12);
    private int entriesLength;
    private ByteBuffer front = ByteBuffer.allocateDirect(1 << 12);
    private final ByteBuffer back = ByteBuffer.allocateDirect(16);
    private final ByteBuffer[] parts = new ByteBuffer[3];

    /** Starts from {@code initial}, its chunks included. */
    ManifestWriter(Manifest initial) {
        base = new Manifest(initial.schemaVersion(), initial.envId(), false, initial.spec(), initial.seeds(),
                initial.attributes(), List.of(), List.of());
        fields = initial.fields();
        complete = initial.complete();
        initial.chunks().forEach(this::addChunk);
    }

    /** The arrays of every chunk (empty before the first). */
    List<FieldInfo> fields() {
        return fields;
    }

    /** Chunks listed so far. */
    int chunks() {
        return chunks.size();
    }

    /** Lists one more chunk; {@code chunkFields} become the fields if there were none yet. */
    void add(ChunkInfo chunk, List<FieldInfo> chunkFields) {
        if (fields.isEmpty()) {
            fields = List.copyOf(chunkFields);
            head = null;
        }
        addChunk(chunk);
    }

    /** Marks the dataset complete. */
    void complete() {
        complete = true;
        head = null;
    }

    /** The manifest as listed so far (allocates the chunk list: for tests and diagnostics). */
    Manifest manifest() {
        return new Manifest(base.schemaVersion(), base.envId(), complete, base.spec(), base.seeds(),
                base.attributes(), fields, chunks);
    }

    /**
     * The manifest's JSON text as UTF-8, in three reused direct buffers to be written in this order
     * with one gathering write (each positioned at its start, limited at its end), valid until the
     * next call: everything before the chunk entries, the entries (kept since they were added, not
     * copied again) and the closing brackets.
     */
    ByteBuffer[] render() {
        if (head == null) {
            String json = new Manifest(base.schemaVersion(), base.envId(), complete, base.spec(), base.seeds(),
                    base.attributes(), fields, List.of()).toJson();
            if (!json.endsWith(EMPTY_TAIL)) {
                throw new IllegalStateException("unexpected manifest layout: " + json);
            }
            head = json.substring(0, json.length() - EMPTY_TAIL.length()).getBytes(StandardCharsets.UTF_8);
        }
        int size = head.length + VERSIONS_KEY.length + versionsJson.length + CHUNKS_KEY.length + 2;
        if (front.capacity() < size) {
            front = ByteBuffer.allocateDirect(Math.max(size, 2 * front.capacity()));
        }
        front.clear();
        front.put(head).put(VERSIONS_KEY).put(versionsJson).put(CHUNKS_KEY);
        back.clear();
        if (chunks.isEmpty()) {
            front.put(EMPTY_ARRAY);
        } else {
            front.put((byte) '[').put((byte) '\n');
            back.put(CLOSE_CHUNKS);
        }
        back.put(END);
        front.flip();
        back.flip();
        entries.limit(entriesLength).position(0);
        parts[0] = front;
        parts[1] = entries;
        parts[2] = back;
        return parts;
    }

    private void addChunk(ChunkInfo c) {
        chunks.add(c);
        if (versions.add(c.actorVersion())) {
            text.setLength(0);
            text.append('[');
            String sep = "\n    ";
            for (long v : versions) {
                text.append(sep).append(v);
                sep = ",\n    ";
            }
            text.append("\n  ]");
            versionsJson = ascii(text);
        }
        text.setLength(0);
        if (chunks.size() > 1) {
            text.append(",\n");
        }
        text.append("    {\n");
        member("file", quoted(c.file())).append(",\n");
        member("bytes", c.bytes()).append(",\n");
        member("crc32", quoted(c.crc32())).append(",\n");
        member("sequence", c.sequence()).append(",\n");
        member("actor_version", c.actorVersion()).append(",\n");
        member("collector", c.collector()).append(",\n");
        member("env_offset", c.envOffset()).append(",\n");
        member("episodes", c.episodes()).append("\n    }");
        int n = text.length();
        if (entriesLength + n > entries.capacity()) {
            ByteBuffer grown = ByteBuffer.allocateDirect(Math.max(entriesLength + n, 2 * entries.capacity()));
            entries.limit(entriesLength).position(0);
            grown.put(entries);
            entries = grown;
        }
        entries.limit(entries.capacity()).position(entriesLength);
        for (int i = 0; i < n; i++) {
            entries.put((byte) text.charAt(i));
        }
        entriesLength += n;
    }

    private StringBuilder member(String name, String value) {
        return text.append("      \"").append(name).append("\": ").append(value);
    }

    private StringBuilder member(String name, long value) {
        return text.append("      \"").append(name).append("\": ").append(value);
    }

    /** A JSON string of our own file names and hex digits, which need no escapes; refuses others. */
    private static String quoted(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
                throw new IllegalArgumentException("chunk member '" + s + "' needs JSON escapes");
            }
        }
        return "\"" + s + "\"";
    }

    private static byte[] ascii(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
