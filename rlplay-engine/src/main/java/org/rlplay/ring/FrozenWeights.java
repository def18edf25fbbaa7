package org.rlplay.ring;

/** The {@link WeightSync#frozen()} sync: replicas keep their weights, every fragment is version 0. */
enum FrozenWeights implements WeightSync {
    INSTANCE;

    @Override
    public void publish(long version) {
    }

    @Override
    public long adopt(int collector, long held) {
        return held;
    }
}
