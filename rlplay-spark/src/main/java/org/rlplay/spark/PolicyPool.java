package org.rlplay.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;

/**
 * The opened {@link TargetPolicy} instances of this JVM (an executor's, or the driver's in local
 * mode), by key: {@link #borrow} hands an idle one to a task or opens a new one when all are in use,
 * {@link #giveBack} returns it. So a JVM opens at most as many instances of a policy as it runs tasks
 * at once. Thread-safe.
 */
final class PolicyPool {
    private static final Map<String, ConcurrentLinkedQueue<ActionDistribution>> IDLE = new ConcurrentHashMap<>();

    private PolicyPool() {
    }

    static ActionDistribution borrow(TargetPolicy source, Space observations, Discrete actions) {
        ActionDistribution idle = IDLE.computeIfAbsent(key(source, observations, actions),
                k -> new ConcurrentLinkedQueue<>()).poll();
        return idle != null ? idle : source.open(observations, actions);
    }

    static void giveBack(TargetPolicy source, Space observations, Discrete actions, ActionDistribution policy) {
        IDLE.computeIfAbsent(key(source, observations, actions), k -> new ConcurrentLinkedQueue<>()).add(policy);
    }

    private static String key(TargetPolicy source, Space observations, Discrete actions) {
        return source.key() + " " + observations + " " + actions;
    }
}
