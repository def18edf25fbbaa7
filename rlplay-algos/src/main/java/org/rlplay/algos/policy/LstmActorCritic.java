package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import org.rlplay.env.space.Space;

/**
 * A recurrent actor-critic for {@code Discrete(n)} actions, one time step per call: the
 * observation space's {@link ObservationEncoder}, observation normalisation, then an actor and a
 * critic, each a tanh encoder and a one-layer LSTM of its own
 * (as in Stable-Baselines3's {@code RecurrentPPO}), with linear policy and value heads.
 * <pre>
 *   inputs : obs (N, *space.shape), any numeric dtype     LSTM states shaped like torch's (layers, N, H):
 *            h (2, N, H), c (2, N, H)                      index 0 the actor's, index 1 the critic's
 *   x      = RunningNorm(encode(obs))                     identity until the learner updates it
 *   h_a', c_a' = LSTM_a(tanh(W_a x + b_a), (h[0], c[0]))   logits (N, n) = W_pi h_a' + b_pi
 *   h_v', c_v' = LSTM_v(tanh(W_v x + b_v), (h[1], c[1]))   value  (N)    = W_val h_v' + b_val
 *   outputs: logits, value, h' = [h_a'; h_v'], c' = [c_a'; c_v']
 * </pre>
 * The state is passed in and returned, never kept, so the same block serves a collector's actor
 * ({@link RecurrentCategoricalActor}, state carried by the engine as hx) and a learner unrolling a
 * fragment from its stored hx. Separate recurrent cores keep the value regression from shaping the
 * policy's memory. Initialise with {@link #initialize(NDManager, DataType, Shape...)} given the
 * raw observation shape {@link ObservationEncoder#inputShape} only. The policy head starts with small weights (near-uniform
 * initial actions). A DJL block: not thread-safe; each collector thread uses its own replica.
 */
public final class LstmActorCritic extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int hidden;
    private final ObservationEncoder encoder;
    private final RunningNorm norm;
    private final Linear actorEncoder;
    private final LSTM actorLstm;
    private final Linear policy;
    private final Linear criticEncoder;
    private final LSTM criticLstm;
    private final Linear value;

    /**
     * @param observations the observation space
     * @param numActions   n
     * @param encoder      E, width of each encoder layer
     * @param hidden       H, size of each LSTM state
     * @throws IllegalArgumentException naming the space if it cannot be encoded, or if a size is below 1
     */
    public LstmActorCritic(Space observations, int numActions, int encoder, int hidden) {
        super(VERSION);
        if (numActions < 1 || encoder < 1 || hidden < 1) {
            throw new IllegalArgumentException("numActions, encoder and hidden must be >= 1, got " + numActions + ", "
                    + encoder + ", " + hidden);
        }
        this.hidden = hidden;
        this.norm = addChildBlock("norm", new RunningNorm(10f));
        this.actorEncoder = addChildBlock("actorEncoder", Linear.builder().setUnits(encoder).build());
        this.actorLstm = addChildBlock("actorLstm", lstm(hidden));
        this.policy = addChildBlock("policy", Linear.builder().setUnits(numActions).build());
        this.criticEncoder = addChildBlock("criticEncoder", Linear.builder().setUnits(encoder).build());
        this.criticLstm = addChildBlock("criticLstm", lstm(hidden));
        this.value = addChildBlock("value", Linear.builder().setUnits(1).build());
        this.encoder = addChildBlock("encoder", ObservationEncoder.of(observations));   // last: keeps the others' names
        this.policy.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
    }

    private static LSTM lstm(int hidden) {
        return LSTM.builder().setStateSize(hidden).setNumLayers(1).optBatchFirst(false).optReturnState(true).build();
    }

    /**
     * The observation normaliser in front of both cores; the learner updates its statistics with
     * encoded observations ({@link #encoder()}).
     */
    public RunningNorm normalizer() {
        return norm;
    }

    /** The first layer: raw observations to float32 features. */
    public ObservationEncoder encoder() {
        return encoder;
    }

    /** The initial (zero) state of a batch of {@code n}: {@code h, c}, each (2, n, H), in {@code manager}. */
    public NDList initialState(NDManager manager, int n) {
        Shape shape = new Shape(2, n, hidden);
        return new NDList(manager.zeros(shape), manager.zeros(shape));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("LstmActorCritic: expected inputs (obs, h, c), got " + inputs.size()
                    + " arrays");
        }
        NDList x = norm.forward(parameters, encoder.forward(parameters, new NDList(inputs.get(0)), training), training);
        NDArray h = inputs.get(1);
        NDArray c = inputs.get(2);
        NDList a = core(parameters, actorEncoder, actorLstm, x, h.get("0:1"), c.get("0:1"), training);
        NDList v = core(parameters, criticEncoder, criticLstm, x, h.get("1:2"), c.get("1:2"), training);
        NDArray logits = policy.forward(parameters, new NDList(a.get(0).squeeze(0)), training).singletonOrThrow();
        NDArray val = value.forward(parameters, new NDList(v.get(0).squeeze(0)), training).singletonOrThrow().squeeze(-1);
        return new NDList(logits, val, NDArrays.concat(new NDList(a.get(1), v.get(1))),
                NDArrays.concat(new NDList(a.get(2), v.get(2))));
    }

    /** One step of an encoder and an LSTM: (output (1, N, H), h' (1, N, H), c' (1, N, H)). */
    private static NDList core(ParameterStore parameters, Linear encoder, LSTM lstm, NDList x, NDArray h, NDArray c,
                               boolean training) {
        NDArray e = encoder.forward(parameters, x, training).singletonOrThrow().tanh();
        return lstm.forward(parameters, new NDList(e.expandDims(0), h, c), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        long n = inputs[0].get(0);
        Shape state = new Shape(2, n, hidden);
        Shape logits = policy.getOutputShapes(new Shape[] {new Shape(n, hidden)})[0];
        return new Shape[] {logits, new Shape(n), state, state};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes[0]);
        Shape obs = encoder.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        long n = obs.get(0);
        norm.initialize(manager, dataType, obs);
        for (Linear encoder : new Linear[] {actorEncoder, criticEncoder}) {
            encoder.initialize(manager, dataType, obs);
        }
        Shape encoded = actorEncoder.getOutputShapes(new Shape[] {obs})[0];
        actorLstm.initialize(manager, dataType, new Shape(1, n, encoded.get(1)));
        criticLstm.initialize(manager, dataType, new Shape(1, n, encoded.get(1)));
        policy.initialize(manager, dataType, new Shape(n, hidden));
        value.initialize(manager, dataType, new Shape(n, hidden));
    }
}
