package org.rlplay.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The part of a broker's log file that one child JVM wrote (the file is appended across restarts),
 * read back when an error message needs it: its last lines, and the broker's own explanation of a
 * failure.
 */
final class BrokerLog {
    /** At most this much of the end of a child's output is read. */
    private static final int MAX_BYTES = 1 << 20;
    private static final Pattern EXCEPTION = Pattern.compile("^(Caused by: )?[A-Za-z_$][\\w.$]*(Exception|Error)(: .*)?$");
    private static final Pattern FAILURE = Pattern.compile(
            ".* (ERROR|FATAL) .*|^Error: .*|^Exception in thread .*|^rlplay broker: .* failed: .*");

    private final Path file;
    private final long start;

    /** The output that will be appended to {@code file} from now on. */
    BrokerLog(Path file) throws IOException {
        this.file = file;
        this.start = Files.exists(file) ? Files.size(file) : 0;
    }

    Path file() {
        return file;
    }

    /** The non-blank lines written since this object was made (of the last 1 MiB), oldest first. */
    List<String> lines() {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(start, f.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            List<String> all = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")));
            if (from > start && !all.isEmpty()) {
                all.remove(0); // cut in the middle
            }
            all.removeIf(String::isBlank);
            return all;
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /** The last {@code n} of {@code lines}. */
    static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /**
     * The broker's own explanation of a failure: the first exception reported with the first error
     * (Kafka logs the root error first, then the shutdown it causes), or that error line itself; else
     * the last line.
     */
    static String explanation(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (FAILURE.matcher(lines.get(i)).matches()) {
                String error = lines.get(i).trim();
                for (int j = i + 1; j < lines.size() && !startsLogLine(lines.get(j)); j++) {
                    String line = lines.get(j).trim();
                    if (EXCEPTION.matcher(line).matches()) {
                        return line.startsWith("Caused by: ") ? line.substring("Caused by: ".length()) : line;
                    }
                }
                return error;
            }
        }
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).trim();
    }

    /** Whether the broker failed to bind a port. */
    static boolean addressInUse(List<String> lines) {
        return lines.stream().anyMatch(l -> l.contains("Address already in use"));
    }

    /** A line of the child's logger (it starts with the date), not a stack trace line. */
    private static boolean startsLogLine(String line) {
        return line.length() > 4 && Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(3))
                && line.charAt(4) == '-';
    }
}
