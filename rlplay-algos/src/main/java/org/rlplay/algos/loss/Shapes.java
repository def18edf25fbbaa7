package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;

/** Shape checks shared by the loss terms. */
final class Shapes {
    private Shapes() {
    }

    static void requireSame(String field, NDArray a, String reference, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException(field + ": expected the shape of " + reference + " " + b.getShape()
                    + ", got " + a.getShape());
        }
    }
}
