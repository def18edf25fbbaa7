package org.rlplay.examples;

import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;

/** Every value of a fragment (columns, episodes, metadata) as one string, for bit-for-bit comparisons in tests. */
final class RolloutFingerprint {
    private RolloutFingerprint() {
    }

    static String of(Fragment f) {
        StringBuilder b = new StringBuilder("seq=").append(f.sequence()).append(" collector=").append(f.collector())
                .append(" v=").append(f.actorVersion()).append(" offset=").append(f.envOffset());
        for (Column c : f.columns()) {
            b.append(' ').append(c.name()).append('=');
            int n = java.lang.reflect.Array.getLength(c.array());
            for (int i = 0; i < n; i++) {
                b.append(c.type().get(c.array(), i)).append(',');
            }
        }
        for (int e = 0; e < f.episodes().count(); e++) {
            b.append(" ep=").append(f.episodes().env(e)).append('@').append(f.episodes().record(e)).append(':')
                    .append(f.episodes().episodeReturn(e));
        }
        return b.toString();
    }
}
