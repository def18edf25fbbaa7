package org.rlplay.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HyperparametersTest {
    record Example(int n, long steps, float lr, double tau, boolean flag, String name, int[] hidden) {
        Example {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1");
            }
        }
    }

    private static final Example BASE = new Example(4, 100L, 1e-3f, 0.5, false, "x", new int[] {64, 64});

    @Test
    void overridesNamedComponentsOfEveryType() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("n", "8");
        sets.put("steps", "1_000");
        sets.put("lr", "3e-4");
        sets.put("tau", "0.25");
        sets.put("flag", "true");
        sets.put("name", "y");
        sets.put("hidden", "32, 16,8");
        Example e = Hyperparameters.override(BASE, sets);
        assertEquals(8, e.n());
        assertEquals(1000L, e.steps());
        assertEquals(3e-4f, e.lr());
        assertEquals(0.25, e.tau());
        assertTrue(e.flag());
        assertEquals("y", e.name());
        assertArrayEquals(new int[] {32, 16, 8}, e.hidden());
        assertSame(BASE, Hyperparameters.override(BASE, Map.of()));
        assertEquals("n=4 steps=100 lr=0.001 tau=0.5 flag=false name=x hidden=64,64", Hyperparameters.describe(BASE));
    }

    @Test
    void namesTheKeyOfABadOverride() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.override(BASE, Map.of("gamma", "0.9")));
        assertTrue(unknown.getMessage().startsWith("--set gamma: unknown hyperparameter"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("[n, steps, lr, tau, flag, name, hidden]"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.override(BASE, Map.of("flag", "yes")));
        assertTrue(bad.getMessage().startsWith("--set flag=yes: not a valid boolean"), bad.getMessage());
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.override(BASE, Map.of("n", "0")));
        assertEquals("n must be >= 1", invalid.getMessage());
    }

    @Test
    void roundTripsThroughJsonIncludingInfinity() {
        Example inf = new Example(2, 5L, Float.POSITIVE_INFINITY, 1.0, true, "z", new int[] {3});
        String text = Hyperparameters.toJson(inf).toString();            // as checkpoint.json stores it
        Example back = Hyperparameters.fromJson(JsonParser.parseString(text), Example.class);
        assertEquals(Hyperparameters.describe(inf), Hyperparameters.describe(back));
        JsonObject invalid = Hyperparameters.toJson(BASE).getAsJsonObject();
        invalid.addProperty("n", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.fromJson(invalid, Example.class));
        assertTrue(e.getMessage().startsWith("hyperparameters do not fit"), e.getMessage());
    }
}
