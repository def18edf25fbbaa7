package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker that cannot start fails with a clear first line, the log's tail, and no child left behind. */
class BrokerStartFailureTest {

    @Test
    void aBrokerThatExitsDuringStartUpIsExplainedByItsOwnErrorLine(@TempDir Path tmp) {
        Path dir = tmp.resolve("broker");
        BrokerException e = assertThrows(BrokerException.class, () -> KafkaBroker.start(
                BrokerConfig.builder(dir).brokerProperty("num.io.threads", "many").build()));
        String headline = e.headline();
        assertTrue(headline.startsWith("the kafka broker in " + dir + " exited during start-up (exit code 1): "),
                headline);
        assertTrue(headline.contains("Invalid value many for configuration num.io.threads"), headline);
        assertTrue(headline.endsWith("Fix the cause and start it again. Log: " + dir.resolve("broker.log")), headline);
        assertTrue(e.getMessage().lines().count() > 1, "the log's tail follows: " + e.getMessage());
        assertEquals(List.of(), brokerChildrenIn(dir));
    }

    @Test
    void aPortInUseIsReportedBeforeTheBrokerIsLaunched(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path dir = tmp.resolve("broker");
            BrokerException e = assertThrows(BrokerException.class, () -> KafkaBroker.start(
                    BrokerConfig.builder(dir).port(taken.getLocalPort()).build()));
            assertEquals("cannot start the kafka broker in " + dir + ": 127.0.0.1:" + taken.getLocalPort()
                    + " is in use; choose another port or stop what holds it", e.getMessage());
            assertTrue(Files.notExists(dir.resolve("broker.log")), "no broker was launched");
        }
    }

    @Test
    void aBrokerNotReadyInTimeIsKilledAndReported(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("broker");
        BrokerException e = assertThrows(BrokerException.class, () -> KafkaBroker.start(
                BrokerConfig.builder(dir).startTimeout(Duration.ofMillis(300)).build()));
        assertTrue(e.headline().contains("did not serve clients at 127.0.0.1:"), e.headline());
        assertTrue(e.headline().contains("and was killed"), e.headline());
        assertEquals(List.of(), brokerChildrenIn(dir));
    }

    @Test
    void aDirectoryOfAnotherClusterIsRefusedBeforeAnythingStarts(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("broker");
        Files.createDirectories(dir.resolve("data"));
        String formatted = Uuid.randomUuid().toString();
        Files.writeString(dir.resolve("data/meta.properties"), "version=1\nnode.id=1\ncluster.id=" + formatted + "\n");
        String other = Uuid.randomUuid().toString();
        BrokerException e = assertThrows(BrokerException.class,
                () -> KafkaBroker.start(BrokerConfig.builder(dir).clusterId(other).build()));
        assertEquals("the broker directory " + dir + " belongs to cluster " + formatted + ", not " + other
                + ": give no cluster id to reuse it, or use another directory", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("broker.log")), "no broker was launched");
    }

    /** Live child processes of this JVM that run a broker in {@code dir}. */
    static List<ProcessHandle> brokerChildrenIn(Path dir) {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).stream()
                        .anyMatch(arg -> arg.startsWith(dir.toString())))
                .toList();
    }
}
