package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A recurrent actor-critic for {@code Discrete(n)} actions, one time step per call: observation
 * normalisation, a tanh encoder, a one-layer LSTM, and linear policy and value heads.
 * <pre>
 *   inputs : obs (N, in), h (1, N, H), c (1, N, H)         the LSTM state, shaped like torch's
 *   x      = RunningNorm(obs)                                identity until the learner updates it
 *   e      = tanh(W_e x + b_e)                               (N, E)
 *   h', c' = LSTM(e, (h, c))                                 (1, N, H) each
 *   outputs: logits (N, n) = W_pi h' + b_pi,  value (N) = W_v h' + b_v,  h', c'
 * </pre>
 * The state is passed in and returned, never kept, so the same block serves a collector's actor
 * ({@link RecurrentCategoricalActor}, state carried by the engine as hx) and a learner unrolling a
 * fragment from its stored hx. Initialise with {@link #initialize(NDManager, DataType, Shape...)}
 * given the observation shape {@code (N, in)} only. The policy head starts with small weights
 * (near-uniform initial actions). A DJL block: not thread-safe; each collector thread uses its own
 * replica.
 */
public final class LstmActorCritic extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int hidden;
    private final RunningNorm norm;
    private final Linear encoder;
    private final LSTM lstm;
    private final Linear policy;
    private final Linear value;

    /**
     * @param numActions n
     * @param encoder    E, width of the encoder layer
     * @param hidden     H, size of the LSTM state
     */
    public LstmActorCritic(int numActions, int encoder, int hidden) {
        super(VERSION);
        if (numActions < 1 || encoder < 1 || hidden < 1) {
            throw new IllegalArgumentException("numActions, encoder and hidden must be >= 1, got " + numActions + ", "
                    + encoder + ", " + hidden);
        }
        this.hidden = hidden;
        this.norm = addChildBlock("norm", new RunningNorm(10f));
        this.encoder = addChildBlock("encoder", Linear.builder().setUnits(encoder).build());
        this.lstm = addChildBlock("lstm", LSTM.builder().setStateSize(hidden).setNumLayers(1)
                .optBatchFirst(false).optReturnState(true).build());
        this.policy = addChildBlock("policy", Linear.builder().setUnits(numActions).build());
        this.value = addChildBlock("value", Linear.builder().setUnits(1).build());
        this.policy.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
    }

    /** H, the size of the recurrent state. */
    public int hiddenSize() {
        return hidden;
    }

    /** The observation normaliser in front of the encoder (the learner updates its statistics). */
    public RunningNorm normalizer() {
        return norm;
    }

    /** The initial (zero) state of a batch of {@code n}: {@code h, c}, each (1, n, H), in {@code manager}. */
    public NDList initialState(NDManager manager, int n) {
        Shape shape = new Shape(1, n, hidden);
        return new NDList(manager.zeros(shape), manager.zeros(shape));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("LstmActorCritic: expected inputs (obs, h, c), got " + inputs.size()
                    + " arrays");
        }
        NDList x = norm.forward(parameters, new NDList(inputs.get(0)), training);
        NDArray e = encoder.forward(parameters, x, training).singletonOrThrow().tanh();
        NDList out = lstm.forward(parameters, new NDList(e.expandDims(0), inputs.get(1), inputs.get(2)), training);
        NDArray features = out.get(0).squeeze(0);
        NDArray logits = policy.forward(parameters, new NDList(features), training).singletonOrThrow();
        NDArray v = value.forward(parameters, new NDList(features), training).singletonOrThrow().squeeze(-1);
        return new NDList(logits, v, out.get(1), out.get(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        long n = inputs[0].get(0);
        Shape state = new Shape(1, n, hidden);
        Shape logits = policy.getOutputShapes(new Shape[] {new Shape(n, hidden)})[0];
        return new Shape[] {logits, new Shape(n), state, state};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape obs = inputShapes[0];
        long n = obs.get(0);
        norm.initialize(manager, dataType, obs);
        encoder.initialize(manager, dataType, obs);
        Shape encoded = encoder.getOutputShapes(new Shape[] {obs})[0];
        lstm.initialize(manager, dataType, new Shape(1, n, encoded.get(1)));
        policy.initialize(manager, dataType, new Shape(n, hidden));
        value.initialize(manager, dataType, new Shape(n, hidden));
    }
}
