package org.rlplay.env.space;

/**
 * The primitive type of a space's elements as Gymnasium declares it ({@code space.dtype}).
 *
 * <p>The engine stores {@link #FLOAT32}/{@link #FLOAT64} values as {@code float} and every other
 * type as {@code int}; observations are always stored as {@code float} (exact for 8 and 16 bit
 * integers and for integers of magnitude below 2^24).
 */
public enum ElementType {
    FLOAT32,
    FLOAT64,
    INT64,
    INT32,
    INT8,
    UINT8;

    /** Parses a numpy dtype name such as {@code "float32"} or {@code "uint8"}. */
    public static ElementType ofNumpy(String dtype) {
        switch (dtype) {
            case "float32": return FLOAT32;
            case "float64": return FLOAT64;
            case "int64": return INT64;
            case "int32": return INT32;
            case "int8": return INT8;
            case "uint8": return UINT8;
            default: throw new IllegalArgumentException("unsupported element type '" + dtype
                    + "': expected one of float32, float64, int64, int32, int8, uint8");
        }
    }

    /** The numpy name of this type, e.g. {@code "float32"}. */
    public String numpyName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
