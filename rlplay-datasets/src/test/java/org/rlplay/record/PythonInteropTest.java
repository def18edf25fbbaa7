package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.MultiDiscrete;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.gym.PythonRuntime;

/**
 * Reads recordings from Python with pyarrow and with DuckDB, in the project's managed venv
 * ({@link PythonRuntime}, pinned requirements), and compares every value with what Java wrote:
 * the step columns row by row, the footer metadata, the Hive partition column, uint8 images as
 * uint8, and the (s, a, r, s', done) view computed in SQL against the fragments' transitions.
 */
class PythonInteropTest {
    /** pyarrow: the dataset with its hive partitions, the footer metadata, the column types; printed as JSON. */
    static final String PYARROW = """
            import json, sys
            import pyarrow.dataset as ds, pyarrow.parquet as pq
            d = ds.dataset(sys.argv[1], format='parquet', partitioning='hive')
            t = d.to_table()
            meta = json.loads(pq.read_metadata(d.files[0]).metadata[b'rlplay'])
            cols = ['date', 'episode_id', 'step', 'observation', 'action', 'reward', 'terminated', 'truncated',
                    'final_observation', 'env', 'fragment', 'padding', 'episode_return']
            cols += [c for c in t.column_names if c.startswith('actor_')]
            out = {'files': [f.split('/')[-2] + '/' + f.split('/')[-1] for f in d.files], 'env_id': meta['env_id'],
                   'length': meta['length'], 'num_envs': meta['num_envs'], 'obs_space': meta['observation_space'],
                   'types': {c: str(t.schema.field(c).type) for c in t.column_names},
                   'rows': t.select(cols).to_pylist()}
            print(json.dumps(out, default=str))
            """;

    /** DuckDB: the transition view in SQL (s' = final_observation at episode ends, else the next row's observation). */
    static final String DUCKDB = """
            import json, sys, duckdb
            rows = duckdb.sql(f'''
                SELECT fragment, env,
                       record AS t,
                       observation AS s, action AS a, reward AS r,
                       coalesce(final_observation, end_observation,
                                lead(observation) OVER (PARTITION BY filename, fragment, env ORDER BY record)) AS s2,
                       terminated, truncated, padding, date
                FROM read_parquet('{sys.argv[1]}/**/*.parquet', hive_partitioning = true, filename = true,
                                  file_row_number = true)
                ORDER BY fragment, env, t''').fetchall()
            count = duckdb.sql(f"SELECT count(*), count(DISTINCT episode_id) FROM '{sys.argv[1]}/**/*.parquet'").fetchone()
            print(json.dumps({'rows': [[x if not isinstance(x, list) else list(x) for x in r] for r in rows],
                              'count': count[0], 'episodes': count[1]}, default=str))
            """;

    @TempDir
    Path tmp;

    private static JsonObject python(Path dir, String name, String script) throws Exception {
        Path file = dir.resolveSibling(dir.getFileName() + "-" + name + ".py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(PythonRuntime.python().toString(), file.toString(), dir.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> name + " failed:\n" + text);
        return JsonParser.parseString(text.lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
    }

    @Test
    void pyarrowAndDuckDbReadEveryStepAsJavaWroteIt() throws Exception {
        Path dir = tmp.resolve("scripted");
        List<FragmentWriter> recorded = RecorderReplayTest.record(dir, RecorderOptions.defaults(), false);
        String date = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        JsonObject py = python(dir, "pyarrow", PYARROW);
        assertEquals("Scripted-v0", py.get("env_id").getAsString());
        assertEquals(Fixtures.T, py.get("length").getAsInt());
        assertEquals(Fixtures.N, py.get("num_envs").getAsInt());
        assertEquals("Box", py.getAsJsonObject("obs_space").get("type").getAsString());
        assertEquals("list<element: float not null>", py.getAsJsonObject("types").get("observation").getAsString());
        assertEquals("int32", py.getAsJsonObject("types").get("action").getAsString());
        assertEquals("int64", py.getAsJsonObject("types").get("episode_id").getAsString());
        JsonArray rows = py.getAsJsonArray("rows");
        assertEquals(RecorderReplayTest.FRAGMENTS * Fixtures.T * Fixtures.N, rows.size());
        int r = 0;
        int ends = 0;
        for (FragmentWriter w : recorded) {
            Fragment f = w.fragment();
            for (int j = 0; j < f.numEnvs(); j++) {
                for (int t = 0; t < f.length(); t++, r++) {
                    JsonObject row = rows.get(r).getAsJsonObject();
                    String where = "row " + r + " (fragment " + f.sequence() + ", env " + j + ", t " + t + ")";
                    assertEquals(date, row.get("date").getAsString(), where);
                    assertEquals(f.stepno(t, j), row.get("step").getAsInt(), where + " step");
                    assertEquals(floats(f, "obs", t, j), floats(row.getAsJsonArray("observation")), where + " observation");
                    assertEquals(f.actInts()[f.index(t + 1, j)], row.get("action").getAsInt(), where + " action");
                    assertEquals(f.rew(t + 1, j), row.get("reward").getAsFloat(), where + " reward");
                    assertEquals(f.fin(t + 1, j) && !f.trunc(t + 1, j), row.get("terminated").getAsBoolean(), where);
                    assertEquals(f.trunc(t + 1, j), row.get("truncated").getAsBoolean(), where + " truncated");
                    assertEquals(f.envOffset() + j, row.get("env").getAsInt(), where + " env");
                    assertEquals(f.sequence(), row.get("fragment").getAsLong(), where + " fragment");
                    assertEquals(f.actorInfo("obsStep").getFloat(t, j, 0), row.get("actor_obsStep").getAsFloat(), where);
                    boolean end = !row.get("episode_return").isJsonNull();
                    if (end) {
                        ends++;
                        assertEquals(floats(f, "finalObs", t + 1, j), floats(row.getAsJsonArray("final_observation")),
                                where + " final_observation");
                    } else {
                        assertTrue(row.get("final_observation").isJsonNull(), where + " final_observation is null");
                    }
                    assertEquals(end, f.fin(t + 1, j), where + ": an episode ends here");
                }
            }
        }
        assertTrue(ends > 5, "the script ends episodes: " + ends);

        JsonObject duck = python(dir, "duckdb", DUCKDB);
        assertEquals(rows.size(), duck.get("count").getAsInt());
        JsonArray steps = duck.getAsJsonArray("rows");
        int i = 0;
        for (FragmentWriter w : recorded) {
            Fragment f = w.fragment();
            for (int j = 0; j < f.numEnvs(); j++) {
                for (int t = 0; t < f.length(); t++, i++) {
                    JsonArray s = steps.get(i).getAsJsonArray();
                    String where = "duckdb row " + i + " (fragment " + f.sequence() + ", env " + j + ", t " + t + ")";
                    assertEquals(f.sequence(), s.get(0).getAsLong(), where);
                    assertEquals(j, s.get(1).getAsInt(), where);
                    assertEquals(t, s.get(2).getAsInt(), where);
                    assertEquals(floats(f, "obs", t, j), floats(s.get(3).getAsJsonArray()), where + " s");
                    assertEquals(f.actInts()[f.index(t + 1, j)], s.get(4).getAsInt(), where + " a");
                    assertEquals(f.rew(t + 1, j), s.get(5).getAsFloat(), where + " r");
                    List<Double> next = floats(f, f.fin(t + 1, j) ? "finalObs" : "obs", t + 1, j);
                    assertEquals(next, floats(s.get(6).getAsJsonArray()), where + " s' (the Java transition view's)");
                    assertEquals(f.fin(t + 1, j) && !f.trunc(t + 1, j), s.get(7).getAsBoolean(), where + " done");
                    assertEquals(date, s.get(10).getAsString(), where + " date partition");
                }
            }
        }
        recorded.forEach(FragmentWriter::close);
    }

    @Test
    void uint8ImagesReadAsUint8InBothAndEqualJavasBytes() throws Exception {
        Box image = new Box(new float[6], filled(6, 255), new int[] {2, 3}, ElementType.UINT8);
        FragmentSpec spec = new FragmentSpec(TypedRoundTripTest.T, TypedRoundTripTest.N, image, new MultiDiscrete(3, 4),
                List.of("a", "b"), true);
        Path dir = tmp.resolve("images");
        List<FragmentWriter> written = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             Recorder recorder = Recorder.create(dir, spec, DatasetInfo.of("Image-v0", 1, spec.numEnvs()))) {
            SplittableRandom rng = new SplittableRandom(11);
            for (long k = 0; k < 2; k++) {
                FragmentWriter w = new FragmentWriter(spec);
                TypedRoundTripTest.fill(w, k, rng, m);
                recorder.write(w.fragment());
                written.add(w);
            }
        }
        JsonObject py = python(dir, "pyarrow", PYARROW);
        assertEquals("list<element: uint8 not null>", py.getAsJsonObject("types").get("observation").getAsString());
        assertEquals("uint8", py.getAsJsonObject("types").get("actor_pixel").getAsString());
        JsonArray rows = py.getAsJsonArray("rows");
        int r = 0;
        for (FragmentWriter w : written) {
            Fragment f = w.fragment();
            Column obs = f.column("obs");
            for (int j = 0; j < f.numEnvs(); j++) {
                for (int t = 0; t < f.length(); t++, r++) {
                    JsonArray values = rows.get(r).getAsJsonObject().getAsJsonArray("observation");
                    for (int e = 0; e < obs.width(); e++) {
                        assertEquals(((byte[]) obs.array())[obs.offset(t, j) + e] & 0xff, values.get(e).getAsInt(),
                                "row " + r + " pixel " + e);
                    }
                }
            }
        }
        JsonObject duck = python(dir, "duckdb", DUCKDB);
        assertEquals(rows.size(), duck.get("count").getAsInt());
        written.forEach(FragmentWriter::close);
    }

    private static List<Double> floats(Fragment f, String column, int t, int j) {
        Column c = f.column(column);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < c.width(); i++) {
            v.add((double) c.getFloat(t, j, i));
        }
        return v;
    }

    private static List<Double> floats(JsonArray a) {
        List<Double> v = new ArrayList<>();
        for (JsonElement x : a) {
            v.add((double) x.getAsFloat());
        }
        return v;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
