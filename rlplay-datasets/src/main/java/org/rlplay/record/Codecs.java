package org.rlplay.record;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop: parquet-java's own {@code CodecFactory} goes through
 * Hadoop's codec classes, so rlplay plugs in this factory, which calls the codec libraries that
 * parquet-hadoop already brings (zstd-jni, snappy-java) and the JDK's gzip. Supports
 * {@code UNCOMPRESSED}, {@code SNAPPY}, {@code ZSTD} and {@code GZIP}, which covers what pandas,
 * pyarrow, Spark, DuckDB and polars write by default.
 *
 * <p>Compressors and decompressors keep no state between calls, so one factory serves any number
 * of threads. Public for the readers of other modules ({@link #readOptions()}).
 */
public final class Codecs implements CompressionCodecFactory {
    /** zstd level used when writing: level 1, the fast end (measured in README, "Datasets"). */
    static final int ZSTD_LEVEL = 1;
    /** The one instance. */
    public static final Codecs INSTANCE = new Codecs();

    private Codecs() {
    }

    /**
     * parquet-java read options without a Hadoop configuration: page checksums verified, these codecs.
     * For {@code new ParquetFileReader(inputFile, Codecs.readOptions())}.
     */
    public static org.apache.parquet.ParquetReadOptions readOptions() {
        return org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration())
                .withCodecFactory(INSTANCE).usePageChecksumVerification(true).build();
    }

    /** True if this factory can read and write {@code codec}. */
    static boolean supports(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED: case SNAPPY: case ZSTD: case GZIP: return true;
            default: return false;
        }
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        requireSupported(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                switch (codec) {
                    case UNCOMPRESSED: return bytes;
                    case SNAPPY: return BytesInput.from(Snappy.compress(bytes.toByteArray()));
                    case ZSTD: return BytesInput.from(Zstd.compress(bytes.toByteArray(), ZSTD_LEVEL));
                    default: {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                            bytes.writeAllTo(gz);
                        }
                        return BytesInput.from(out.toByteArray());
                    }
                }
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        requireSupported(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int size) throws IOException {
                return BytesInput.from(decompress(bytes.toByteArray(), size));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size) throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(decompress(in, size));
            }

            private byte[] decompress(byte[] in, int size) throws IOException {
                switch (codec) {
                    case UNCOMPRESSED: return in;
                    case SNAPPY: return Snappy.uncompress(in);
                    case ZSTD: {
                        byte[] out = Zstd.decompress(in, size);
                        if (out.length != size) {
                            throw new IOException("zstd page: " + out.length + " bytes, the header says " + size);
                        }
                        return out;
                    }
                    default: {
                        try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                            return gz.readNBytes(size);
                        }
                    }
                }
            }

            @Override
            public void release() {
            }
        };
    }

    private static void requireSupported(CompressionCodecName codec) {
        if (!supports(codec)) {
            throw new UnsupportedOperationException("Parquet codec " + codec + " is not supported here: rlplay reads"
                    + " and writes UNCOMPRESSED, SNAPPY, ZSTD and GZIP");
        }
    }

    @Override
    public void release() {
    }
}
