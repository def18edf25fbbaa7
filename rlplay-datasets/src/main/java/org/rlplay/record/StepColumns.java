package org.rlplay.record;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.FragmentSpec;

/**
 * The columns of a dataset file, one row per env step, and the Parquet schema they make. The
 * column table (name, type, meaning) is documented in the README ("Datasets") and on
 * {@link Dataset}; the names are the constants below. Stateless.
 *
 * <p>A value of shape {@code []} is a scalar column; any other shape is a list column holding the
 * value's elements in row-major order (the shape is in the file's metadata). Element types map to
 * Parquet as {@code bool -> BOOLEAN}, {@code uint8 -> INT32 (UINT_8)}, {@code int8 -> INT32 (INT_8)},
 * {@code int32 -> INT32}, {@code int64 -> INT64}, {@code float32 -> FLOAT}, {@code float64 -> DOUBLE}.
 */
public final class StepColumns {
    public static final String EPISODE_ID = "episode_id";
    public static final String STEP = "step";
    public static final String OBSERVATION = "observation";
    public static final String ACTION = "action";
    public static final String REWARD = "reward";
    public static final String TERMINATED = "terminated";
    public static final String TRUNCATED = "truncated";
    public static final String FINAL_OBSERVATION = "final_observation";
    /** Prefix of the env info columns: {@code env_info_<key>}. */
    public static final String ENV_INFO_PREFIX = "env_info_";
    /** Prefix of the actor info columns: {@code actor_<name>}. */
    public static final String ACTOR_PREFIX = "actor_";
    public static final String EPISODE_RETURN = "episode_return";
    public static final String EPISODE_LENGTH = "episode_length";
    public static final String ACTOR_VERSION = "actor_version";
    public static final String ENV = "env";
    public static final String FRAGMENT = "fragment";
    public static final String COLLECTOR = "collector";
    /** The record index t of the row within its fragment (0..T-1), for engines that reorder rows. */
    public static final String RECORD = "record";
    public static final String PADDING = "padding";
    public static final String EPISODE_ORDER = "episode_order";
    public static final String START_ACTION = "start_action";
    public static final String START_REWARD = "start_reward";
    public static final String START_DONE = "start_done";
    public static final String START_TRUNCATED = "start_truncated";
    public static final String START_FINAL_OBSERVATION = "start_final_observation";
    public static final String END_OBSERVATION = "end_observation";
    public static final String END_STEP = "end_step";
    /** Prefix of the actor info of each env's record T: {@code end_actor_<name>}. */
    public static final String END_ACTOR_PREFIX = "end_actor_";
    public static final String STATE_IN = "state_in";

    private StepColumns() {
    }

    /** The kinds of column, each with one fixed mapping to fragment fields (see {@link FragmentEncoder}). */
    enum Kind {
        EPISODE_ID, STEP, OBS, ACT, REW, TERMINATED, TRUNCATED, FINAL_OBS, ENV_INFO, ACTOR, EPISODE_RETURN,
        EPISODE_LENGTH, ACTOR_VERSION, ENV, FRAGMENT, COLLECTOR, RECORD, PADDING, EPISODE_ORDER, START_ACT, START_REW,
        START_DONE, START_TRUNC, START_FINAL_OBS, END_OBS, END_STEP, END_ACTOR, STATE_IN
    }

    /**
     * One column of the file.
     *
     * @param kind     what it maps to
     * @param name     the column name
     * @param type     element type ({@code null} for the binary {@code state_in})
     * @param shape    shape of one value
     * @param optional whether rows may be null
     * @param index    the env info key or actor info column index, else -1
     */
    record Col(Kind kind, String name, ElementType type, int[] shape, boolean optional, int index) {
        boolean list() {
            return shape.length > 0;
        }

        int width() {
            return Space.sizeOf(shape);
        }
    }

    /** The columns of a file of {@code layout}, in schema order. */
    static List<Col> columns(Layout layout) {
        FragmentSpec s = layout.spec();
        int[] scalar = new int[0];
        int[] obs = s.observationSpace().shape();
        int[] act = s.actionSpace().shape();
        ElementType obsType = s.observationSpace().storageType();
        ElementType actType = s.actionType();
        List<Col> c = new ArrayList<>();
        c.add(new Col(Kind.EPISODE_ID, EPISODE_ID, ElementType.INT64, scalar, false, -1));
        c.add(new Col(Kind.STEP, STEP, ElementType.INT32, scalar, false, -1));
        c.add(new Col(Kind.OBS, OBSERVATION, obsType, obs, false, -1));
        c.add(new Col(Kind.ACT, ACTION, actType, act, false, -1));
        c.add(new Col(Kind.REW, REWARD, ElementType.FLOAT32, scalar, false, -1));
        c.add(new Col(Kind.TERMINATED, TERMINATED, ElementType.BOOL, scalar, false, -1));
        c.add(new Col(Kind.TRUNCATED, TRUNCATED, ElementType.BOOL, scalar, false, -1));
        if (s.keepFinalObs()) {
            c.add(new Col(Kind.FINAL_OBS, FINAL_OBSERVATION, obsType, obs, true, -1));
        }
        for (int k = 0; k < s.envInfoKeys().size(); k++) {
            c.add(new Col(Kind.ENV_INFO, ENV_INFO_PREFIX + s.envInfoKeys().get(k), ElementType.FLOAT32, scalar, false, k));
        }
        for (int k = 0; k < layout.actorInfo().size(); k++) {
            ColumnSpec a = layout.actorInfo().get(k);
            c.add(new Col(Kind.ACTOR, ACTOR_PREFIX + a.name(), a.type(), a.shape(), false, k));
        }
        c.add(new Col(Kind.EPISODE_RETURN, EPISODE_RETURN, ElementType.FLOAT64, scalar, true, -1));
        c.add(new Col(Kind.EPISODE_LENGTH, EPISODE_LENGTH, ElementType.INT32, scalar, true, -1));
        c.add(new Col(Kind.ACTOR_VERSION, ACTOR_VERSION, ElementType.INT64, scalar, false, -1));
        c.add(new Col(Kind.ENV, ENV, ElementType.INT32, scalar, false, -1));
        c.add(new Col(Kind.FRAGMENT, FRAGMENT, ElementType.INT64, scalar, false, -1));
        c.add(new Col(Kind.COLLECTOR, COLLECTOR, ElementType.INT32, scalar, false, -1));
        c.add(new Col(Kind.RECORD, RECORD, ElementType.INT32, scalar, false, -1));
        c.add(new Col(Kind.PADDING, PADDING, ElementType.BOOL, scalar, false, -1));
        c.add(new Col(Kind.EPISODE_ORDER, EPISODE_ORDER, ElementType.INT32, scalar, true, -1));
        c.add(new Col(Kind.START_ACT, START_ACTION, actType, act, true, -1));
        c.add(new Col(Kind.START_REW, START_REWARD, ElementType.FLOAT32, scalar, true, -1));
        c.add(new Col(Kind.START_DONE, START_DONE, ElementType.BOOL, scalar, true, -1));
        c.add(new Col(Kind.START_TRUNC, START_TRUNCATED, ElementType.BOOL, scalar, true, -1));
        if (s.keepFinalObs()) {
            c.add(new Col(Kind.START_FINAL_OBS, START_FINAL_OBSERVATION, obsType, obs, true, -1));
        }
        c.add(new Col(Kind.END_OBS, END_OBSERVATION, obsType, obs, true, -1));
        c.add(new Col(Kind.END_STEP, END_STEP, ElementType.INT32, scalar, true, -1));
        for (int k = 0; k < layout.actorInfo().size(); k++) {
            ColumnSpec a = layout.actorInfo().get(k);
            c.add(new Col(Kind.END_ACTOR, END_ACTOR_PREFIX + a.name(), a.type(), a.shape(), true, k));
        }
        c.add(new Col(Kind.STATE_IN, STATE_IN, null, scalar, true, -1));
        return c;
    }

    /** The Parquet schema of a file of {@code layout}. */
    public static MessageType schema(Layout layout) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Col c : columns(layout)) {
            b.addField(field(c));
        }
        return b.named("rlplay_step");
    }

    private static Type field(Col c) {
        Type.Repetition outer = c.optional() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        if (c.type() == null) {
            return Types.primitive(PrimitiveTypeName.BINARY, outer).named(c.name());
        }
        if (!c.list()) {
            return primitive(c.type(), outer).named(c.name());
        }
        Type element = primitive(c.type(), Type.Repetition.REQUIRED).named("element");
        return Types.buildGroup(outer).as(LogicalTypeAnnotation.listType())
                .addField(Types.repeatedGroup().addField(element).named("list")).named(c.name());
    }

    private static Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> primitive(ElementType t,
                                                                                           Type.Repetition r) {
        switch (t) {
            case BOOL: return Types.primitive(PrimitiveTypeName.BOOLEAN, r);
            case UINT8: return Types.primitive(PrimitiveTypeName.INT32, r).as(LogicalTypeAnnotation.intType(8, false));
            case INT8: return Types.primitive(PrimitiveTypeName.INT32, r).as(LogicalTypeAnnotation.intType(8, true));
            case INT32: return Types.primitive(PrimitiveTypeName.INT32, r);
            case INT64: return Types.primitive(PrimitiveTypeName.INT64, r);
            case FLOAT32: return Types.primitive(PrimitiveTypeName.FLOAT, r);
            default: return Types.primitive(PrimitiveTypeName.DOUBLE, r);
        }
    }
}
