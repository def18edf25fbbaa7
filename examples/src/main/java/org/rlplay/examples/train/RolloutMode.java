package org.rlplay.examples.train;

import java.util.Locale;

/** The command line's {@code --mode}: how fragments are collected (DESIGN.md section 3). */
public enum RolloutMode {
    /** Collection inside {@code next()} on the training loop's thread. */
    SAME,
    /** One collector thread filling a ring while the learner trains. */
    SINGLE,
    /** Several collector threads, each with its own envs and actor replica. */
    MULTI,
    /** Collector processes ({@code rlplay collector}) on any machine, through Apache Kafka. */
    KAFKA;

    /** The lower-case name used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
