package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client settings: rlplay's bounded defaults, pass-through and routing of properties, files. */
class KafkaSettingsTest {
    private static final String PLAIN_JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"c1\" password=\"s3cret\";";

    @Test
    void defaultsBoundTheProducerAndConsumerAndMatchTheRecordLimit() {
        KafkaSettings s = KafkaSettings.of("127.0.0.1:9092");
        Map<String, Object> p = s.producerConfig();
        assertEquals("127.0.0.1:9092", p.get("bootstrap.servers"));
        assertEquals("all", p.get("acks"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("5", p.get("linger.ms"));
        assertEquals(Integer.toString(KafkaSettings.MAX_RECORD_BYTES), p.get("max.request.size"));
        assertEquals(Long.toString(64L << 20), p.get("buffer.memory"));
        Map<String, Object> c = s.consumerConfig("learner");
        assertEquals("learner", c.get("group.id"));
        assertEquals("16", c.get("max.poll.records"));
        assertEquals(Integer.toString(32 << 20), c.get("fetch.max.bytes"));
        assertEquals(Integer.toString(KafkaSettings.MAX_RECORD_BYTES + KafkaSettings.BATCH_OVERHEAD_BYTES),
                c.get("max.partition.fetch.bytes"));
        assertFalse(c.containsKey("acks"), "no producer setting in the consumer's config");
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092"), s.adminConfig());
    }

    @Test
    void propertiesGoToTheClientsThatKnowThemAndPrefixesAddressOneClient() {
        KafkaSettings s = KafkaSettings.of("h:1")
                .with("security.protocol", "SSL")
                .with("ssl.truststore.location", "/etc/ts.p12")
                .with("compression.type", "lz4")
                .with("isolation.level", "read_committed")
                .with("my.plugin.setting", "x")
                .with("linger.ms", "20")
                .with("producer.linger.ms", "50")
                .with("consumer.client.id", "learner-1")
                .with("admin.request.timeout.ms", "5000");
        Map<String, Object> p = s.producerConfig();
        Map<String, Object> c = s.consumerConfig("g");
        Map<String, Object> a = s.adminConfig();
        for (Map<String, Object> config : java.util.List.of(p, c, a)) {
            assertEquals("SSL", config.get("security.protocol"));
            assertEquals("/etc/ts.p12", config.get("ssl.truststore.location"));
            assertEquals("x", config.get("my.plugin.setting"), "a property no client knows goes to all");
        }
        assertEquals("lz4", p.get("compression.type"));
        assertFalse(c.containsKey("compression.type"));
        assertFalse(a.containsKey("compression.type"));
        assertEquals("read_committed", c.get("isolation.level"));
        assertFalse(p.containsKey("isolation.level"));
        assertEquals("50", p.get("linger.ms"), "prefixed wins over unprefixed, which wins over the default");
        assertEquals("learner-1", c.get("client.id"));
        assertFalse(p.containsKey("client.id"));
        assertEquals("5000", a.get("request.timeout.ms"));
        assertFalse(c.containsKey("request.timeout.ms"));
        assertFalse(p.keySet().stream().anyMatch(k -> k.startsWith("producer.") || k.startsWith("consumer.")));
    }

    @Test
    void theGroupIdArgumentWinsAndBootstrapServersIsNotAnOrdinaryProperty() {
        KafkaSettings s = KafkaSettings.of("a:1").with("group.id", "other").with("bootstrap.servers", "b:2");
        assertEquals("g", s.consumerConfig("g").get("group.id"));
        assertEquals("b:2", s.bootstrapServers());
        assertFalse(s.properties().containsKey("bootstrap.servers"));
        assertThrows(IllegalArgumentException.class, () -> s.with("producer.bootstrap.servers", "c:3"));
        assertThrows(IllegalArgumentException.class, () -> KafkaSettings.of(" "));
    }

    @Test
    void settingsLoadFromAPropertiesFileWithTheCommandLineBootstrapFirst(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nsecurity.protocol=SASL_SSL\n"
                + "sasl.mechanism=PLAIN\nsasl.jaas.config=" + PLAIN_JAAS.replace("\"", "\\\"") + "\n");
        KafkaSettings fromFile = KafkaSettings.load(file);
        assertEquals("file:9092", fromFile.bootstrapServers());
        assertEquals("SASL_SSL", fromFile.producerConfig().get("security.protocol"));
        assertEquals(PLAIN_JAAS, fromFile.consumerConfig("g").get("sasl.jaas.config"));
        assertEquals("cli:9092", KafkaSettings.load(file, "cli:9092").bootstrapServers());

        Path noBootstrap = dir.resolve("tls.properties");
        Files.writeString(noBootstrap, "security.protocol=SSL\n");
        assertEquals("cli:1", KafkaSettings.load(noBootstrap, "cli:1").bootstrapServers());
        assertThrows(IllegalArgumentException.class, () -> KafkaSettings.load(noBootstrap));
        assertThrows(UncheckedIOException.class, () -> KafkaSettings.load(dir.resolve("missing.properties")));
    }

    @Test
    void toStringHidesSecrets() {
        String s = KafkaSettings.of("h:1").with("sasl.jaas.config", PLAIN_JAAS)
                .with("ssl.keystore.password", "pw1").with("producer.ssl.key.password", "pw2")
                .with("security.protocol", "SASL_SSL").toString();
        assertFalse(s.contains("s3cret") || s.contains("pw1") || s.contains("pw2"), s);
        assertTrue(s.contains("security.protocol=SASL_SSL") && s.contains("sasl.jaas.config=[hidden]"), s);
    }

    /** Real clients take the configurations, and TLS or SASL settings reach their security layer. */
    @Test
    void realClientsAcceptTheConfigsAndApplyTlsAndSaslSettings(@TempDir Path dir) {
        KafkaSettings plain = KafkaSettings.of("127.0.0.1:1");
        new KafkaProducer<>(plain.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer()).close();
        new KafkaConsumer<>(plain.consumerConfig("g"), new ByteArrayDeserializer(), new ByteArrayDeserializer()).close();
        Admin.create(plain.adminConfig()).close();

        String missing = dir.resolve("no-such-truststore.p12").toString();
        KafkaSettings tls = plain.with("security.protocol", "SSL").with("ssl.truststore.location", missing)
                .with("ssl.truststore.password", "changeit");
        KafkaException e = assertThrows(KafkaException.class, () -> new KafkaProducer<>(tls.producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer()));
        assertTrue(chain(e).contains(missing), "the producer tried to load the given truststore: " + chain(e));
        assertThrows(KafkaException.class, () -> new KafkaConsumer<>(tls.consumerConfig("g"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));

        KafkaSettings saslWithoutJaas = plain.with("security.protocol", "SASL_PLAINTEXT").with("sasl.mechanism", "PLAIN");
        KafkaException noJaas = assertThrows(KafkaException.class, () -> new KafkaProducer<>(
                saslWithoutJaas.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer()));
        assertTrue(chain(noJaas).contains("JAAS"), chain(noJaas));
        new KafkaProducer<>(saslWithoutJaas.with("sasl.jaas.config", PLAIN_JAAS).producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer()).close();
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" | ");
        }
        return b.toString();
    }
}
