package org.rlplay.kafka;

import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;

/**
 * The learner's side of collectors on other machines: {@link Rollout}s over a fragments topic that
 * {@link KafkaCollector}s fill.
 * <pre>{@code
 * KafkaRolloutConfig config = KafkaRolloutConfig.builder().weights(policy).maxLag(4).build();
 * try (KafkaRollout rollout = KafkaRollouts.consume(KafkaSettings.of("host:9092"), spec, config)) {
 *     for (Fragment f : rollout) {
 *         update(f);          // f is valid until the next iteration
 *         rollout.publish();  // a weights record; collectors adopt it at their next fragment boundary
 *     }
 * }
 * }</pre>
 *
 * <h2>Offsets: what a restarted learner resumes from</h2>
 * The learner commits, in its consumer group, the position after every record it has processed once
 * the training loop is done with the fragment: at the next {@code next()} (asynchronously) and at
 * {@code close()} (synchronously). A learner built again with the same group starts at the first
 * record whose fragment the previous one had not finished: after a clean close, exactly where it
 * stopped; after a crash, at most the fragments of the last few asynchronous commits are handed out
 * again (at least once). Without committed offsets it starts at the oldest retained record. Its
 * {@link Rollout#version()} resumes at the newest version on the weights topic, so lags stay meaningful.
 *
 * <h2>Lag</h2>
 * With a maximum lag L the learner drops fragments whose lag exceeds L when they reach it (counted in
 * {@link KafkaRollout#stats()} and per collector). Collectors do not wait: they are in other processes
 * and cannot know how many versions the learner publishes while a fragment is in flight, so only
 * the learner can bound the lag exactly; collectors keep the dropped share small by adopting new
 * weights at every fragment boundary.
 *
 * <h2>Duplicates</h2>
 * See {@link FragmentKey}: one collector's records are handed out in key order, once; records of an
 * older incarnation, or a sequence already seen, are dropped.
 *
 * <p>Every call that builds a rollout connects to the cluster, creates the topics if they are missing
 * ({@link TopicAdmin#ensure}), and throws {@link KafkaRolloutException} if the cluster cannot be reached.
 */
public final class KafkaRollouts {
    /** The default fragments topic. */
    public static final String FRAGMENTS_TOPIC = "rlplay.fragments";
    /** The default weights topic. */
    public static final String WEIGHTS_TOPIC = "rlplay.weights";
    /** The default key of the learner's snapshots on the weights topic. */
    public static final String WEIGHTS_KEY = "weights";
    /** The default consumer group of the learner. */
    public static final String LEARNER_GROUP = "rlplay-learner";

    private KafkaRollouts() {
    }

    /**
     * The learner's rollout: fragments of layout {@code spec} (each collector's N; with
     * {@code config.batch()} M &gt; 1 the rollout's {@link Rollout#spec()} has M * N envs) from the
     * topic in {@code config}, weights published to its weights topic.
     */
    public static KafkaRollout consume(KafkaSettings settings, FragmentSpec spec, KafkaRolloutConfig config) {
        return KafkaFragmentRollout.live(settings, spec, config);
    }

    /**
     * A replay of the fragments recorded in {@code topic} from {@code start} up to the end the topic
     * had when this call was made: the same fragments, through the same type, that the learner was
     * handed (duplicates and older incarnations dropped likewise, collectors' failure records skipped,
     * no lag bound, nothing committed).
     * {@link Rollout#hasNext()} turns false at that end; {@link Rollout#lag} is 0. To turn a topic
     * into a Parquet dataset, wrap this rollout in {@code org.rlplay.record.Recorder.wrap} and iterate
     * it ({@code rlplay sink} does).
     */
    public static KafkaRollout replay(KafkaSettings settings, FragmentSpec spec, String topic, ReplayStart start) {
        return KafkaFragmentRollout.replay(settings, spec, topic, start);
    }
}
