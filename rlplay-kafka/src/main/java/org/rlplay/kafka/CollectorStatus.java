package org.rlplay.kafka;

import java.time.Duration;

/**
 * What the learner knows about one collector, as of the call that returned it.
 *
 * @param id                the collector's id
 * @param incarnation       its current run ({@link FragmentKey#incarnation()}); a larger one means it restarted
 * @param restarts          how many times a newer incarnation replaced an older one
 * @param fragments         fragments of it handed to the training loop
 * @param staleDropped      fragments of it dropped for exceeding the maximum lag
 * @param duplicatesDropped records of it dropped as already seen or from an older incarnation
 * @param sinceLastRecord   time since a record of it last arrived
 * @param silent            no record of it arrived within the collector timeout
 * @param failure           the error it reported before it stopped, or null
 */
public record CollectorStatus(int id, long incarnation, int restarts, long fragments, long staleDropped,
                              long duplicatesDropped, Duration sinceLastRecord, boolean silent, String failure) {
}
