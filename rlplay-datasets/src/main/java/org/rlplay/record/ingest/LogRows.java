package org.rlplay.record.ingest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.rlplay.record.Codecs;

/**
 * Reads log files into rows of plain values: {@code Long} for integers, {@code Double} for other
 * numbers, {@code Boolean}, {@code String}, and {@code List} of those for lists; a missing or empty
 * value is absent from the row. Each row knows where it came from ({@code file row N}) for error
 * messages. Stateless; the whole log is read into memory.
 */
final class LogRows {
    private LogRows() {
    }

    /** One logged step: where it is in the log, and its values by column. */
    record Row(String where, Map<String, Object> values) {
    }

    static List<Row> read(Path file, LogFormat format) {
        try {
            switch (format) {
                case CSV: return csv(file);
                case JSONL: return jsonLines(file);
                case PARQUET: return parquet(file);
                default: return rllib(file);
            }
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read the log: " + e.getMessage(), e);
        }
    }

    private static List<Row> csv(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = format.parse(in)) {
            for (CSVRecord r : parser) {
                String where = file.getFileName() + " row " + r.getRecordNumber();
                Map<String, Object> values = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : r.toMap().entrySet()) {
                    Object v = cell(e.getValue(), where, e.getKey());
                    if (v != null) {
                        values.put(e.getKey(), v);
                    }
                }
                rows.add(new Row(where, values));
            }
        }
        return rows;
    }

    /** A CSV cell: empty is absent; true/false; a number; a JSON array; else the text. */
    private static Object cell(String text, String where, String column) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.startsWith("[")) {
            try {
                return json(JsonParser.parseString(text), where, column);
            } catch (JsonParseException e) {
                throw new ImportException(where + ", column '" + column + "': '" + text + "' is not a JSON list");
            }
        }
        Object n = number(text);
        return n != null ? n : text;
    }

    private static Object number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notLong) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException notNumber) {
                return null;
            }
        }
    }

    private static Object json(JsonElement e, String where, String column) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement x : (JsonArray) e) {
                list.add(json(x, where, column));
            }
            return list;
        }
        if (e.isJsonObject()) {
            throw new ImportException(where + ", column '" + column + "': a JSON object, expected a number, boolean,"
                    + " string or list");
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            Object n = number(p.getAsString());
            return n != null ? n : p.getAsDouble();
        }
        return p.getAsString();
    }

    private static List<Row> jsonLines(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1);
            JsonObject o = object(line, where);
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                Object v = json(e.getValue(), where, e.getKey());
                if (v != null) {
                    values.put(e.getKey(), v);
                }
            }
            rows.add(new Row(where, values));
        }
        return rows;
    }

    private static JsonObject object(String line, String where) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw new ImportException(where + ": not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ImportException(where + ": not JSON (" + e.getMessage() + ")", e);
        }
    }

    /** RLlib's JSON lines: each a SampleBatch whose columns are arrays over its steps. */
    private static List<Row> rllib(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1);
            JsonObject o = object(line, where);
            JsonElement type = o.get("type");
            if (type == null || !"SampleBatch".equals(type.getAsString())) {
                throw new ImportException(where + ": not an RLlib SampleBatch (\"type\" is " + type + ")");
            }
            int count = -1;
            String first = null;
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (e.getKey().equals("type")) {
                    continue;
                }
                JsonElement v = e.getValue();
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                    throw new ImportException(where + ", column '" + e.getKey() + "': packed by RLlib's compression"
                            + " (base64 of LZ4-compressed pickle), which only Python can read; write the log with"
                            + " compress_columns=[] or unpack it: ray.rllib.utils.compression.unpack(batch['"
                            + e.getKey() + "']).tolist()");
                }
                if (!v.isJsonArray()) {
                    continue;
                }
                int n = v.getAsJsonArray().size();
                if (count >= 0 && n != count) {
                    throw new ImportException(where + ": column '" + e.getKey() + "' has " + n + " steps, column '" + first
                            + "' has " + count);
                }
                count = n;
                first = e.getKey();
            }
            for (int s = 0; s < Math.max(count, 0); s++) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                    if (e.getValue().isJsonArray()) {
                        Object v = json(e.getValue().getAsJsonArray().get(s), where + ", step " + s, e.getKey());
                        if (v != null) {
                            values.put(e.getKey(), v);
                        }
                    }
                }
                rows.add(new Row(where + ", step " + s, values));
            }
        }
        return rows;
    }

    private static List<Row> parquet(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), Codecs.readOptions())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            ColumnIOFactory io = new ColumnIOFactory();
            long n = 0;
            for (PageReadStore group = reader.readNextRowGroup(); group != null; group = reader.readNextRowGroup()) {
                RecordReader<Group> records = io.getColumnIO(schema).getRecordReader(group, new GroupRecordConverter(schema));
                for (long i = 0; i < group.getRowCount(); i++) {
                    Group g = records.read();
                    n++;
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int f = 0; f < schema.getFieldCount(); f++) {
                        Object v = field(g, schema, f);
                        if (v != null) {
                            values.put(schema.getFieldName(f), v);
                        }
                    }
                    rows.add(new Row(file.getFileName() + " row " + n, values));
                }
            }
        } catch (RuntimeException e) {
            throw new ImportException(file + ": not a readable Parquet file: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Field {@code f} of {@code g}: a primitive, a LIST (3-level or legacy 2-level), or a repeated primitive. */
    private static Object field(Group g, GroupType type, int f) {
        Type t = type.getType(f);
        int count = g.getFieldRepetitionCount(f);
        if (t.isRepetition(Type.Repetition.REPEATED)) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                list.add(value(g, t, f, i));
            }
            return list;
        }
        return count == 0 ? null : value(g, t, f, 0);
    }

    private static Object value(Group g, Type t, int f, int i) {
        if (t.isPrimitive()) {
            PrimitiveType p = t.asPrimitiveType();
            switch (p.getPrimitiveTypeName()) {
                case INT32: return (long) g.getInteger(f, i);
                case INT64: return g.getLong(f, i);
                case FLOAT: return (double) g.getFloat(f, i);
                case DOUBLE: return g.getDouble(f, i);
                case BOOLEAN: return g.getBoolean(f, i);
                default: return g.getBinary(f, i).toStringUsingUTF8();
            }
        }
        Group inner = g.getGroup(f, i);
        GroupType gt = t.asGroupType();
        if (gt.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && gt.getFieldCount() == 1) {
            Type repeated = gt.getType(0);
            List<Object> list = new ArrayList<>();
            int n = inner.getFieldRepetitionCount(0);
            for (int k = 0; k < n; k++) {
                if (repeated.isPrimitive()) {
                    list.add(value(inner, repeated, 0, k));
                } else {
                    Group element = inner.getGroup(0, k);
                    GroupType et = repeated.asGroupType();
                    list.add(et.getFieldCount() == 1 ? field(element, et, 0) : null);
                }
            }
            return list;
        }
        throw new ImportException("a nested column '" + t.getName() + "' (a struct): map its fields as their own columns");
    }
}
