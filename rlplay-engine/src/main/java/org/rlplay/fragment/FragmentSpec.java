package org.rlplay.fragment;

import java.util.ArrayList;
import java.util.List;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * The fixed layout of a {@link Fragment}: length, batch size, spaces and which optional fields are
 * kept; {@link #columns()} lists the columns it implies. Two fragments with equal specs are
 * interchangeable slots.
 *
 * @param length         T, the number of env steps per fragment (records: T+1), at least 1
 * @param numEnvs        N, the number of envs, at least 1
 * @param observationSpace the envs' observation space
 * @param actionSpace    the envs' action space
 * @param envInfoKeys    names of the numeric env info values
 * @param keepFinalObs   whether {@code finalObs} is stored
 */
public record FragmentSpec(int length, int numEnvs, Space observationSpace, Space actionSpace,
                           List<String> envInfoKeys, boolean keepFinalObs) {

    public FragmentSpec {
        if (length < 1) {
            throw new IllegalArgumentException("fragment length T must be >= 1, got " + length);
        }
        if (numEnvs < 1) {
            throw new IllegalArgumentException("number of envs N must be >= 1, got " + numEnvs);
        }
        envInfoKeys = List.copyOf(envInfoKeys);
    }

    /** The same layout with a different number of envs (for collated batches). */
    public FragmentSpec withNumEnvs(int n) {
        return new FragmentSpec(length, n, observationSpace, actionSpace, envInfoKeys, keepFinalObs);
    }

    /** The storage type of actions: int32 for discrete-stored action spaces, else float32. */
    public ElementType actionType() {
        return actionSpace.isDiscrete() ? ElementType.INT32 : ElementType.FLOAT32;
    }

    /** The fixed columns of this layout, in the order {@link ColumnSpec} lists them (actor info not included). */
    public List<ColumnSpec> columns() {
        int[] scalar = new int[0];
        int[] obsShape = observationSpace.shape();
        ElementType obsType = observationSpace.storageType();
        List<ColumnSpec> c = new ArrayList<>(8);
        c.add(new ColumnSpec(ColumnSpec.STEPNO, ElementType.INT32, scalar, true));
        c.add(new ColumnSpec(ColumnSpec.OBS, obsType, obsShape, true));
        c.add(new ColumnSpec(ColumnSpec.ACT, actionType(), actionSpace.shape(), true));
        c.add(new ColumnSpec(ColumnSpec.REW, ElementType.FLOAT32, scalar, true));
        c.add(new ColumnSpec(ColumnSpec.FIN, ElementType.BOOL, scalar, true));
        c.add(new ColumnSpec(ColumnSpec.TRUNC, ElementType.BOOL, scalar, true));
        if (keepFinalObs) {
            c.add(new ColumnSpec(ColumnSpec.FINAL_OBS, obsType, obsShape, true));
        }
        c.add(new ColumnSpec(ColumnSpec.ENV_INFO, ElementType.FLOAT32, new int[] {envInfoKeys.size()}, false));
        return c;
    }
}
