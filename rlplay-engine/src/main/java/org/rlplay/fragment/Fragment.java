package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

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
 * <tr><td>{@code obs}</td><td>(T+1, N, ...) float</td><td>{@code x_t}, the observation to act on; if
 * {@code fin[t]} it is already the first observation of the next episode</td></tr>
 * <tr><td>{@code act}</td><td>(T+1, N, ...)</td><td>{@code a_{t-1}}, the action that caused the
 * transition into record t; zero where no transition happened (the first record after start-up, and
 * sticky records)</td></tr>
 * <tr><td>{@code rew}</td><td>(T+1, N) float</td><td>{@code r_t}, reward of the transition t-1 -&gt; t</td></tr>
 * <tr><td>{@code fin}</td><td>(T+1, N) bool</td><td>the transition t-1 -&gt; t ended the episode
 * (terminated or truncated)</td></tr>
 * <tr><td>{@code trunc}</td><td>(T+1, N) bool</td><td>of those, the ones that ended by truncation</td></tr>
 * <tr><td>{@code finalObs}</td><td>(T+1, N, ...) float, optional</td><td>the true last observation of
 * an episode that ended at t; zero where {@code fin[t]} is not set by a real episode end</td></tr>
 * <tr><td>actor info</td><td>(T+1, N, ...)</td><td>what {@code actor.step} reported at record t;
 * record T comes from the virtual step</td></tr>
 * <tr><td>{@code envInfo}</td><td>(T, N, K) float</td><td>numeric info from stepping t -&gt; t+1</td></tr>
 * <tr><td>{@code hx}</td><td>actor-defined</td><td>the actor's recurrent state before record 0</td></tr>
 * </table>
 * The transition that starts at record t is {@code (obs[t], act[t+1], rew[t+1], fin[t+1], trunc[t+1],
 * next)} with {@code next = fin[t+1] ? finalObs[t+1] : obs[t+1]}. Record T of one fragment and record
 * 0 of the next describe the same state; the actor info of record 0 is recomputed.
 *
 * <h2>Ownership</h2>
 * A fragment is a slot allocated once and overwritten by its collector. A fragment handed to a
 * training loop stays valid until the loop asks for the next one; the primitive arrays returned by
 * the accessors are the storage itself (read them, do not keep them), and the {@code NDArray} views
 * ({@link #obs(NDManager)}, ...) are copies made in the manager the caller passes. Not thread-safe.
 */
public final class Fragment implements AutoCloseable {
    private final FragmentSpec spec;
    private final int length;
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final int infoSize;

    private final int[] stepno;
    private final float[] obs;
    private final int[] actInts;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] fin;
    private final boolean[] trunc;
    private final float[] finalObs;
    private final float[] envInfo;
    private final List<InfoColumn> actorInfo = new ArrayList<>();
    private final List<InfoColumn> actorInfoView = Collections.unmodifiableList(actorInfo);
    private final Episodes episodes;

    private NDManager hxManager;
    private NDList hx;
    private long sequence;
    private long actorVersion;
    private int collector;
    private int envOffset;

    /** Allocates every field of a fragment with layout {@code spec}. */
    public Fragment(FragmentSpec spec) {
        this.spec = spec;
        this.length = spec.length();
        this.numEnvs = spec.numEnvs();
        this.obsSize = spec.observationSpace().size();
        this.actSize = spec.actionSpace().size();
        this.infoSize = spec.envInfoKeys().size();
        int cells = Math.multiplyExact(length + 1, numEnvs);
        this.stepno = new int[cells];
        this.obs = new float[Math.multiplyExact(cells, obsSize)];
        boolean discrete = spec.actionSpace().isDiscrete();
        this.actInts = discrete ? new int[cells * actSize] : null;
        this.actFloats = discrete ? null : new float[cells * actSize];
        this.rew = new float[cells];
        this.fin = new boolean[cells];
        this.trunc = new boolean[cells];
        this.finalObs = spec.keepFinalObs() ? new float[cells * obsSize] : null;
        this.envInfo = new float[length * numEnvs * infoSize];
        this.episodes = new Episodes(length * numEnvs);
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

    // ---- primitive storage (row-major, record-major) ------------------------------------------

    /** (T+1, N) steps into the current episode. */
    public int[] stepno() {
        return stepno;
    }

    /** (T+1, N, obsSize) observations. */
    public float[] obs() {
        return obs;
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

    /** (T+1, N, obsSize) final observations, or {@code null} when the spec does not keep them. */
    public float[] finalObs() {
        return finalObs;
    }

    /** (T, N, K) env info values, K = {@code spec().envInfoKeys().size()}. */
    public float[] envInfo() {
        return envInfo;
    }

    /** The actor info columns, in the order the actor reported them. */
    public List<InfoColumn> actorInfo() {
        return actorInfoView;
    }

    /** The actor info column named {@code name}. */
    public InfoColumn actorInfo(String name) {
        for (InfoColumn c : actorInfo) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        List<String> names = new ArrayList<>();
        actorInfo.forEach(c -> names.add(c.name()));
        throw new IllegalArgumentException("no actor info named '" + name + "'; the actor reported " + names);
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

    public float obs(int t, int j, int i) {
        return obs[index(t, j) * obsSize + i];
    }

    /** Element {@code i} of {@code act[t, j]}, as a float whatever the storage. */
    public float act(int t, int j, int i) {
        int k = index(t, j) * actSize + i;
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

    public float finalObs(int t, int j, int i) {
        if (finalObs == null) {
            throw new IllegalStateException("this fragment does not keep finalObs");
        }
        return finalObs[index(t, j) * obsSize + i];
    }

    // ---- DJL views (copies into the caller's manager) -------------------------------------------

    private long[] recordShape(int records, int[] element) {
        long[] shape = new long[element.length + 2];
        shape[0] = records;
        shape[1] = numEnvs;
        for (int i = 0; i < element.length; i++) {
            shape[i + 2] = element[i];
        }
        return shape;
    }

    /** {@code obs} as a (T+1, N, ...) float32 array in {@code manager}. */
    public NDArray obs(NDManager manager) {
        return manager.create(obs, new Shape(recordShape(length + 1, spec.observationSpace().shape())));
    }

    /**
     * {@code act} as a (T+1, N, ...) array in {@code manager}: int64 for discrete-stored action
     * spaces (ready for {@code gather}/{@code oneHot}), float32 otherwise.
     */
    public NDArray act(NDManager manager) {
        Shape shape = new Shape(recordShape(length + 1, spec.actionSpace().shape()));
        if (actInts == null) {
            return manager.create(actFloats, shape);
        }
        long[] wide = new long[actInts.length];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = actInts[i];
        }
        return manager.create(wide, shape);
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

    /** {@code finalObs} as a (T+1, N, ...) float32 array. */
    public NDArray finalObs(NDManager manager) {
        if (finalObs == null) {
            throw new IllegalStateException("this fragment does not keep finalObs (enable keepFinalObs)");
        }
        return manager.create(finalObs, new Shape(recordShape(length + 1, spec.observationSpace().shape())));
    }

    /** {@code envInfo} as a (T, N, K) float32 array. */
    public NDArray envInfo(NDManager manager) {
        return manager.create(envInfo, new Shape(length, numEnvs, infoSize));
    }

    /** The actor info column {@code name} as a (T+1, N, ...) array. */
    public NDArray actorInfo(String name, NDManager manager) {
        return actorInfo(name).toNDArray(manager);
    }

    // ---- writing (collectors) -------------------------------------------------------------------

    /** Sets the metadata. For collectors. */
    public void setMeta(long sequence, long actorVersion, int collector, int envOffset) {
        this.sequence = sequence;
        this.actorVersion = actorVersion;
        this.collector = collector;
        this.envOffset = envOffset;
    }

    /** Clears the episode list. For collectors, at the start of a fragment. */
    public void clearEpisodes() {
        episodes.clear();
    }

    /**
     * Stores a copy of {@code state} as this fragment's initial hx, releasing the previous copy.
     * For collectors.
     */
    public void setHx(NDList state) {
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

    /**
     * Copies the actor's info for record {@code t} (each array shaped (N, ...)) into the info
     * columns, creating the columns on the first call. For collectors.
     *
     * @throws IllegalArgumentException if an array's leading dimension is not N, or the number,
     *     names, types or shapes of the arrays change between calls
     */
    public void putActorInfo(int t, NDList info) {
        if (actorInfo.isEmpty() && !info.isEmpty()) {
            for (int i = 0; i < info.size(); i++) {
                NDArray a = info.get(i);
                Shape perEnv = perEnvShape(a, i);
                actorInfo.add(new InfoColumn(infoName(a, i), a.getDataType(), perEnv.getShape(), length + 1, numEnvs));
            }
        }
        if (info.size() != actorInfo.size()) {
            throw new IllegalArgumentException("actor info: expected " + actorInfo.size()
                    + " arrays as in earlier steps, got " + info.size());
        }
        for (int i = 0; i < info.size(); i++) {
            NDArray a = info.get(i);
            InfoColumn c = actorInfo.get(i);
            Shape perEnv = perEnvShape(a, i);
            if (!c.matches(a.getDataType(), perEnv)) {
                throw new IllegalArgumentException("actor info '" + c.name() + "': expected " + c.dataType()
                        + " " + Arrays.toString(c.elementShape()) + " per env as in earlier steps, got "
                        + a.getDataType() + " " + perEnv);
            }
            ByteBuffer src = a.toByteBuffer(true);
            c.put(t, src);
        }
    }

    /**
     * Overwrites the whole actor info column {@code name} with (T+1) * N values of {@code type}, each
     * of per-env shape {@code elementShape}, read in native byte order from {@code data}'s position
     * (which is not moved). Creates the column if this fragment has none of that name yet. For
     * readers restoring recorded fragments ({@code org.rlplay.record}); collectors use
     * {@link #putActorInfo}.
     *
     * @throws IllegalArgumentException if the existing column {@code name} has another type or
     *     shape, or {@code data} holds fewer bytes than the column
     */
    public void putActorInfoColumn(String name, DataType type, long[] elementShape, ByteBuffer data) {
        InfoColumn column = null;
        for (InfoColumn c : actorInfo) {
            if (c.name().equals(name)) {
                column = c;
            }
        }
        if (column == null) {
            column = new InfoColumn(name, type, elementShape, length + 1, numEnvs);
            actorInfo.add(column);
        } else if (!column.matches(type, new Shape(elementShape))) {
            throw new IllegalArgumentException("actor info '" + name + "': this fragment holds " + column.dataType()
                    + " " + Arrays.toString(column.elementShape()) + " per env, got " + type + " "
                    + Arrays.toString(elementShape));
        }
        int perRecord = numEnvs * column.bytesPerEnv();
        if (data.remaining() < (long) (length + 1) * perRecord) {
            throw new IllegalArgumentException("actor info '" + name + "': expected " + (length + 1) * perRecord
                    + " bytes, got " + data.remaining());
        }
        ByteBuffer src = data.duplicate();
        for (int t = 0; t <= length; t++) {
            src.position(data.position() + t * perRecord);
            column.put(t, src);
        }
    }

    private Shape perEnvShape(NDArray a, int i) {
        Shape s = a.getShape();
        if (s.dimension() == 0 || s.get(0) != numEnvs) {
            throw new IllegalArgumentException("actor info '" + infoName(a, i) + "': expected shape (N=" + numEnvs
                    + ", ...), got " + s);
        }
        return s.slice(1);
    }

    private static String infoName(NDArray a, int i) {
        String n = a.getName();
        return n == null || n.isEmpty() ? "info" + i : n;
    }

    /**
     * Copies every record of this fragment's envs into {@code dst}, placing env 0 at
     * {@code dst}'s env {@code dstEnvOffset}; used to collate fragments from several collectors
     * into one batch. Episodes are appended to {@code dst}'s list with shifted env indices; the hx
     * and the metadata are not copied.
     */
    public void copyEnvsTo(Fragment dst, int dstEnvOffset) {
        if (dst.length != length || dstEnvOffset < 0 || dstEnvOffset + numEnvs > dst.numEnvs
                || dst.obsSize != obsSize || dst.actSize != actSize || dst.infoSize != infoSize
                || (dst.finalObs == null) != (finalObs == null) || (dst.actInts == null) != (actInts == null)) {
            throw new IllegalArgumentException("cannot copy a fragment of " + spec + " into " + dst.spec
                    + " at env " + dstEnvOffset);
        }
        if (dst.actorInfo.isEmpty()) {
            for (InfoColumn c : actorInfo) {
                dst.actorInfo.add(new InfoColumn(c.name(), c.dataType(), c.elementShape(), length + 1, dst.numEnvs));
            }
        }
        for (int t = 0; t <= length; t++) {
            int s = index(t, 0);
            int d = dst.index(t, dstEnvOffset);
            System.arraycopy(stepno, s, dst.stepno, d, numEnvs);
            System.arraycopy(obs, s * obsSize, dst.obs, d * obsSize, numEnvs * obsSize);
            if (actInts != null) {
                System.arraycopy(actInts, s * actSize, dst.actInts, d * actSize, numEnvs * actSize);
            } else {
                System.arraycopy(actFloats, s * actSize, dst.actFloats, d * actSize, numEnvs * actSize);
            }
            System.arraycopy(rew, s, dst.rew, d, numEnvs);
            System.arraycopy(fin, s, dst.fin, d, numEnvs);
            System.arraycopy(trunc, s, dst.trunc, d, numEnvs);
            if (finalObs != null) {
                System.arraycopy(finalObs, s * obsSize, dst.finalObs, d * obsSize, numEnvs * obsSize);
            }
            if (t < length) {
                System.arraycopy(envInfo, s * infoSize, dst.envInfo, d * infoSize, numEnvs * infoSize);
            }
            for (int i = 0; i < actorInfo.size(); i++) {
                actorInfo.get(i).copyTo(dst.actorInfo.get(i), t, 0, numEnvs, t, dstEnvOffset);
            }
        }
        dst.episodes.copyFrom(episodes, dstEnvOffset);
    }

    /** Releases the hx copy and its native memory. Idempotent. */
    @Override
    public void close() {
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
