package org.rlplay.record;

import java.util.ArrayList;
import java.util.List;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * What fixes the columns of a dataset file: the fragment layout (T, N, spaces, env info keys,
 * whether final observations are kept) and the actor info columns the actor reports. Every file of
 * one dataset has the same layout. Immutable.
 *
 * @param spec      the fragments' layout
 * @param actorInfo the actor info columns, in the order the actor reports them
 */
public record Layout(FragmentSpec spec, List<ColumnSpec> actorInfo) {

    public Layout {
        actorInfo = List.copyOf(actorInfo);
        for (ColumnSpec c : actorInfo) {
            if (!c.perRecord() || c.isFixed()) {
                throw new IllegalArgumentException("actor info column " + c + " must be per record and not a fixed name");
            }
        }
    }

    /** The layout of fragment {@code f}. */
    public static Layout of(Fragment f) {
        List<ColumnSpec> info = new ArrayList<>();
        for (Column c : f.actorInfo()) {
            info.add(c.spec());
        }
        return new Layout(f.spec(), info);
    }

    /** A one-line description for error messages. */
    public String describe() {
        FragmentSpec s = spec;
        return "T=" + s.length() + ", N=" + s.numEnvs() + ", observations " + s.observationSpace() + ", actions "
                + s.actionSpace() + ", env info " + s.envInfoKeys() + ", finalObs " + (s.keepFinalObs() ? "kept" : "not kept")
                + ", actor info " + actorInfo;
    }
}
