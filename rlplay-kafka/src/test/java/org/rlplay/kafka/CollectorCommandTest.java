package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code rlplay collector}'s argument errors: exit code 2, the reason and the usage; the replica factory is never asked. */
class CollectorCommandTest {

    private static String[] run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = CollectorCommand.run(args, (envs, seed) -> {
                throw new AssertionError("no replica for bad arguments");
            });
        } finally {
            System.setErr(err);
        }
        return new String[] {Integer.toString(code), captured.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhat() {
        String[] missing = run("--env", "CartPole-v1", "--envs", "4");
        assertEquals("2", missing[0]);
        assertTrue(missing[1].startsWith("rlplay collector: --bootstrap HOST:PORT is required"), missing[1]);
        assertTrue(missing[1].contains("usage: rlplay collector"), missing[1]);

        String[] env = run("--bootstrap", "127.0.0.1:1", "--env", "NoSuchEnv-v0", "--envs", "4");
        assertEquals("2", env[0]);
        assertTrue(env[1].contains("unknown env 'NoSuchEnv-v0'") && env[1].contains("CartPole-v1"), env[1]);

        String[] number = run("--bootstrap", "127.0.0.1:1", "--env", "CartPole-v1", "--envs", "many");
        assertEquals("2", number[0]);
        assertTrue(number[1].contains("--envs needs an integer, got 'many'"), number[1]);

        String[] unknown = run("--bootstrap", "127.0.0.1:1", "--frobnicate", "1");
        assertEquals("2", unknown[0]);
        assertTrue(unknown[1].contains("unknown option --frobnicate"), unknown[1]);
    }
}
