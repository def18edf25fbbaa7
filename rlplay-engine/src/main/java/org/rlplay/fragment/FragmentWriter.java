package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.rlplay.env.space.ElementType;

/**
 * The producer's handle on a {@link Fragment}: it allocates the fragment once and is the only way to
 * write what the fragment's read face does not expose as storage (metadata, episode ends, hx, actor
 * info columns). Collectors, replay readers and collation use it; a training loop only ever sees the
 * {@link #fragment()}.
 *
 * <p>Owned by the producer, used from one thread at a time (the producer's); {@link #close()}
 * releases the fragment's native memory (its hx copy).
 */
public final class FragmentWriter implements AutoCloseable {
    private final Fragment fragment;

    /** Allocates every fixed column of a fragment with layout {@code spec}. */
    public FragmentWriter(FragmentSpec spec) {
        this.fragment = new Fragment(spec);
    }

    /** The fragment this writer fills. */
    public Fragment fragment() {
        return fragment;
    }

    public FragmentSpec spec() {
        return fragment.spec();
    }

    /** Sets the metadata: sequence within the producer's stream, actor version, collector index, env offset. */
    public void setMeta(long sequence, long actorVersion, int collector, int envOffset) {
        fragment.setMeta(sequence, actorVersion, collector, envOffset);
    }

    /** Clears the episode list, at the start of a fragment. */
    public void clearEpisodes() {
        fragment.episodes().clear();
    }

    /** Records that env {@code env}'s episode ended at record {@code record} with this return, length and end kind. */
    public void addEpisode(int env, int record, double episodeReturn, int length, boolean truncated) {
        fragment.episodes().add(env, record, episodeReturn, length, truncated);
    }

    /** Stores a copy of {@code state} (or nothing, for null) as the fragment's initial hx, releasing the previous copy. */
    public void setHx(NDList state) {
        fragment.setHx(state);
    }

    /**
     * Copies the actor's info for record {@code t} (each array shaped (N, ...), named by
     * {@link NDArray#setName}, unnamed ones {@code info0, info1, ...}) into the actor info columns,
     * creating the columns on the first call. Allocates nothing once the columns exist.
     *
     * @throws IllegalArgumentException if an array's leading dimension is not N, its type is not
     *     stored by the engine, a name repeats or is a fixed column's, or the number, names, types or
     *     shapes of the arrays differ from the fragment's columns
     */
    public void putActorInfo(int t, NDList info) {
        List<Column> columns = fragment.actorInfo();
        if (columns.isEmpty() && !info.isEmpty()) {
            for (int i = 0; i < info.size(); i++) {
                NDArray a = info.get(i);
                String name = infoName(a, i);
                if (fragment.findActorInfo(name) != null || ColumnSpec.isFixedName(name)) {
                    throw new IllegalArgumentException("actor info '" + name + "': the name is used twice or is"
                            + " a fixed column's; name each info array uniquely");
                }
                fragment.addActorInfo(new ColumnSpec(name, elementType(a, name), toInts(perEnvShape(a, name)), true));
            }
        }
        if (info.size() != columns.size()) {
            throw new IllegalArgumentException("actor info: expected " + columns.size() + " arrays " + names(columns)
                    + " as in earlier steps, got " + info.size());
        }
        int numEnvs = fragment.numEnvs();
        for (int i = 0; i < info.size(); i++) {
            NDArray a = info.get(i);
            Column c = columns.get(i);
            if (!c.accepts(a, i)) {
                reject(a, i, c);
            }
            ByteBuffer src = a.toByteBuffer(true).order(ByteOrder.nativeOrder());
            TypedArrays.read(c.type(), src, src.position(), c.array(), c.offset(t, 0), numEnvs * c.width());
        }
    }

    /** Throws the exception that explains why {@code a} does not fit column {@code c}. */
    private void reject(NDArray a, int i, Column c) {
        String name = infoName(a, i);
        int[] perEnv = toInts(perEnvShape(a, name));
        ElementType type = elementType(a, name);
        if (!c.name().equals(name)) {
            throw new IllegalArgumentException("actor info " + i + ": expected '" + c.name()
                    + "' as in earlier steps, got '" + name + "'");
        }
        throw new IllegalArgumentException("actor info '" + name + "': expected " + c.type().numpyName() + " "
                + Arrays.toString(c.spec().shape()) + " per env as in earlier steps, got "
                + type.numpyName() + " " + Arrays.toString(perEnv));
    }

    /**
     * The actor info column described by {@code spec}, created if the fragment has none of that name
     * (for readers restoring recorded fragments; collectors use {@link #putActorInfo}).
     *
     * @throws IllegalArgumentException if the fragment has a column of that name with another type,
     *     shape or extent, or {@code spec} names a fixed column
     */
    public Column actorInfoColumn(ColumnSpec spec) {
        if (spec.isFixed()) {
            throw new IllegalArgumentException("actor info '" + spec.name() + "' is a fixed column's name");
        }
        Column c = fragment.findActorInfo(spec.name());
        if (c == null) {
            return fragment.addActorInfo(spec);
        }
        if (!c.spec().equals(spec)) {
            throw new IllegalArgumentException("actor info '" + spec.name() + "': this fragment holds " + c.spec()
                    + ", got " + spec);
        }
        return c;
    }

    private static ElementType elementType(NDArray a, String name) {
        try {
            return TypedArrays.elementType(a.getDataType());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("actor info '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * Makes this writer's fragment a copy of {@code src}, which has the same layout: every column,
     * the episodes, the metadata and hx.
     *
     * @throws IllegalArgumentException if the layouts differ
     */
    public void copyFrom(Fragment src) {
        Fragment dst = fragment;
        if (!src.spec().equals(dst.spec())) {
            throw new IllegalArgumentException("cannot copy a fragment of " + src.spec() + " into one of " + dst.spec());
        }
        for (int k = 0; k < src.fixedColumns().size(); k++) {
            src.fixedColumns().get(k).copyEnvsTo(dst.fixedColumns().get(k), 0, src.numEnvs(), 0);
        }
        for (Column c : src.actorInfo()) {
            c.copyEnvsTo(actorInfoColumn(c.spec()), 0, src.numEnvs(), 0);
        }
        clearEpisodes();
        dst.episodes().copyFrom(src.episodes(), 0);
        setMeta(src.sequence(), src.actorVersion(), src.collector(), src.envOffset());
        setHx(src.hx());
    }

    private Shape perEnvShape(NDArray a, String name) {
        Shape s = a.getShape();
        if (s.dimension() == 0 || s.get(0) != fragment.numEnvs()) {
            throw new IllegalArgumentException("actor info '" + name + "': expected shape (N=" + fragment.numEnvs()
                    + ", ...), got " + s);
        }
        return s.slice(1);
    }

    private static int[] toInts(Shape s) {
        int[] out = new int[s.dimension()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(s.get(i));
        }
        return out;
    }

    static String infoName(NDArray a, int i) {
        String n = a.getName();
        return n == null || n.isEmpty() ? "info" + i : n;
    }

    private static String names(List<Column> columns) {
        StringBuilder b = new StringBuilder("[");
        for (Column c : columns) {
            b.append(b.length() == 1 ? "" : ", ").append(c.name());
        }
        return b.append(']').toString();
    }

    /** Releases the fragment's hx copy and its native memory. Idempotent. */
    @Override
    public void close() {
        fragment.release();
    }
}
