package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.space.Box;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.Column;

/**
 * Opens recorded datasets from Python with numpy alone ({@code numpy.load}, {@code json},
 * {@code zlib}) and checks every array's dtype, shape and values against what Java wrote.
 */
class PythonInteropTest {
    /** Loads every chunk of the dataset in argv[1] with numpy and prints them as JSON. */
    static final String READER = """
            import json, sys, zlib
            import numpy as np
            d = sys.argv[1]
            with open(d + '/manifest.json') as fh:
                m = json.load(fh)
            out = {'env_id': m['env_id'], 'T': m['length'], 'N': m['num_envs'],
                   'obs_low': [str(x) for x in m['observation_space']['low']],
                   'obs_high': [str(x) for x in m['observation_space']['high']], 'chunks': []}
            for c in m['chunks']:
                with open(d + '/' + c['file'], 'rb') as fh:
                    raw = fh.read()
                assert len(raw) == c['bytes'], (c['file'], len(raw), c['bytes'])
                assert '%08x' % zlib.crc32(raw) == c['crc32'], c['file']
                with np.load(d + '/' + c['file']) as z:
                    for f in m['fields']:
                        a = z[f['name']]
                        assert a.dtype.str == f['dtype'] and list(a.shape) == f['shape'], (f, a.dtype.str, a.shape)
                    # the transition view, in numpy alone: next obs is final_obs where the episode ended
                    nxt = np.where(z['fin'][1:, :, None], z['final_obs'][1:], z['obs'][1:])
                    arrays = {k: {'dtype': z[k].dtype.str, 'shape': list(z[k].shape),
                                  'values': z[k].ravel().tolist()} for k in z.files}
                    arrays['next_obs'] = {'dtype': nxt.dtype.str, 'shape': list(nxt.shape), 'values': nxt.ravel().tolist()}
                    out['chunks'].append(arrays)
            print(json.dumps(out))
            """;

    @TempDir
    Path tmp;

    private static JsonObject readWithNumpy(Path dir) throws Exception {
        Path script = dir.resolveSibling(dir.getFileName() + "-reader.py");
        Files.writeString(script, READER);
        String out = PythonNumpy.run(List.of(PythonNumpy.interpreter(), script.toString(), dir.toString()), 120);
        return JsonParser.parseString(out.lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
    }

    @Test
    void numpyReadsEveryArrayAsJavaWroteIt() throws Exception {
        Path dir = tmp.resolve("scripted");
        List<FragmentWriter> recorded = RecorderReplayTest.record(dir, RecorderOptions.defaults(), false);
        JsonObject py = readWithNumpy(dir);
        assertEquals("Scripted-v0", py.get("env_id").getAsString());
        JsonArray chunks = py.getAsJsonArray("chunks");
        assertEquals(recorded.size(), chunks.size());
        for (int k = 0; k < recorded.size(); k++) {
            Fragment f = recorded.get(k).fragment();
            JsonObject arrays = chunks.get(k).getAsJsonObject();
            Map<String, Expected> expected = expected(f);
            assertEquals(expected.keySet(), withoutDerived(arrays.keySet()), "chunk " + k + " array names");
            for (Map.Entry<String, Expected> e : expected.entrySet()) {
                String where = "chunk " + k + " array " + e.getKey();
                JsonObject a = arrays.getAsJsonObject(e.getKey());
                assertEquals(e.getValue().dtype, a.get("dtype").getAsString(), where + " dtype");
                assertEquals(e.getValue().shape, longs(a.getAsJsonArray("shape")), where + " shape");
                assertEquals(e.getValue().values, doubles(a.getAsJsonArray("values")), where + " values");
            }
            assertEquals(nextObs(f), doubles(arrays.getAsJsonObject("next_obs").getAsJsonArray("values")),
                    "chunk " + k + ": numpy's next observations are the Java transition view's");
        }
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void numpyReadsInfiniteBoundsAndContinuousActions() throws Exception {
        Path dir = tmp.resolve("continuous");
        Box obs = Box.of(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2);
        Box act = Box.of(-2f, 2f, 2);
        FragmentSpec spec = new FragmentSpec(2, 1, obs, act, List.of(), true);
        try (FragmentWriter w = new FragmentWriter(spec);
             Recorder recorder = Recorder.create(dir, spec, DatasetInfo.of("Continuous-v0", 3, 1))) {
            Fragment f = w.fragment();
            for (int i = 0; i < f.actFloats().length; i++) {
                f.actFloats()[i] = -1.5f + i;
                f.obs()[i] = 0.1f * i;
            }
            recorder.write(f);
        }
        JsonObject py = readWithNumpy(dir);
        assertEquals(List.of("-inf", "-inf"), strings(py.getAsJsonArray("obs_low")));
        assertEquals(List.of("inf", "inf"), strings(py.getAsJsonArray("obs_high")));
        JsonObject a = py.getAsJsonArray("chunks").get(0).getAsJsonObject().getAsJsonObject("act");
        assertEquals("<f4", a.get("dtype").getAsString());
        assertEquals(List.of(3L, 1L, 2L), longs(a.getAsJsonArray("shape")));
        assertEquals(List.of(-1.5, -0.5, 0.5, 1.5, 2.5, 3.5), doubles(a.getAsJsonArray("values")));
    }

    private static java.util.Set<String> withoutDerived(java.util.Set<String> keys) {
        java.util.Set<String> s = new java.util.TreeSet<>(keys);
        s.remove("next_obs");
        return s;
    }

    private record Expected(String dtype, List<Long> shape, List<Double> values) {
    }

    /** What numpy must see in the chunk of fragment {@code f}, computed from the Java fragment. */
    private static Map<String, Expected> expected(Fragment f) {
        int t1 = f.length() + 1;
        int n = f.numEnvs();
        Map<String, Expected> m = new java.util.TreeMap<>();
        m.put("stepno", new Expected("<i4", List.of((long) t1, (long) n), ints(f.stepno())));
        m.put("obs", new Expected("<f4", List.of((long) t1, (long) n, 3L), floats(f.obs())));
        m.put("act", new Expected("<i4", List.of((long) t1, (long) n), ints(f.actInts())));
        m.put("rew", new Expected("<f4", List.of((long) t1, (long) n), floats(f.rew())));
        m.put("fin", new Expected("|b1", List.of((long) t1, (long) n), bools(f.fin())));
        m.put("trunc", new Expected("|b1", List.of((long) t1, (long) n), bools(f.trunc())));
        m.put("final_obs", new Expected("<f4", List.of((long) t1, (long) n, 3L), floats(f.finalObs())));
        m.put("env_info", new Expected("<f4", List.of((long) f.length(), (long) n, 1L), floats(f.envInfo())));
        for (Column c : f.actorInfo()) {
            List<Double> v = new ArrayList<>();
            for (int t = 0; t < t1; t++) {
                for (int j = 0; j < n; j++) {
                    v.add(Double.valueOf(c.getFloat(t, j, 0)));
                }
            }
            m.put("actor." + c.name(), new Expected("<f4", List.of((long) t1, (long) n), v));
        }
        if (f.hx() != null) {
            m.put("hx.0", new Expected("<f4", List.of(1L, (long) n), floats(f.hx().get(0).toFloatArray())));
        }
        m.put("sequence", new Expected("<i8", List.of(), List.of((double) f.sequence())));
        m.put("actor_version", new Expected("<i8", List.of(), List.of((double) f.actorVersion())));
        m.put("collector", new Expected("<i8", List.of(), List.of((double) f.collector())));
        m.put("env_offset", new Expected("<i8", List.of(), List.of((double) f.envOffset())));
        Episodes e = f.episodes();
        List<Double> env = new ArrayList<>();
        List<Double> record = new ArrayList<>();
        List<Double> length = new ArrayList<>();
        List<Double> ret = new ArrayList<>();
        List<Double> trunc = new ArrayList<>();
        for (int i = 0; i < e.count(); i++) {
            env.add(Double.valueOf(e.env(i)));
            record.add(Double.valueOf(e.record(i)));
            length.add(Double.valueOf(e.length(i)));
            ret.add(e.episodeReturn(i));
            trunc.add(e.truncated(i) ? 1.0 : 0.0);
        }
        List<Long> count = List.of(Long.valueOf(e.count()));
        m.put("episodes.env", new Expected("<i4", count, env));
        m.put("episodes.record", new Expected("<i4", count, record));
        m.put("episodes.length", new Expected("<i4", count, length));
        m.put("episodes.return", new Expected("<f8", count, ret));
        m.put("episodes.truncated", new Expected("|b1", count, trunc));
        assertTrue(e.count() > 0 || f.sequence() == 0, "the scripted envs end episodes in every fragment but the first");
        return new LinkedHashMap<>(m);
    }

    /** obs[t+1], or finalObs[t+1] where fin[t+1], for t < T: the Java side of numpy's next_obs. */
    private static List<Double> nextObs(Fragment f) {
        List<Double> v = new ArrayList<>();
        for (int t = 1; t <= f.length(); t++) {
            for (int j = 0; j < f.numEnvs(); j++) {
                for (int i = 0; i < 3; i++) {
                    v.add((double) (f.fin(t, j) ? f.finalObs(t, j, i) : f.obs(t, j, i)));
                }
            }
        }
        return v;
    }

    private static List<Double> ints(int[] a) {
        List<Double> v = new ArrayList<>();
        for (int x : a) {
            v.add((double) x);
        }
        return v;
    }

    private static List<Double> floats(float[] a) {
        List<Double> v = new ArrayList<>();
        for (float x : a) {
            v.add((double) x);
        }
        return v;
    }

    private static List<Double> bools(boolean[] a) {
        List<Double> v = new ArrayList<>();
        for (boolean x : a) {
            v.add(x ? 1.0 : 0.0);
        }
        return v;
    }

    private static List<Long> longs(JsonArray a) {
        List<Long> v = new ArrayList<>();
        a.forEach(x -> v.add(x.getAsLong()));
        return v;
    }

    private static List<Double> doubles(JsonArray a) {
        List<Double> v = new ArrayList<>();
        for (JsonElement x : a) {
            v.add(x.getAsJsonPrimitive().isBoolean() ? (x.getAsBoolean() ? 1.0 : 0.0) : x.getAsDouble());
        }
        return v;
    }

    private static List<String> strings(JsonArray a) {
        List<String> v = new ArrayList<>();
        a.forEach(x -> v.add(x.getAsString()));
        return v;
    }
}
