package org.rlplay.env.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpacesTest {
    static final int DRAWS = 2000;

    @Test
    void discreteSamplesEveryValueInRangeAndValidates() {
        Discrete d = new Discrete(3, -1);
        int[] seen = new int[3];
        int[] v = new int[1];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < DRAWS; i++) {
            d.sample(rng, v, 0);
            assertTrue(d.contains(v, 0));
            seen[v[0] + 1]++;
        }
        for (int c : seen) {
            assertTrue(c > DRAWS / 3 - 150 && c < DRAWS / 3 + 150, "roughly uniform: " + c);
        }
        assertEquals(0, d.firstInvalid(new int[] {2}, 0));
        assertEquals(0, d.firstInvalid(new float[] {0.5f}, 0));
        assertThrows(IllegalArgumentException.class, () -> new Discrete(0));
    }

    @Test
    void boundedFloatBoxSamplesInsideItsBounds() {
        Box b = new Box(new float[] {-1, 0}, new float[] {1, 10}, new int[] {2}, ElementType.FLOAT32);
        float[] v = new float[2];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < DRAWS; i++) {
            b.sample(rng, v, 0);
            assertEquals(-1, b.firstInvalid(v, 0));
        }
        assertEquals(1, b.firstInvalid(new float[] {0f, 11f}, 0));
        assertEquals(0, b.firstInvalid(new float[] {Float.NaN, 1f}, 0));
    }

    @Test
    void unboundedAndHalfBoundedBoxesSampleOnTheRightSide() {
        Box b = new Box(new float[] {Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY},
                new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, -3f}, new int[] {3}, ElementType.FLOAT32);
        float[] v = new float[3];
        SplittableRandom rng = new SplittableRandom(3);
        boolean negative = false;
        boolean positive = false;
        for (int i = 0; i < DRAWS; i++) {
            b.sample(rng, v, 0);
            negative |= v[0] < 0;
            positive |= v[0] > 0;
            assertTrue(v[1] >= 2f && v[2] <= -3f);
        }
        assertTrue(negative && positive, "unbounded element takes both signs");
    }

    @Test
    void integerBoxHoldsWholeNumbersOnly() {
        Box b = new Box(new float[] {0}, new float[] {255}, new int[] {1}, ElementType.UINT8);
        assertTrue(b.isDiscrete());
        int[] v = new int[1];
        SplittableRandom rng = new SplittableRandom(4);
        boolean top = false;
        for (int i = 0; i < DRAWS * 5; i++) {
            b.sample(rng, v, 0);
            assertTrue(b.contains(v, 0));
            top |= v[0] == 255;
        }
        assertTrue(top, "the upper bound is reachable");
        assertEquals(0, b.firstInvalid(new float[] {1.5f}, 0));
        assertEquals(0, b.firstInvalid(new int[] {256}, 0));
    }

    @Test
    void multiDiscreteAndMultiBinaryValidateElementwise() {
        MultiDiscrete md = new MultiDiscrete(2, 5);
        assertEquals(-1, md.firstInvalid(new int[] {1, 4}, 0));
        assertEquals(1, md.firstInvalid(new int[] {1, 5}, 0));
        MultiBinary mb = new MultiBinary(3);
        assertEquals(2, mb.firstInvalid(new int[] {0, 1, 2}, 0));
        int[] v = new int[3];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            mb.sample(rng, v, 0);
            md.sample(rng, v, 0);
            assertTrue(md.contains(v, 0));
        }
        assertEquals(new MultiDiscrete(2, 5), md);
        assertNotEquals(new MultiDiscrete(2, 4), md);
        assertThrows(IllegalArgumentException.class, () -> new MultiDiscrete(2, 0));
    }

    @Test
    void boxRejectsInvalidBounds() {
        assertThrows(IllegalArgumentException.class,
                () -> new Box(new float[] {1}, new float[] {0}, new int[] {1}, ElementType.FLOAT32));
        assertThrows(IllegalArgumentException.class,
                () -> new Box(new float[] {0, 0}, new float[] {1}, new int[] {2}, ElementType.FLOAT32));
        assertFalse(Box.of(0, 1, 2).isDiscrete());
        assertEquals(ElementType.UINT8, ElementType.ofNumpy("uint8"));
        assertThrows(IllegalArgumentException.class, () -> ElementType.ofNumpy("complex64"));
    }
}
