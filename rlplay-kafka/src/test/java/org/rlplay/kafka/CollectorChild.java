package org.rlplay.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * The main class of the collector JVMs the tests start: {@code rlplay collector} ({@link CollectorCommand})
 * with the tests' seeded MLP replica ({@link TestNets#replica}), slowed down by
 * {@code -Drlplay.test.stepMillis} per step. It exits when its standard input closes, so no collector
 * outlives the test JVM.
 */
public final class CollectorChild {
    private CollectorChild() {
    }

    public static void main(String[] args) {
        Thread watch = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // nothing is ever written; end of file means the parent is gone
                }
            } catch (IOException e) {
                // treated as end of file
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        long millis = Long.getLong("rlplay.test.stepMillis", 0);
        System.exit(CollectorCommand.run(args, (envs, seed) -> {
            Replica r = TestNets.replica(envs, seed);
            return new Replica(millis > 0 ? TestNets.throttled(r.actor(), millis) : r.actor(), r.block(), r.owner());
        }));
    }
}
