package org.rlplay.record;

import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NPY v1.0 array format, the member format of {@code .npz} files: a magic string, a version, a
 * little-endian header length and a Python-literal header dict ({@code descr}, {@code fortran_order},
 * {@code shape}) padded with spaces to a multiple of 64 bytes, followed by the raw C-order data.
 *
 * <p>Only little-endian (or byte-sized) dtypes are written and accepted. Stateless; thread-safe.
 */
final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE = MAGIC.length + 2 + 2;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The little-endian numpy dtype string of a DJL data type, e.g. {@code <f4} or {@code |b1}. */
    static String descr(DataType type) {
        switch (type) {
            case FLOAT32: return "<f4";
            case FLOAT64: return "<f8";
            case FLOAT16: return "<f2";
            case UINT8: return "|u1";
            case INT8: return "|i1";
            case INT16: return "<i2";
            case UINT16: return "<u2";
            case INT32: return "<i4";
            case UINT32: return "<u4";
            case INT64: return "<i8";
            case UINT64: return "<u8";
            case BOOLEAN: return "|b1";
            default: throw new IllegalArgumentException("data type " + type + " has no numpy equivalent");
        }
    }

    /** The DJL data type of a little-endian numpy dtype string. */
    static DataType dataType(String descr) {
        if (!descr.startsWith("<") && !descr.startsWith("|")) {
            throw new IllegalArgumentException("dtype '" + descr + "' is not little-endian");
        }
        return DataType.fromNumpy(descr);
    }

    /** Bytes of one element of a little-endian numpy dtype string. */
    static int itemSize(String descr) {
        return dataType(descr).getNumOfBytes();
    }

    /** Number of header bytes (magic to padding) for an array of this dtype and shape. */
    static int headerSize(String descr, long[] shape) {
        return PREAMBLE + dict(descr, shape).length();
    }

    /** Writes the header at {@code out}'s position, advancing it. */
    static void writeHeader(ByteBuffer out, String descr, long[] shape) {
        String dict = dict(descr, shape);
        out.put(MAGIC);
        out.put((byte) 1).put((byte) 0);
        out.put((byte) (dict.length() & 0xff)).put((byte) (dict.length() >>> 8));
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
    }

    private static String dict(String descr, long[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(shape[i]);
        }
        if (shape.length == 1) {
            s.append(',');
        }
        s.append("), }");
        int total = PREAMBLE + s.length() + 1;
        int padded = (total + 63) / 64 * 64;
        s.append(" ".repeat(padded - total)).append('\n');
        return s.toString();
    }

    /** The parsed header of one array: its dtype, shape and the offset of its data. */
    record Header(String descr, long[] shape, int dataOffset) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        String shapeString() {
            return Arrays.toString(shape).replace('[', '(').replace(']', ')');
        }
    }

    /**
     * Parses the header of the array starting at {@code in}'s position.
     *
     * @throws IllegalArgumentException describing what is wrong (bad magic, unsupported version,
     *     unreadable header, Fortran order, big-endian dtype)
     */
    static Header readHeader(ByteBuffer in) {
        ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = b.position();
        if (b.remaining() < PREAMBLE) {
            throw new IllegalArgumentException("truncated npy header (" + b.remaining() + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(start + i) != MAGIC[i]) {
                throw new IllegalArgumentException("bad magic: not an npy array");
            }
        }
        int major = b.get(start + 6);
        int length;
        int dictStart;
        if (major == 1) {
            length = b.getShort(start + 8) & 0xffff;
            dictStart = start + 10;
        } else if (major == 2 || major == 3) {
            length = b.getInt(start + 8);
            dictStart = start + 12;
        } else {
            throw new IllegalArgumentException("unsupported npy version " + major);
        }
        if (length < 0 || dictStart + length > b.limit()) {
            throw new IllegalArgumentException("truncated npy header (declares " + length + " bytes)");
        }
        byte[] raw = new byte[length];
        b.get(dictStart, raw);
        String dict = new String(raw, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IllegalArgumentException("unreadable npy header " + dict.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported");
        }
        String d = descr.group(1);
        dataType(d);
        String[] dims = shape.group(1).split(",");
        long[] parsed = new long[dims.length];
        int n = 0;
        for (String dim : dims) {
            String t = dim.trim();
            if (!t.isEmpty()) {
                try {
                    parsed[n++] = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unreadable npy shape (" + shape.group(1) + ")", e);
                }
            }
        }
        return new Header(d, Arrays.copyOf(parsed, n), dictStart + length - start);
    }
}
