package org.rlplay.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Renders a growing dataset's {@code manifest.json} without re-serialising the whole chunk list on
 * every update: the part before {@code actor_versions} is rendered by {@link Manifest#toJson} once
 * (and again only when the fields are first set or the dataset completes), each chunk's JSON is
 * rendered once when it is added and kept as bytes, and {@link #render} concatenates them. The
 * text is exactly what {@link Manifest#toJson} gives for the same manifest.
 *
 * <p>Owned and used by one thread at a time: the {@link ChunkStore}'s user.
 */
final class ManifestWriter {
    /** What {@link Manifest#toJson} ends with when there are no chunks (and so no actor versions). */
    private static final String EMPTY_TAIL = ",\n  \"actor_versions\": [],\n  \"chunks\": []\n}\n";
    private static final byte[] VERSIONS_KEY = ascii(",\n  \"actor_versions\": ");
    private static final byte[] CHUNKS_KEY = ascii(",\n  \"chunks\": ");
    private static final byte[] EMPTY_ARRAY = ascii("[]");
    private static final byte[] END = ascii("\n}\n");

    private final Manifest base;
    private List<FieldInfo> fields;
    private boolean complete;
    private final List<ChunkInfo> chunks = new ArrayList<>();
    private final TreeSet<Long> versions = new TreeSet<>();
    private final StringBuilder text = new StringBuilder();
    private byte[] head;
    private byte[] versionsJson = EMPTY_ARRAY;
    private byte[] chunksJson = new byte[1 << 12];
    private int chunksLength;
    private ByteBuffer rendered = ByteBuffer.allocate(1 << 12);

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
     * The manifest's JSON text as UTF-8 in a reused buffer (position 0, limit the size), valid
     * until the next call.
     */
    ByteBuffer render() {
        if (head == null) {
            String json = new Manifest(base.schemaVersion(), base.envId(), complete, base.spec(), base.seeds(),
                    base.attributes(), fields, List.of()).toJson();
            if (!json.endsWith(EMPTY_TAIL)) {
                throw new IllegalStateException("unexpected manifest layout: " + json);
            }
            head = json.substring(0, json.length() - EMPTY_TAIL.length()).getBytes(StandardCharsets.UTF_8);
        }
        int size = head.length + VERSIONS_KEY.length + versionsJson.length + CHUNKS_KEY.length
                + (chunks.isEmpty() ? EMPTY_ARRAY.length : chunksLength + 6) + END.length;
        if (rendered.capacity() < size) {
            rendered = ByteBuffer.allocate(Math.max(size, 2 * rendered.capacity()));
        }
        rendered.clear();
        rendered.put(head).put(VERSIONS_KEY).put(versionsJson).put(CHUNKS_KEY);
        if (chunks.isEmpty()) {
            rendered.put(EMPTY_ARRAY);
        } else {
            rendered.put((byte) '[').put((byte) '\n').put(chunksJson, 0, chunksLength)
                    .put((byte) '\n').put((byte) ' ').put((byte) ' ').put((byte) ']');
        }
        rendered.put(END);
        rendered.flip();
        return rendered;
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
        if (chunksLength + n > chunksJson.length) {
            chunksJson = Arrays.copyOf(chunksJson, Math.max(chunksLength + n, 2 * chunksJson.length));
        }
        for (int i = 0; i < n; i++) {
            chunksJson[chunksLength + i] = (byte) text.charAt(i);
        }
        chunksLength += n;
    }

    private StringBuilder member(String name, Object value) {
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
