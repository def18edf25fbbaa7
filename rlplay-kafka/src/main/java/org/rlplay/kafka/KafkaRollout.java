package org.rlplay.kafka;

import java.util.List;
import org.rlplay.rollout.Rollout;

/**
 * A {@link Rollout} whose fragments come from collector processes through a Kafka topic
 * ({@link KafkaRollouts#consume}), or from a recorded topic ({@link KafkaRollouts#replay}). Consumed
 * like every other rollout; it adds what the learner can know about remote collectors. Threads as in
 * {@link Rollout}: one training loop thread iterates and publishes, {@code close()} from any thread.
 */
public interface KafkaRollout extends Rollout {
    /** Every collector a record arrived from, by id. Training loop's thread. */
    List<CollectorStatus> collectors();

    /** Counters since the rollout was built. Training loop's thread. */
    KafkaRolloutStats stats();
}
