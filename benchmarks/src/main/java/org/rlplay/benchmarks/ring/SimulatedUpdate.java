package org.rlplay.benchmarks.ring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;

/**
 * A stand-in for a learner's update in benchmarks: a loop of DJL 64x64 matrix products on the
 * calling thread (native compute, like a real update), calibrated to a target CPU time. Used by one
 * thread at a time (set PyTorch's intra-op threads on any other thread first); owns its arrays.
 */
public final class SimulatedUpdate implements AutoCloseable {
    private final NDManager manager;
    private final NDArray a;
    private final NDArray b;
    private final int repeats;
    private final long calibratedNanos;

    private SimulatedUpdate(NDManager manager, NDArray a, NDArray b, int repeats, long calibratedNanos) {
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.repeats = repeats;
        this.calibratedNanos = calibratedNanos;
    }

    /**
     * An update costing about {@code targetCpuNanos} of this thread's CPU time, calibrated by timing
     * the product on this thread in CPU time (which other processes on a shared machine do not
     * inflate, unlike wall time).
     */
    public static SimulatedUpdate calibrated(long targetCpuNanos) {
        NDManager manager = NDManager.newBaseManager();
        NDArray a = manager.randomUniform(-1, 1, new Shape(64, 64));
        NDArray b = manager.randomUniform(-1, 1, new Shape(64, 64));
        SimulatedUpdate probe = new SimulatedUpdate(manager, a, b, 200, 0);
        probe.run();
        long start = cpuNanos();
        probe.run();
        probe.run();
        double perProduct = (cpuNanos() - start) / 400.0;
        int repeats = (int) Math.max(1, Math.round(targetCpuNanos / perProduct));
        return new SimulatedUpdate(manager, a, b, repeats, Math.round(repeats * perProduct));
    }

    /** CPU time of the calling thread. */
    public static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Runs the update once. */
    public void run() {
        try (NDManager scope = manager.newSubManager()) {
            for (int r = 0; r < repeats; r++) {
                NDArray c = a.matMul(b);
                c.attach(scope);
            }
        }
    }

    /** The calibrated CPU time of one {@link #run()}. */
    public long calibratedNanos() {
        return calibratedNanos;
    }

    @Override
    public void close() {
        manager.close();
    }
}
