package org.rlplay.algos.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ResumableRandom draws what SplittableRandom draws for the same seed, and resumes from a saved state. */
class ResumableRandomTest {

    @Test
    void shouldDrawExactlyWhatSplittableRandomDraws() {
        for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            SplittableRandom expected = new SplittableRandom(seed);
            ResumableRandom actual = new ResumableRandom(seed);
            for (int i = 0; i < 20_000; i++) {
                switch (i % 6) {
                    case 0 -> assertEquals(expected.nextLong(), actual.nextLong(), "nextLong " + i);
                    case 1 -> assertEquals(expected.nextInt(), actual.nextInt(), "nextInt " + i);
                    case 2 -> assertEquals(expected.nextInt(i % 97 + 1), actual.nextInt(i % 97 + 1), "nextInt(n) " + i);
                    case 3 -> assertEquals(expected.nextDouble(), actual.nextDouble(), "nextDouble " + i);
                    case 4 -> assertEquals(expected.nextGaussian(), actual.nextGaussian(), "nextGaussian " + i);
                    default -> assertEquals(expected.nextInt(3, 1000), actual.nextInt(3, 1000), "nextInt(a, b) " + i);
                }
            }
        }
    }

    @Test
    void shouldContinueFromASavedState() throws IOException {
        ResumableRandom a = new ResumableRandom(3);
        for (int i = 0; i < 100; i++) {
            a.nextInt(10);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.saveState(new DataOutputStream(bytes));
        ResumableRandom b = new ResumableRandom(999);
        b.restoreState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextDouble(), b.nextDouble());
        }
    }
}
