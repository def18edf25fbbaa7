package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The NPY v1.0 header: numpy's exact layout, 64-byte alignment, and clear errors on bad input. */
class NpyTest {

    private static ByteBuffer header(String descr, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(Npy.headerSize(descr, shape)).order(ByteOrder.LITTLE_ENDIAN);
        Npy.writeHeader(b, descr, shape);
        assertEquals(b.capacity(), b.position());
        b.flip();
        return b;
    }

    @Test
    void headerIsNumpysLayoutPaddedTo64Bytes() {
        ByteBuffer b = header("<f4", 129, 64, 4);
        assertEquals(0, b.limit() % 64);
        assertEquals((byte) 0x93, b.get(0));
        assertEquals("NUMPY", new String(b.array(), 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b.get(6));
        assertEquals(0, b.get(7));
        assertEquals(b.limit() - 10, b.getShort(8));
        String dict = new String(b.array(), 10, b.limit() - 10, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (129, 64, 4), }"), dict);
        assertTrue(dict.endsWith(" \n"), dict);
    }

    @Test
    void shapesOfEveryRankRoundTrip() {
        for (long[] shape : new long[][] {{}, {7}, {0}, {3, 2}, {6, 3, 1, 2}}) {
            Npy.Header h = Npy.readHeader(header("|b1", shape));
            assertArrayEquals(shape, h.shape());
            assertEquals("|b1", h.descr());
            assertEquals(h.dataOffset() % 64, 0);
        }
        String one = new String(header("<i8", 7).array(), StandardCharsets.US_ASCII);
        assertTrue(one.contains("'shape': (7,)"), one);
        String scalar = new String(header("<i8").array(), StandardCharsets.US_ASCII);
        assertTrue(scalar.contains("'shape': ()"), scalar);
    }

    @Test
    void dtypesMapToLittleEndianNumpyNames() {
        assertEquals("<f4", Npy.descr(DataType.FLOAT32));
        assertEquals("<f8", Npy.descr(DataType.FLOAT64));
        assertEquals("<i8", Npy.descr(DataType.INT64));
        assertEquals("|u1", Npy.descr(DataType.UINT8));
        assertEquals("|b1", Npy.descr(DataType.BOOLEAN));
        assertEquals(DataType.INT32, Npy.dataType("<i4"));
        assertThrows(IllegalArgumentException.class, () -> Npy.descr(DataType.BFLOAT16));
    }

    @Test
    void badInputIsNamed() {
        ByteBuffer b = header("<f4", 2);
        b.put(1, (byte) 'X');
        assertEquals("bad magic: not an npy array",
                assertThrows(IllegalArgumentException.class, () -> Npy.readHeader(b)).getMessage());
        ByteBuffer big = header(">f4", 2);
        assertEquals("dtype '>f4' is not little-endian",
                assertThrows(IllegalArgumentException.class, () -> Npy.readHeader(big)).getMessage());
        ByteBuffer cut = ByteBuffer.wrap(header("<f4", 2).array(), 0, 30);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.readHeader(cut)).getMessage()
                .startsWith("truncated npy header"));
    }
}
