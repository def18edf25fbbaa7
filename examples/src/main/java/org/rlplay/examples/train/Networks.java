package org.rlplay.examples.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named DJL blocks of one algorithm (e.g. {@code policy} and {@code value}, or {@code q} and
 * {@code target}), initialised in one NDManager that this object owns: the unit a checkpoint saves
 * and restores, and whose trainable parameters an optimizer updates.
 *
 * <p>Built on the training loop's thread before any actor or rollout is created (actors cache the
 * parameter arrays, so a checkpoint must be restored before them). Not thread-safe.
 */
public final class Networks implements AutoCloseable {
    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Set<String> frozen = new LinkedHashSet<>();

    /**
     * Initialises {@code block} for inputs of {@code inputShape} (batch dimension included) and
     * registers it as trainable under {@code name}.
     */
    public <B extends Block> B add(String name, B block, Shape... inputShape) {
        if (blocks.containsKey(name)) {
            throw new IllegalArgumentException("a network named '" + name + "' already exists");
        }
        block.initialize(manager, DataType.FLOAT32, inputShape);
        blocks.put(name, block);
        return block;
    }

    /**
     * As {@link #add}, but the block's parameters take no gradient and no optimizer updates them
     * (e.g. a DQN target network, changed only by explicit copies).
     */
    public <B extends Block> B addFrozen(String name, B block, Shape... inputShape) {
        add(name, block, inputShape);
        block.freezeParameters(true);
        frozen.add(name);
        return block;
    }

    /** The block registered as {@code name}. */
    public Block get(String name) {
        Block b = blocks.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no network named '" + name + "'; have " + blocks.keySet());
        }
        return b;
    }

    /** Every block, in registration order. */
    public Map<String, Block> blocks() {
        return Collections.unmodifiableMap(blocks);
    }

    /**
     * The parameters that take gradients (of every block not registered frozen), in a stable
     * order; parameters such as running statistics are left to their own update rule.
     */
    public List<Parameter> trainable() {
        List<Parameter> out = new ArrayList<>();
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            if (!frozen.contains(e.getKey())) {
                for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        out.add(p.getValue());
                    }
                }
            }
        }
        return out;
    }

    /** After parameter arrays were replaced (checkpoint restore): attaches gradients to trainable ones. */
    void reattachGradients() {
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            boolean train = !frozen.contains(e.getKey());
            for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                p.getValue().getArray().setRequiresGradient(train && p.getValue().requiresGradient());
            }
        }
    }

    /** The manager holding every parameter array (and optimizer state created next to them). */
    public NDManager manager() {
        return manager;
    }

    /** Releases every parameter array. */
    @Override
    public void close() {
        manager.close();
    }
}
