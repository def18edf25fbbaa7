package org.rlplay.rollout;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rlplay.ring.CollectorException;

/**
 * One collector thread of a {@link RingRollout}: claims a ring sequence, waits for the lag bound if
 * there is one, adopts the newest published weights, collects a fragment straight into the claimed
 * slot and publishes the sequence (in {@code finally}, so a failure never leaves the ring stuck);
 * repeats until the rollout stops.
 *
 * <p>Owns its {@link Collector} (envs, actor driver) and closes it when the thread ends; the
 * rollout's {@link CollectorThreads} close it from the closing thread instead if the thread does not
 * end in time. The volatile fields are read by the learner's thread to describe a hang.
 */
final class CollectorWorker implements Runnable {
    final int index;
    final Thread thread;
    private final Collector collector;
    private final RingRollout owner;
    private final ProducerGate gate;
    private final AtomicBoolean collectorClosed = new AtomicBoolean();
    /** The ring sequence being written, or -1. */
    volatile long writing = -1;
    /** {@link System#nanoTime()} when the current sequence was claimed. */
    volatile long writingSince;
    /** What the thread is doing, for the hung-collector message. */
    volatile String activity = "starting";
    private volatile RuntimeException closeFailure;
    private long version;

    CollectorWorker(Collector collector, RingRollout owner, ProducerGate gate, String threadName) {
        this.index = collector.index();
        this.collector = collector;
        this.owner = owner;
        this.gate = gate;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    @Override
    public void run() {
        try {
            if (!configureNativeThreads()) {
                return;
            }
            while (true) {
                activity = "waiting for a free slot";
                long sequence = gate.claim(index);
                if (sequence < 0 || !fill(sequence)) {
                    return;
                }
            }
        } finally {
            activity = "stopped";
            closeCollector();
        }
    }

    /**
     * Sets this thread's PyTorch intra-op thread count: it is per thread, and a new thread does not
     * inherit the engine's setting but starts from the core count, which oversubscribes the CPU as
     * soon as several collectors and the learner run DJL at once. Loads the engine first (JNI).
     */
    private boolean configureNativeThreads() {
        try {
            Engine.getEngine(PtEngine.ENGINE_NAME);
            JniUtils.setNumThreads(owner.actorThreads());
            return true;
        } catch (Throwable t) {
            owner.fail(CollectorException.of(index, t));
            return false;
        }
    }

    /** Writes one fragment into the slot of {@code sequence} and publishes it; false when this thread must stop. */
    private boolean fill(long sequence) {
        Slot slot = owner.slot(sequence);
        slot.complete = false;
        slot.envSteps = 0;
        writingSince = System.nanoTime();
        writing = sequence;
        try {
            activity = "waiting for the lag bound before";
            if (!gate.awaitLag(index, sequence)) {
                return false;
            }
            activity = "adopting weights for";
            version = owner.weights().adopt(index, version);
            activity = "collecting";
            long before = collector.envSteps();
            collector.collect(slot.writer, version);
            slot.envSteps = collector.envSteps() - before;
            slot.complete = true;
            return true;
        } catch (Throwable t) {
            owner.fail(CollectorException.of(index, t));
            return false;
        } finally {
            writing = -1;
            owner.publishSlot(sequence);
        }
    }

    /** Closes the collector (its envs) once, from whichever thread gets here first. */
    void closeCollector() {
        if (collectorClosed.compareAndSet(false, true)) {
            try {
                collector.close();
            } catch (RuntimeException e) {
                closeFailure = e;
            }
        }
    }

    /** The exception closing the collector threw, or null. */
    RuntimeException closeFailure() {
        return closeFailure;
    }
}
