package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.rlplay.env.space.ElementType;

/**
 * T+1 consecutive records for each of N envs, plus the actor's outputs, the envs' infos and the
 * actor's recurrent state at the start: the unit the engine hands to a training loop.
 *
 * <h2>Records</h2>
 * Record {@code t} is the actionable state at time t, {@code (t, x_t, a_{t-1}, r_t, d_t)}:
 * <table>
 * <caption>fields at record t, env j</caption>
 * <tr><th>field</th><th>shape</th><th>meaning</th></tr>
 * <tr><td>{@code stepno}</td><td>(T+1, N) int</td><td>steps taken so far in the current episode (0 right
 * after a reset)</td></tr>
 * <tr><td>{@code obs}</td><td>(T+1, N, ...) of the space's storage type</td><td>{@code x_t}, the
 * observation to act on; if {@code fin[t]} it is already the first observation of the next episode</td></tr>
 * <tr><td>{@code act}</td><td>(T+1, N, ...)</td><td>{@code a_{t-1}}, the action that caused the
 * transition into record t; zero where no transition happened (the first record after start-up, and
 * sticky records)</td></tr>
 * <tr><td>{@code rew}</td><td>(T+1, N) float</td><td>{@code r_t}, reward of the transition t-1 -&gt; t</td></tr>
 * <tr><td>{@code fin}</td><td>(T+1, N) bool</td><td>the transition t-1 -&gt; t ended the episode
 * (terminated or truncated)</td></tr>
 * <tr><td>{@code trunc}</td><td>(T+1, N) bool</td><td>of those, the ones that ended by truncation</td></tr>
 * <tr><td>{@code finalObs}</td><td>(T+1, N, ...) as {@code obs}, optional</td><td>the true last
 * observation of an episode that ended at t; zero where {@code fin[t]} is not set by a real episode end</td></tr>
 * <tr><td>actor info</td><td>(T+1, N, ...)</td><td>what {@code actor.step} reported at record t;
 * record T comes from the virtual step</td></tr>
 * <tr><td>{@code envInfo}</td><td>(T, N, K) float</td><td>numeric info from stepping t -&gt; t+1</td></tr>
 * <tr><td>{@code hx}</td><td>actor-defined</td><td>the actor's recurrent state before record 0</td></tr>
 * </table>
 * The transition that starts at record t is {@code (obs[t], act[t+1], rew[t+1], fin[t+1], trunc[t+1],
 * next)} with {@code next = fin[t+1] ? finalObs[t+1] : obs[t+1]}. Record T of one fragment and record
 * 0 of the next describe the same state; the actor info of record 0 is recomputed.
 *
 * <p>Every field is a {@link Column} ({@link #columns()}); the {@linkplain FragmentSpec#columns()
 * fixed columns} also have typed accessors. Observations keep their space's
 * {@linkplain org.rlplay.env.space.Space#storageType() storage type}: {@link #obs()} and
 * {@link #finalObs()} are for float spaces, {@code column("obs").bytes()} for a {@code uint8} image.
 *
 * <h2>Ownership</h2>
 * A fragment is a slot allocated once (by a {@link FragmentWriter}, its producer's handle) and
 * overwritten by its producer. A fragment handed to a training loop stays valid until the loop asks
 * for the next one; the primitive arrays returned by the accessors are the storage itself (read them,
 * do not keep them), and the {@code NDArray} views ({@link #obs(NDManager)}, ...) are copies made in
 * the manager the caller passes. Not thread-safe.
 */
public final class Fragment {
    private final FragmentSpec spec;
    private final int length;
    private final int numEnvs;
    private final List<Column> fixed;
    private final Column obsColumn;
    private final Column finalObsColumn;
    private final int[] stepno;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] fin;
    private final boolean[] trunc;
    private final float[] envInfo;
    private final List<Column> actorInfo = new ArrayList<>();
    private final List<Column> actorInfoView = Collections.unmodifiableList(actorInfo);
    private final Episodes episodes;

    private NDManager hxManager;
    private NDList hx;
    private long sequence;
    private long actorVersion;
    private int collector;
    private int envOffset;

    Fragment(FragmentSpec spec) {
        this.spec = spec;
        this.length = spec.length();
        this.numEnvs = spec.numEnvs();
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : spec.columns()) {
            columns.add(new Column(c, length, numEnvs));
        }
        this.fixed = List.copyOf(columns);
        this.obsColumn = fixedColumn(ColumnSpec.OBS);
        this.finalObsColumn = spec.keepFinalObs() ? fixedColumn(ColumnSpec.FINAL_OBS) : null;
        this.stepno = fixedColumn(ColumnSpec.STEPNO).ints();
        Column act = fixedColumn(ColumnSpec.ACT);
        this.actInts = act.type() == ElementType.INT32 ? act.ints() : null;
        this.actFloats = act.type() == ElementType.FLOAT32 ? act.floats() : null;
        this.rew = fixedColumn(ColumnSpec.REW).floats();
        this.fin = fixedColumn(ColumnSpec.FIN).booleans();
        this.trunc = fixedColumn(ColumnSpec.TRUNC).booleans();
        this.envInfo = fixedColumn(ColumnSpec.ENV_INFO).floats();
        this.episodes = new Episodes(length * numEnvs);
    }

    private Column fixedColumn(String name) {
        for (Column c : fixed) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("no column " + name);
    }

    public FragmentSpec spec() {
        return spec;
    }

    /** T, the number of steps; the fragment holds T+1 records. */
    public int length() {
        return length;
    }

    /** N, the number of envs. */
    public int numEnvs() {
        return numEnvs;
    }

    /** Flat index of env {@code j} at record {@code t} into the (T+1, N) fields. */
    public int index(int t, int j) {
        return t * numEnvs + j;
    }

    // ---- columns --------------------------------------------------------------------------------

    /** Every column: the fixed ones in {@link FragmentSpec#columns()} order, then the actor info columns. */
    public List<Column> columns() {
        List<Column> all = new ArrayList<>(fixed.size() + actorInfo.size());
        all.addAll(fixed);
        all.addAll(actorInfo);
        return all;
    }

    /** The column named {@code name} (fixed or actor info). */
    public Column column(String name) {
        for (Column c : fixed) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return actorInfo(name);
    }

    /** The fixed columns, in {@link FragmentSpec#columns()} order. */
    public List<Column> fixedColumns() {
        return fixed;
    }

    // ---- primitive storage (row-major, record-major) ------------------------------------------

    /** (T+1, N) steps into the current episode. */
    public int[] stepno() {
        return stepno;
    }

    /**
     * (T+1, N, obsSize) observations of a float observation space.
     *
     * @throws IllegalStateException if observations are stored as another type (use {@code column("obs")})
     */
    public float[] obs() {
        return obsColumn.floats();
    }

    /** (T+1, N, actSize) actions for discrete-stored action spaces, else {@code null}. */
    public int[] actInts() {
        return actInts;
    }

    /** (T+1, N, actSize) actions for float-stored action spaces, else {@code null}. */
    public float[] actFloats() {
        return actFloats;
    }

    /** (T+1, N) rewards. */
    public float[] rew() {
        return rew;
    }

    /** (T+1, N) episode-end flags. */
    public boolean[] fin() {
        return fin;
    }

    /** (T+1, N) truncation flags (a subset of {@link #fin()}). */
    public boolean[] trunc() {
        return trunc;
    }

    /**
     * (T+1, N, obsSize) final observations of a float observation space, or {@code null} when the
     * spec does not keep them.
     *
     * @throws IllegalStateException if observations are stored as another type (use {@code column("finalObs")})
     */
    public float[] finalObs() {
        return finalObsColumn == null ? null : finalObsColumn.floats();
    }

    /** (T, N, K) env info values, K = {@code spec().envInfoKeys().size()}. */
    public float[] envInfo() {
        return envInfo;
    }

    /** The actor info columns, in the order the actor reported them. */
    public List<Column> actorInfo() {
        return actorInfoView;
    }

    /** The actor info column named {@code name}. */
    public Column actorInfo(String name) {
        Column c = findActorInfo(name);
        if (c == null) {
            List<String> names = new ArrayList<>();
            actorInfo.forEach(a -> names.add(a.name()));
            throw new IllegalArgumentException("no actor info named '" + name + "'; the actor reported " + names);
        }
        return c;
    }

    Column findActorInfo(String name) {
        for (Column c : actorInfo) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The episodes that ended in this fragment. */
    public Episodes episodes() {
        return episodes;
    }

    /** The actor's recurrent state before record 0 (a copy owned by this fragment), or null. */
    public NDList hx() {
        return hx;
    }

    /** Sequence number of this fragment within its collector's stream, from 0. */
    public long sequence() {
        return sequence;
    }

    /** The actor version (weights) this fragment was collected with. */
    public long actorVersion() {
        return actorVersion;
    }

    /** Index of the collector that wrote this fragment (0 in {@code same} mode). */
    public int collector() {
        return collector;
    }

    /** Global index of this fragment's env 0 among all envs of the rollout. */
    public int envOffset() {
        return envOffset;
    }

    // ---- scalar accessors ----------------------------------------------------------------------

    public int stepno(int t, int j) {
        return stepno[index(t, j)];
    }

    /** Element {@code i} of {@code obs[t, j]}, as a float whatever the storage. */
    public float obs(int t, int j, int i) {
        return obsColumn.getFloat(t, j, i);
    }

    /** Element {@code i} of {@code act[t, j]}, as a float whatever the storage. */
    public float act(int t, int j, int i) {
        int k = index(t, j) * spec.actionSpace().size() + i;
        return actInts != null ? actInts[k] : actFloats[k];
    }

    public float rew(int t, int j) {
        return rew[index(t, j)];
    }

    public boolean fin(int t, int j) {
        return fin[index(t, j)];
    }

    public boolean trunc(int t, int j) {
        return trunc[index(t, j)];
    }

    /** Element {@code i} of {@code finalObs[t, j]}, as a float whatever the storage. */
    public float finalObs(int t, int j, int i) {
        return requireFinalObs().getFloat(t, j, i);
    }

    private Column requireFinalObs() {
        if (finalObsColumn == null) {
            throw new IllegalStateException("this fragment does not keep finalObs (enable keepFinalObs)");
        }
        return finalObsColumn;
    }

    // ---- DJL views (copies into the caller's manager) -------------------------------------------

    /** {@code obs} as a (T+1, N, ...) array in {@code manager}, of the storage type (float32, uint8, int32, ...). */
    public NDArray obs(NDManager manager) {
        return obsColumn.toNDArray(manager);
    }

    /**
     * {@code act} as a (T+1, N, ...) array in {@code manager}: int64 for discrete-stored action
     * spaces (ready for {@code gather}/{@code oneHot}), float32 otherwise.
     */
    public NDArray act(NDManager manager) {
        Shape shape = new Shape(recordShape(spec.actionSpace().shape()));
        if (actInts == null) {
            return manager.create(actFloats, shape);
        }
        long[] wide = new long[actInts.length];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = actInts[i];
        }
        return manager.create(wide, shape);
    }

    private long[] recordShape(int[] element) {
        long[] shape = new long[element.length + 2];
        shape[0] = length + 1;
        shape[1] = numEnvs;
        for (int i = 0; i < element.length; i++) {
            shape[i + 2] = element[i];
        }
        return shape;
    }

    /** {@code rew} as a (T+1, N) float32 array. */
    public NDArray rew(NDManager manager) {
        return manager.create(rew, new Shape(length + 1, numEnvs));
    }

    /** {@code fin} as a (T+1, N) boolean array. */
    public NDArray fin(NDManager manager) {
        return manager.create(fin, new Shape(length + 1, numEnvs));
    }

    /** {@code trunc} as a (T+1, N) boolean array. */
    public NDArray trunc(NDManager manager) {
        return manager.create(trunc, new Shape(length + 1, numEnvs));
    }

    /** {@code stepno} as a (T+1, N) int32 array. */
    public NDArray stepno(NDManager manager) {
        return manager.create(stepno, new Shape(length + 1, numEnvs));
    }

    /** {@code finalObs} as a (T+1, N, ...) array of the observations' storage type. */
    public NDArray finalObs(NDManager manager) {
        return requireFinalObs().toNDArray(manager);
    }

    /** {@code envInfo} as a (T, N, K) float32 array. */
    public NDArray envInfo(NDManager manager) {
        return manager.create(envInfo, new Shape(length, numEnvs, spec.envInfoKeys().size()));
    }

    /** The actor info column {@code name} as a (T+1, N, ...) array. */
    public NDArray actorInfo(String name, NDManager manager) {
        return actorInfo(name).toNDArray(manager);
    }

    // ---- package-private writing (FragmentWriter, Collation) ----------------------------------------

    void setMeta(long sequence, long actorVersion, int collector, int envOffset) {
        this.sequence = sequence;
        this.actorVersion = actorVersion;
        this.collector = collector;
        this.envOffset = envOffset;
    }

    Column addActorInfo(ColumnSpec c) {
        Column column = new Column(c, length, numEnvs);
        actorInfo.add(column);
        return column;
    }

    /** Stores a copy of {@code state} as this fragment's initial hx, releasing the previous copy. */
    void setHx(NDList state) {
        if (hx != null) {
            hx.close();
            hx = null;
        }
        if (state == null) {
            return;
        }
        if (hxManager == null) {
            hxManager = state.head().getManager().getEngine().newBaseManager();
        }
        NDList copy = new NDList(state.size());
        for (NDArray a : state) {
            NDArray d = a.duplicate();
            d.attach(hxManager);
            copy.add(d);
        }
        hx = copy;
    }

    /** Releases the hx copy and its native memory. Idempotent. */
    void release() {
        if (hx != null) {
            hx.close();
            hx = null;
        }
        if (hxManager != null) {
            hxManager.close();
            hxManager = null;
        }
    }
}
