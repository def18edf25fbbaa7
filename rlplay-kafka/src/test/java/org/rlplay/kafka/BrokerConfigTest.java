package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Broker settings are checked when built, and rendered into broker properties as documented. */
class BrokerConfigTest {

    @Test
    void defaultsAreLoopbackEphemeralPortsAndASmallJvm() {
        BrokerConfig c = BrokerConfig.builder(Path.of("b")).build();
        assertEquals(Path.of("b").toAbsolutePath(), c.dir());
        assertEquals("127.0.0.1", c.host());
        assertEquals("127.0.0.1", c.advertisedHost());
        assertEquals(0, c.port());
        assertNull(c.clusterId());
        assertTrue(c.jvmOptions().contains("-Xmx256m"), c.jvmOptions().toString());
        assertEquals(System.getProperty("java.class.path"), c.classpath());
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        BrokerConfig.Builder b = BrokerConfig.builder(Path.of("b"));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.builder(Path.of("b")).host("0.0.0.0").build(),
                "a wildcard host needs an advertised host");
        assertEquals("0.0.0.0", BrokerConfig.builder(Path.of("b")).host("0.0.0.0").advertisedHost("learner-1").build().host());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.builder(Path.of("b")).port(70000).build());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.builder(Path.of("b")).port(9092).controllerPort(9092).build());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.builder(Path.of("b")).clusterId("not a uuid").build());
        IllegalArgumentException derived = assertThrows(IllegalArgumentException.class,
                () -> b.brokerProperty("listeners", "PLAINTEXT://:1").build());
        assertTrue(derived.getMessage().contains("set by rlplay"), derived.getMessage());
    }

    @Test
    void brokerPropertiesAreASingleKraftNodeWithOverridesLast() {
        BrokerConfig c = BrokerConfig.builder(Path.of("b")).host("0.0.0.0").advertisedHost("learner-1")
                .brokerProperty("num.io.threads", "4").build();
        Map<String, String> p = BrokerProperties.of(c, 9092, 9093, Path.of("/d/data"));
        assertEquals("broker,controller", p.get("process.roles"));
        assertEquals("1@127.0.0.1:9093", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093", p.get("listeners"));
        assertEquals("PLAINTEXT://learner-1:9092", p.get("advertised.listeners"));
        assertEquals("/d/data", p.get("log.dirs"));
        assertEquals("false", p.get("auto.create.topics.enable"));
        assertEquals("4", p.get("num.io.threads"));
    }
}
