package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.FragmentSpec;

/** SASL settings pass through to every client: a collector and a learner on a SASL/PLAIN broker, and a wrong password refused. */
class SaslTest {

    @Test
    void collectorAndLearnerAuthenticateAndAWrongPasswordIsRefused(@TempDir Path dir) {
        try (KafkaBroker broker = KafkaBroker.start(BrokerConfig.builder(dir.resolve("broker"))
                .saslPlain("rlplay", "s3cret").build())) {
            KafkaSettings settings = broker.settings();
            assertEquals("SASL_PLAINTEXT", settings.properties().get("security.protocol"));
            assertTrue(settings.toString().contains("sasl.jaas.config=[hidden]"), settings.toString());
            VecEnv envs = EnvRegistry.makeVec("CartPole-v1", 2);
            FragmentSpec spec = new FragmentSpec(8, 2, envs.observationSpace(), envs.actionSpace(), envs.infoKeys(), true);
            KafkaCollector collector = KafkaCollector.builder(settings, envs, new Replica((in, hx, virtual, out) -> {
                for (int j = 0; j < in.numEnvs(); j++) {
                    out.actions().setDiscrete(j, 1);
                }
                return null;
            }, null, null)).length(8).topic("secure").maxFragments(2).build();
            assertEquals(2, collector.run());
            try (KafkaRollout rollout = KafkaRollouts.consume(settings, spec,
                    KafkaRolloutConfig.builder().topic("secure").group("secure").build())) {
                assertEquals(0, rollout.next().sequence());
                assertEquals(1, rollout.next().sequence());
            }
            KafkaSettings wrong = settings.with("sasl.jaas.config",
                    new BrokerConfig.SaslUser("rlplay", "wrong").clientJaas());
            KafkaRolloutException e = assertThrows(KafkaRolloutException.class, () -> KafkaRollouts.consume(wrong, spec,
                    KafkaRolloutConfig.builder().topic("secure").group("intruder").build()).close());
            assertTrue(e.getMessage().toLowerCase().contains("authentication"), e.getMessage());
        }
    }
}
