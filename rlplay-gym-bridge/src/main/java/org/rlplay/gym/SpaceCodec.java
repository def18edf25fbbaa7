package org.rlplay.gym;

import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.MultiBinary;
import org.rlplay.env.space.MultiDiscrete;
import org.rlplay.env.space.Space;

/**
 * Parses the one-line space descriptions written by the Python side's {@code describe_space}:
 * {@code Discrete;n;start}, {@code MultiDiscrete;n1,n2,..}, {@code MultiBinary;n} and
 * {@code Box;dtype;d1,d2,..;low1,..;high1,..} (bounds as Java float literals, {@code Infinity}
 * allowed; float64 bounds are rounded to float).
 */
final class SpaceCodec {
    private SpaceCodec() {
    }

    static Space parse(String line) {
        String[] f = line.split(";", -1);
        try {
            switch (f[0]) {
                case "Discrete":
                    expectFields(f, 3, line);
                    return new Discrete(Integer.parseInt(f[1]), Integer.parseInt(f[2]));
                case "MultiDiscrete":
                    expectFields(f, 2, line);
                    return new MultiDiscrete(ints(f[1]));
                case "MultiBinary":
                    expectFields(f, 2, line);
                    return new MultiBinary(Integer.parseInt(f[1]));
                case "Box":
                    expectFields(f, 5, line);
                    return new Box(floats(f[3]), floats(f[4]), ints(f[2]), ElementType.ofNumpy(f[1]));
                default:
                    throw new IllegalArgumentException("unknown space kind '" + f[0] + "'");
            }
        } catch (RuntimeException e) {
            throw new GymBridgeException("cannot read the space description '" + line + "' sent by Python: "
                    + e.getMessage(), e);
        }
    }

    private static void expectFields(String[] f, int count, String line) {
        if (f.length != count) {
            throw new IllegalArgumentException("expected " + count + " fields separated by ';', got " + f.length);
        }
    }

    private static int[] ints(String csv) {
        if (csv.isEmpty()) {
            return new int[0];
        }
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static float[] floats(String csv) {
        if (csv.isEmpty()) {
            return new float[0];
        }
        String[] parts = csv.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }
}
