/**
 * Apache Kafka for rlplay: collector processes on any number of machines send fragments to the
 * learner through a topic, and the learner's weights come back through a compacted topic; the
 * fragments topic is also a recording that can be replayed.
 *
 * <pre>
 *   collector process c (KafkaCollector, rlplay collector)           learner (KafkaRollouts.consume)
 *   same rollout over its envs + actor replica                       for (Fragment f : rollout) {
 *     each fragment -> one record of topic rlplay.fragments  ---->      update(f);
 *       key FragmentKey (c, incarnation, sequence)                      rollout.publish();
 *       value FragmentCodec, headers kind/schema/version              }
 *     newest snapshot loaded between fragments  <----  rlplay.weights (compacted, one key)
 *     waits while the learner has > maxBacklog records uncommitted (back-pressure)
 * </pre>
 *
 * <ul>
 *   <li>{@link org.rlplay.kafka.KafkaCollector} (and {@link org.rlplay.kafka.CollectorCommand
 *       rlplay collector}): the collector loop of one process, with its {@link org.rlplay.kafka.Replica}
 *       ({@link org.rlplay.kafka.ReplicaFactory} for command lines).</li>
 *   <li>{@link org.rlplay.kafka.KafkaRollouts}: the learner's {@link org.rlplay.kafka.KafkaRollout}
 *       ({@link org.rlplay.kafka.KafkaRolloutConfig}: lag bound, collation, timeouts, listener), and
 *       the replay of a recorded topic ({@link org.rlplay.kafka.ReplayStart}).</li>
 *   <li>{@link org.rlplay.kafka.FragmentCodec} and {@link org.rlplay.kafka.FragmentKey}: the record
 *       layout, documented field by field.</li>
 *   <li>{@link org.rlplay.kafka.KafkaBroker}: a single-node KRaft broker in a child JVM, for tests and
 *       for {@link org.rlplay.kafka.BrokerCommand rlplay broker}; settings in
 *       {@link org.rlplay.kafka.BrokerConfig}.</li>
 *   <li>{@link org.rlplay.kafka.TopicSpec} and {@link org.rlplay.kafka.TopicAdmin}: the fragments topic
 *       (retention bounded by bytes and time) and the log-compacted weights topic, created
 *       idempotently.</li>
 *   <li>{@link org.rlplay.kafka.KafkaSettings}: bootstrap servers plus any client properties, turned
 *       into producer, consumer and admin configurations with the bounded defaults below.</li>
 * </ul>
 *
 * <h2>Client defaults</h2>
 * Every value can be overridden by a property of the same name (or one prefixed with
 * {@code producer.}, {@code consumer.}, {@code admin.} for one client only).
 * <table>
 *   <caption>rlplay's client defaults</caption>
 *   <tr><th>client</th><th>property</th><th>rlplay</th><th>Kafka</th><th>why</th></tr>
 *   <tr><td>producer</td><td>{@code acks}</td><td>all</td><td>all</td>
 *       <td>a fragment is acknowledged only once it is in the log; stated, not assumed</td></tr>
 *   <tr><td>producer</td><td>{@code enable.idempotence}</td><td>true</td><td>true</td>
 *       <td>a retried send is written once, in order: no fragment twice from one producer</td></tr>
 *   <tr><td>producer</td><td>{@code max.in.flight.requests.per.connection}</td><td>5</td><td>5</td>
 *       <td>the most idempotence allows while keeping order</td></tr>
 *   <tr><td>producer</td><td>{@code linger.ms}</td><td>5</td><td>5</td>
 *       <td>fragments are large; waiting longer to batch them gains nothing</td></tr>
 *   <tr><td>producer</td><td>{@code max.request.size}</td><td>16 MiB</td><td>1 MiB</td>
 *       <td>the largest fragment record ({@link org.rlplay.kafka.KafkaSettings#MAX_RECORD_BYTES});
 *       a larger one fails at {@code send} with {@code RecordTooLargeException}</td></tr>
 *   <tr><td>producer</td><td>{@code buffer.memory}</td><td>64 MiB</td><td>32 MiB</td>
 *       <td>bounds a collector's unsent records: four of the largest fragments</td></tr>
 *   <tr><td>producer</td><td>{@code max.block.ms}</td><td>60 000</td><td>60 000</td>
 *       <td>{@code send} blocks at most this long when the buffer is full (back-pressure), then
 *       fails</td></tr>
 *   <tr><td>producer</td><td>{@code delivery.timeout.ms}</td><td>120 000</td><td>120 000</td>
 *       <td>a record survives a broker restart shorter than this</td></tr>
 *   <tr><td>consumer</td><td>{@code max.poll.records}</td><td>16</td><td>500</td>
 *       <td>a poll hands out at most 16 fragments</td></tr>
 *   <tr><td>consumer</td><td>{@code fetch.max.bytes}</td><td>32 MiB</td><td>50 MiB</td>
 *       <td>bounds one fetch response, and so the consumer's buffered records per broker</td></tr>
 *   <tr><td>consumer</td><td>{@code max.partition.fetch.bytes}</td><td>16 MiB + 64 KiB</td><td>1 MiB</td>
 *       <td>one largest fragment per partition per fetch</td></tr>
 * </table>
 * The admin client takes Kafka's defaults. The topics' limits match:
 * {@code max.message.bytes} is 16 MiB + 64 KiB ({@link org.rlplay.kafka.TopicSpec}).
 *
 * <h2>Security settings pass through</h2>
 * TLS and SASL are client properties like any other and reach all three clients unchanged, e.g.
 * <pre>
 * security.protocol=SASL_SSL
 * ssl.truststore.location=/etc/rlplay/truststore.p12
 * ssl.truststore.password=...
 * sasl.mechanism=SCRAM-SHA-512
 * sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="c1" password="...";
 * </pre>
 * in a file read by {@link org.rlplay.kafka.KafkaSettings#load(java.nio.file.Path)}.
 * {@link org.rlplay.kafka.KafkaSettings#toString()} hides passwords, keys and JAAS configs. The
 * broker that {@link org.rlplay.kafka.KafkaBroker} starts listens in plain text on its host, or with
 * SASL/PLAIN over plain text ({@link org.rlplay.kafka.BrokerConfig.Builder#saslPlain}), whose
 * {@link org.rlplay.kafka.KafkaBroker#settings()} then carry the three properties above for PLAIN.
 *
 * <h2>Delivery: what the learner is handed</h2>
 * <ul>
 *   <li>One fragment is one record: it is in the log whole or not at all. The producer is idempotent
 *       with {@code acks=all}, so a retried send is written once; records of one collector share a
 *       partition and arrive in order.</li>
 *   <li>The learner hands out a collector's fragments in key order, once: a sequence already seen, or
 *       a record of an older incarnation (a collector process replaced by a restarted one, still
 *       sending), is dropped. No transactions: a fragment needs no atomicity beyond its record, and a
 *       transaction per fragment would add a commit marker and a coordinator round trip each.</li>
 *   <li>The learner commits offsets once the training loop is done with a fragment (at the next
 *       {@code next()}, and at {@code close()}), so a learner built again with the same group resumes
 *       at the first fragment it had not finished (see {@link org.rlplay.kafka.KafkaRollouts}).</li>
 *   <li>Lag: the learner drops fragments beyond {@code maxLag}; collectors adopt the newest weights
 *       at every fragment boundary and wait for the learner beyond {@code maxBacklog}.</li>
 *   <li>A broker restart shorter than {@code delivery.timeout.ms} (120 s) and the learner's timeout
 *       (60 s) loses nothing acknowledged: clients reconnect by themselves.</li>
 * </ul>
 *
 * <h2>Record size</h2>
 * A fragment must fit in one record of at most {@link org.rlplay.kafka.KafkaSettings#maxRecordBytes()}
 * (16 MiB by default). A collector checks its first fragment and stops with a message saying what to
 * change; {@link org.rlplay.kafka.KafkaSettings#withMaxRecordBytes} raises the limit for the clients,
 * and collectors and learner create their topics with the same limit. Fragments are not split across
 * records: a split fragment would need reassembly, partial-fragment handling after a crash and a key
 * per part, for a case (N images of 100 KB and more per collector) better served by fewer envs per
 * collector process, which also spreads the broker's load.
 */
package org.rlplay.kafka;
