package org.rlplay.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.Column;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedEnv;

/** Shared pieces of the ring tests: scripted env batches, fragment fingerprints, thread checks. */
final class RingFixtures {
    /** Episode lengths of global env g: LENGTHS[g % LENGTHS.length], cycled; length-4 episodes are truncated. */
    static final int[][] LENGTHS = {{2, 4}, {3}, {7, 1}, {5}, {1, 6}, {4, 4, 2}, {3, 8}};

    private RingFixtures() {
    }

    /** {@code n} scripted envs with global indices {@code from .. from+n-1}. */
    static SerialVecEnv scripted(int from, int n) {
        List<ScriptedEnv> list = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            list.add(new ScriptedEnv(LENGTHS[(from + j) % LENGTHS.length], 4));
        }
        return new SerialVecEnv(list);
    }

    static RolloutConfig config(int length, long seed) {
        return RolloutConfig.builder().length(length).seed(seed).build();
    }

    /**
     * Everything a fragment holds about env {@code j} as text: every field at every record, the
     * actor info bytes, the hx slice and the env's finished episodes. Equal text means equal data.
     */
    static String column(Fragment f, int j) {
        StringBuilder b = new StringBuilder();
        int obs = f.spec().observationSpace().size();
        int act = f.spec().actionSpace().size();
        int info = f.spec().envInfoKeys().size();
        for (int t = 0; t <= f.length(); t++) {
            b.append("t").append(t).append(" stepno=").append(f.stepno(t, j)).append(" obs=");
            for (int i = 0; i < obs; i++) {
                b.append(f.obs(t, j, i)).append(',');
            }
            b.append(" act=");
            for (int i = 0; i < act; i++) {
                b.append(f.act(t, j, i)).append(',');
            }
            b.append(" rew=").append(f.rew(t, j)).append(" fin=").append(f.fin(t, j)).append(" trunc=")
                    .append(f.trunc(t, j)).append(" finalObs=");
            for (int i = 0; f.finalObs() != null && i < obs; i++) {
                b.append(f.finalObs(t, j, i)).append(',');
            }
            if (t < f.length()) {
                b.append(" envInfo=");
                for (int i = 0; i < info; i++) {
                    b.append(f.envInfo()[(t * f.numEnvs() + j) * info + i]).append(',');
                }
            }
            for (Column c : f.actorInfo()) {
                b.append(' ').append(c.name()).append('=');
                for (int k = 0; k < c.width(); k++) {
                    b.append(c.get(t, j, k)).append(',');
                }
            }
            b.append('\n');
        }
        NDList hx = f.hx();
        b.append("hx=");
        if (hx != null) {
            for (NDArray a : hx) {
                try (NDArray slice = a.get(":, {}", j)) {
                    for (float x : slice.toFloatArray()) {
                        b.append(x).append(',');
                    }
                }
                b.append(';');
            }
        }
        Episodes e = f.episodes();
        b.append(" episodes=");
        for (int i = 0; i < e.count(); i++) {
            if (e.env(i) == j) {
                b.append('(').append(e.record(i)).append(' ').append(e.episodeReturn(i)).append(' ')
                        .append(e.length(i)).append(' ').append(e.truncated(i)).append(')');
            }
        }
        return b.toString();
    }

    /** {@link #column} of env {@code from + j} for each j in {@code 0 .. n-1}. */
    static List<String> columns(Fragment f, int from, int n) {
        List<String> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(column(f, from + j));
        }
        return out;
    }

    /** The names of the live collector threads of every ring rollout. */
    static Set<String> collectorThreads() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(Rollouts.COLLECTOR_THREAD_PREFIX)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    static void assertNoCollectorThreads() {
        assertEquals(Set.of(), collectorThreads(), "collector threads still alive");
    }

    /** Polls {@code condition} every 5 ms for up to {@code millis}; fails with {@code what} if it never holds. */
    static void await(BooleanSupplier condition, long millis, String what) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + millis + " ms waiting until " + what);
            }
            sleep(5);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
