package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers in one JVM: they do not collide, and closing one is bounded even when its child hangs.
 * The brokers are shared by the class (a start costs seconds); the hang test runs last since it
 * ends broker b.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoBrokersTest {
    @TempDir
    static Path tmp;
    static KafkaBroker a;
    static KafkaBroker b;

    @BeforeAll
    static void startBoth() {
        a = KafkaBroker.start(BrokerConfig.builder(tmp.resolve("a")).build());
        b = KafkaBroker.start(BrokerConfig.builder(tmp.resolve("b")).stopTimeout(Duration.ofSeconds(2)).build());
    }

    @AfterAll
    static void closeBoth() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    @Order(1)
    void brokersSideBySideHaveTheirOwnPortsDirectoriesAndTopics() {
        assertEquals(4, Set.of(a.port(), a.controllerPort(), b.port(), b.controllerPort()).size());
        assertNotEquals(a.clusterId(), b.clusterId());
        assertNotEquals(a.pid(), b.pid());
        try (TopicAdmin onA = TopicAdmin.connect(a.settings()); TopicAdmin onB = TopicAdmin.connect(b.settings())) {
            assertTrue(onA.ensure(TopicSpec.fragments("only-on-a", 1)));
            assertTrue(onB.ensure(TopicSpec.fragments("only-on-b", 2)));
            assertEquals(2, onB.partitions("only-on-b"));
            assertThrows(TopicException.class, () -> onB.partitions("only-on-a"));
            assertThrows(TopicException.class, () -> onA.partitions("only-on-b"));
        }
    }

    @Test
    @Order(2)
    void closeIsBoundedWhenTheChildHangs() throws Exception {
        long pid = b.pid();
        // SIGSTOP: the child neither reads its closed input nor handles anything until it is killed.
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
        long start = System.nanoTime();
        b.close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1900, "waited the 2 s stop timeout first: " + millis + " ms");
        assertTrue(millis < 10_000, "then killed it at once: " + millis + " ms");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hung child is gone");
        assertFalse(b.isRunning());
        b.close();
        assertThrows(IllegalStateException.class, () -> b.restart());
        assertTrue(a.isRunning(), "the other broker is untouched");
    }
}
