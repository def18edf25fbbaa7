package org.rlplay.record;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The page compression of the dataset files a {@link Recorder} writes. */
public enum Compression {
    /** No compression. */
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED),
    /** Snappy: fast, what Spark and pandas write by default. */
    SNAPPY(CompressionCodecName.SNAPPY),
    /** zstd level 1: smaller files for a little more writer time. */
    ZSTD(CompressionCodecName.ZSTD),
    /** gzip: small and slow; for interchange only. */
    GZIP(CompressionCodecName.GZIP);

    private final CompressionCodecName codec;

    Compression(CompressionCodecName codec) {
        this.codec = codec;
    }

    CompressionCodecName codec() {
        return codec;
    }
}
