package org.rlplay.algos.replay;

import java.util.ArrayList;
import java.util.List;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/**
 * The true transitions one {@link ScriptedEnv} goes through when driven by a {@link ScriptedActor},
 * simulated from the env's rules alone (no engine code).
 */
final class ScriptedTransitions {
    record Step(float[] s, int a, float r, float[] next, boolean done, boolean truncated) {
    }

    static List<Step> of(long seed, int[] lengths, int truncatedLength, int count) {
        List<Step> out = new ArrayList<>();
        int episode = 0;
        int step = 0;
        while (out.size() < count) {
            int a = ScriptedActor.action(step, step);
            float r = ScriptedEnv.reward(episode, step, a);
            float[] s = {seed, episode, step};
            step++;
            int length = lengths[episode % lengths.length];
            boolean end = step >= length;
            boolean truncated = end && length == truncatedLength;
            out.add(new Step(s, a, r, new float[] {seed, episode, step}, end && !truncated, truncated));
            if (end) {
                episode++;
                step = 0;
            }
        }
        return out;
    }

    private ScriptedTransitions() {
    }
}
