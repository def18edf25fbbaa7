package org.rlplay.record.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.record.Dataset;
import org.rlplay.record.DatasetFile;
import org.rlplay.record.RecorderOptions;
import org.rlplay.record.ReplayOptions;
import org.rlplay.record.TransitionSampler;
import org.rlplay.rollout.Rollout;

/**
 * Logs written by other systems become datasets the offline tools read: the offline-RL lecture's
 * RLlib JSON rollouts, a contextual-bandit CSV (T = 1 fragments), rlplay's own Parquet step table;
 * and every inconsistency is an error naming the row.
 */
class LogImportTest {
    @TempDir
    Path tmp;

    static LogImport.Config config(Path input, LogFormat format, ColumnMapping mapping, Space actions, int length, int n) {
        return new LogImport.Config(List.of(input), format, mapping, null, actions, "Logged-v0", length, n,
                RecorderOptions.defaults());
    }

    /** The transitions of a dataset as (s, a, r, s', done, truncated) strings, in sampler order. */
    static List<String> transitions(Dataset d) {
        TransitionSampler sampler = TransitionSampler.load(d);
        TransitionBatch b = sampler.newBatch(1);
        List<String> out = new ArrayList<>();
        int w = d.spec().observationSpace().size();
        for (int k = 0; k < sampler.size(); k++) {
            b.indices()[0] = k;
            sampler.gather(b);
            float[] s = java.util.Arrays.copyOf(b.obs(), w);
            float[] next = java.util.Arrays.copyOf(b.nextObs(), w);
            out.add(java.util.Arrays.toString(s) + " " + b.actInts()[0] + " " + b.rew()[0] + " "
                    + java.util.Arrays.toString(next) + " " + b.done()[0] + " " + b.truncated()[0]);
        }
        return out;
    }

    @Test
    void theLecturesRllibJsonRolloutsBecomeEpisodesThatEveryToolReads() throws Exception {
        Path log = Path.of(getClass().getResource("/logs/recommender_offline.json").toURI());
        assertEquals(LogFormat.RLLIB, LogFormat.detect(log));
        Path out = tmp.resolve("recommender");
        LogImport.Summary s = LogImport.run(config(log, null, ColumnMapping.rllib(), new Discrete(2), 4, 2), out);
        assertEquals(16, s.rows());
        assertEquals(3, s.episodes());
        assertEquals(0, s.open());
        Dataset d = Dataset.open(out);
        assertEquals("Logged-v0", d.envId());
        assertEquals(List.of("propensity"), d.layout().actorInfo().stream().map(c -> c.name()).toList());
        // every logged step is one transition, with its logged s' (new_obs at episode ends, the next obs before)
        List<String> expected = new ArrayList<>();
        Map<String, Float> propensity = new HashMap<>();
        double[] returns = new double[3];
        int e = 0;
        for (String line : Files.readAllLines(log)) {
            JsonObject b = JsonParser.parseString(line).getAsJsonObject();
            for (int i = 0; i < b.getAsJsonArray("t").size(); i++) {
                String obs = floats(b.getAsJsonArray("obs").get(i).getAsJsonArray());
                boolean done = b.getAsJsonArray("dones").get(i).getAsBoolean();
                expected.add(obs + " " + b.getAsJsonArray("actions").get(i).getAsInt() + " "
                        + b.getAsJsonArray("rewards").get(i).getAsFloat() + " "
                        + floats(b.getAsJsonArray("new_obs").get(i).getAsJsonArray()) + " " + done + " false");
                propensity.put(obs, b.getAsJsonArray("action_prob").get(i).getAsFloat());
                returns[e] += b.getAsJsonArray("rewards").get(i).getAsFloat();
                e += done ? 1 : 0;
            }
        }
        List<String> actual = transitions(d);
        assertEquals(sorted(expected), sorted(actual), "the sampler's transitions are the logged steps");
        // the replay ends the three episodes with their returns, and carries the logged propensities
        List<Double> ended = new ArrayList<>();
        try (Rollout replay = d.replay(ReplayOptions.once())) {
            for (Fragment f : replay) {
                for (int i = 0; i < f.episodes().count(); i++) {
                    ended.add(f.episodes().episodeReturn(i));
                }
                for (int t = 0; t < f.length(); t++) {
                    for (int j = 0; j < f.numEnvs(); j++) {
                        Float p = propensity.get("[" + f.obs(t, j, 0) + ", " + f.obs(t, j, 1) + "]");
                        if (p != null && !(f.fin(t + 1, j) && !isEnd(f, t + 1, j))) {
                            assertEquals(p, f.actorInfo("propensity").getFloat(t, j, 0), "propensity at " + t + "," + j);
                        }
                    }
                }
            }
        }
        ended.sort(null);
        List<Double> want = new ArrayList<>(List.of(returns[0], returns[1], returns[2]));
        want.sort(null);
        assertEquals(want, ended);
    }

    private static boolean isEnd(Fragment f, int record, int env) {
        for (int i = 0; i < f.episodes().count(); i++) {
            if (f.episodes().record(i) == record && f.episodes().env(i) == env) {
                return true;
            }
        }
        return false;
    }

    private static String floats(JsonArray a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return java.util.Arrays.toString(v);
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }

    @Test
    void aContextualBanditCsvIsEpisodesOfOneStepInT1Fragments() throws Exception {
        Path csv = tmp.resolve("bandit.csv");
        StringBuilder b = new StringBuilder("x0,x1,arm,clicked,p\n");
        for (int i = 0; i < 10; i++) {
            b.append(i * 0.5).append(',').append(-i).append(',').append(i % 3).append(',').append(i % 2)
                    .append(',').append(i % 3 == 0 ? 0.5 : 0.25).append('\n');
        }
        Files.writeString(csv, b);
        ColumnMapping m = new ColumnMapping(null, null, List.of("x0", "x1"), null, "arm", "clicked", null, null, null,
                "p", null);
        Path out = tmp.resolve("bandit");
        LogImport.Summary s = LogImport.run(config(csv, LogFormat.CSV, m, new Discrete(3), 0, 4), out);
        assertEquals(1, s.spec().length(), "a bandit log makes T = 1 fragments");
        assertEquals(10, s.episodes());
        assertEquals(3, s.fragments(), "10 decisions on 4 lanes");
        Dataset d = Dataset.open(out);
        try (FragmentWriter w = new FragmentWriter(d.spec())) {
            d.readFragment(0, w);
            Fragment f = w.fragment();
            for (int j = 0; j < 4; j++) {
                // lane j's first decision is row j: record 0 the context, record 1 the action, reward, end
                assertEquals(j * 0.5f, f.obs(0, j, 0));
                assertEquals(-j, f.obs(0, j, 1));
                assertEquals(j % 3, f.actInts()[f.index(1, j)]);
                assertEquals(j % 2, f.rew(1, j));
                assertTrue(f.fin(1, j) && !f.trunc(1, j));
                assertEquals(j % 3 == 0 ? 0.5f : 0.25f, f.actorInfo("propensity").getFloat(0, j, 0));
                assertEquals((j + 4) * 0.5f, f.obs(1, j, 0), "record 1 already holds the lane's next context");
            }
            assertEquals(4, f.episodes().count());
        }
        assertEquals(10, TransitionSampler.load(d).size(), "one transition per decision; the padding is left out");
    }

    @Test
    void rlplaysOwnParquetStepTableImportsBack() throws Exception {
        Path recorded = tmp.resolve("recorded");
        List<String> original;
        try (Rollout r = org.rlplay.record.Recorder.wrap(org.rlplay.rollout.Rollouts.same(
                org.rlplay.env.EnvRegistry.makeVec("CartPole-v1", 3), (in, hx, virtual, o) -> {
                    for (int j = 0; j < in.numEnvs(); j++) {
                        o.actions().setDiscrete(j, (in.stepno(j) / 2 + j) % 2);
                    }
                    return null;
                }, org.rlplay.rollout.RolloutConfig.builder().length(16).seed(3).build()), recorded,
                org.rlplay.record.DatasetInfo.of("CartPole-v1", 3, 3))) {
            for (int k = 0; k < 4; k++) {
                r.next();
            }
        }
        Dataset source = Dataset.open(recorded);
        original = transitions(source);
        DatasetFile file = source.files().get(0);
        ColumnMapping m = ColumnMapping.defaults().with("nextObservation", "final_observation").with("propensity", null);
        Path out = tmp.resolve("imported");
        LogImport.Summary s = LogImport.run(config(file.path(), null, m, new Discrete(2), 16, 3), out);
        assertEquals(4 * 16 * 3, s.rows());
        assertEquals(3, s.open(), "each env's last episode is still running when the recording ends");
        List<String> imported = transitions(Dataset.open(out));
        // the running episodes' last steps have no logged s' (final_observation is set at episode ends only)
        assertEquals(original.size() - 3, imported.size());
        List<String> missing = new ArrayList<>(original);
        for (String t : imported) {
            assertTrue(missing.remove(t), "an imported transition that was not recorded: " + t);
        }
        assertEquals(3, missing.size());
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private String fails(Path log, ColumnMapping m, Space actions) {
        ImportException e = assertThrows(ImportException.class,
                () -> LogImport.run(config(log, null, m, actions, 0, 1), tmp.resolve("out-" + log.getFileName())));
        return e.getMessage();
    }

    @Test
    void inconsistentLogsAreErrorsNamingTheRow() throws Exception {
        ColumnMapping m = ColumnMapping.defaults().with("observation", "x").with("propensity", "p");
        String header = "episode_id,step,x,action,reward,terminated,p\n";
        String order = fails(write("order.csv", header + "1,0,0.5,0,1,false,0.5\n1,2,0.6,1,1,true,0.5\n"), m, new Discrete(2));
        assertTrue(order.startsWith("order.csv row 2: step 2 of episode 1 does not follow step 0 (order.csv row 1)"), order);
        String p = fails(write("p.csv", header + "1,0,0.5,0,1,false,0.5\n1,1,0.6,1,1,false,1.5\n"), m, new Discrete(2));
        assertTrue(p.startsWith("p.csv row 2: propensity 1.5 is outside (0, 1]"), p);
        String zero = fails(write("zero.csv", header + "1,0,0.5,0,1,false,0\n"), m, new Discrete(2));
        assertTrue(zero.startsWith("zero.csv row 1: propensity 0.0 is outside (0, 1]"), zero);
        String action = fails(write("action.csv", header + "1,0,0.5,0,1,false,0.5\n1,1,0.6,5,1,false,0.5\n"), m,
                new Discrete(3));
        assertTrue(action.startsWith("action.csv row 2: action 5 is outside the action space Discrete(3)"), action);
        String missing = fails(write("missing.csv", "episode_id,step,x,action,terminated,p\n1,0,0.5,0,false,0.5\n"), m,
                new Discrete(2));
        assertTrue(missing.startsWith("missing.csv row 1: no column 'reward'"), missing);
        String after = fails(write("after.jsonl", """
                {"episode_id": 4, "step": 0, "x": 0.1, "action": 1, "reward": 1, "terminated": true, "p": 0.5}
                {"episode_id": 4, "step": 1, "x": 0.2, "action": 1, "reward": 1, "terminated": false, "p": 0.5}
                """), m, new Discrete(2));
        assertTrue(after.startsWith("after.jsonl line 2: episode 4 continues after it ended at after.jsonl line 1"), after);
        String width = fails(write("width.jsonl", """
                {"episode_id": 4, "step": 0, "x": [0.1, 0.2], "action": 1, "reward": 1, "p": 0.5}
                {"episode_id": 4, "step": 1, "x": [0.2], "action": 1, "reward": 1, "p": 0.5}
                """), m, new Discrete(2));
        assertTrue(width.startsWith("width.jsonl line 2: an observation of 1 elements, earlier rows have 2"), width);
        ColumnMapping dist = m.with("probabilities", "probs");
        String sum = fails(write("sum.jsonl", """
                {"episode_id": 1, "step": 0, "x": 0.1, "action": 1, "reward": 1, "p": 0.5, "probs": [0.2, 0.5]}
                """), dist, new Discrete(2));
        assertTrue(sum.startsWith("sum.jsonl line 1: the logged distribution sums to 0.7"), sum);
        String disagree = fails(write("disagree.jsonl", """
                {"episode_id": 1, "step": 0, "x": 0.1, "action": 1, "reward": 1, "p": 0.5, "probs": [0.3, 0.7]}
                """), dist, new Discrete(2));
        assertTrue(disagree.startsWith("disagree.jsonl line 1: propensity 0.5 disagrees with the logged distribution's 0.7"),
                disagree);
        String packed = fails(write("packed.json", """
                {"type": "SampleBatch", "obs": "BCJNGGBAgtYAAAD3T4AFlcsAAAAA", "actions": [0], "rewards": [1.0]}
                """), ColumnMapping.rllib(), new Discrete(2));
        assertTrue(packed.startsWith("packed.json line 1, column 'obs': packed by RLlib's compression"), packed);
        assertTrue(packed.contains("compress_columns=[]"), packed);
    }

    @Test
    void aMappingFileOverridesTheDefaults() {
        ColumnMapping m = ColumnMapping.defaults().withJson("""
                {"episode": "session", "observation": ["x0", "x1"], "action": "arm", "propensity": null}""");
        assertEquals("session", m.episode());
        assertEquals(List.of("x0", "x1"), m.observation());
        assertEquals("arm", m.action());
        assertEquals(null, m.propensity());
        assertEquals("reward", m.reward());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ColumnMapping.defaults().withJson("{\"reward_col\": \"r\"}"));
        assertTrue(e.getMessage().contains("unknown mapping component 'reward_col'"), e.getMessage());
        assertArrayEquals(new int[0], new Discrete(2).shape());
    }
}
