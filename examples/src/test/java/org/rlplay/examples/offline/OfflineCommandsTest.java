package org.rlplay.examples.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.examples.Cli;
import org.rlplay.record.Dataset;

/** {@code rlplay record}, {@code train --data}, {@code ope} and {@code import} end to end, and their argument errors. */
class OfflineCommandsTest {
    @TempDir
    Path tmp;

    static Cli run(String... args) {
        return Cli.run(args);
    }

    private static double number(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+(-?[0-9.]+)").matcher(text);
        assertTrue(m.find(), "no '" + label + "' in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void recordThenTrainOfflineThenEstimateTheTrainedPolicysValue() throws Exception {
        Path data = tmp.resolve("data");
        Cli rec = run("record", "--policy", "heuristic", "--epsilon", "0.3", "--steps", "20000", "--envs", "8",
                "--seed", "2", "--no-fsync", "--out", data.toString());
        assertEquals(0, rec.code(), rec::toString);
        assertTrue(rec.out().contains("behaviour mean return"), rec::toString);
        Dataset dataset = Dataset.open(data);
        assertTrue(dataset.transitions() >= 20000);
        assertEquals("0.3", dataset.attributes().get("epsilon"));

        Path run = tmp.resolve("bc-run");
        Cli train = run("train", "--data", data.toString(), "--algo", "bc", "--steps", "1000", "--seed", "3",
                "--eval-episodes", "10", "--out", run.toString());
        assertEquals(0, train.code(), train::toString);
        assertTrue(train.out().contains("no env step") && train.out().contains("evaluation on CartPole-v1"), train::toString);
        assertTrue(Files.isDirectory(run.resolve("checkpoints")), train::toString);

        Path table = tmp.resolve("ope");
        Cli ope = run("ope", "--data", data.toString(), "--checkpoint", run.toString(), "--target-epsilon", "0.3",
                "--gamma", "0.95", "--measure", "300", "--bootstrap", "200", "--out", table.toString());
        assertEquals(0, ope.code(), ope::toString);
        System.out.print(rec.out() + train.out() + ope.out());
        double measured = number(ope.out(), "measured on the env:");
        JsonArray estimates = JsonParser.parseString(Files.readString(table.resolve("ope.json"))).getAsJsonObject()
                .getAsJsonArray("estimates");
        List<String> names = new ArrayList<>();
        for (JsonElement e : estimates) {
            JsonObject row = e.getAsJsonObject();
            names.add(row.get("estimator").getAsString());
            assertTrue(row.get("lower").getAsDouble() <= row.get("upper").getAsDouble(), row::toString);
            if (!row.get("estimator").getAsString().equals("pdis")) {
                assertEquals(measured, row.get("estimate").getAsDouble(), 0.1 * measured, row + "\n" + ope);
            }
        }
        assertEquals(List.of("pdis", "wpdis", "dr", "wdr", "fqe"), names);
    }

    @Test
    void argumentErrorsNameTheOption() {
        Cli both = run("record", "--policy", "heuristic", "--checkpoint", tmp.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, both.code(), both::toString);
        assertTrue(both.err().contains("exactly one of --checkpoint and --policy"), both::toString);
        Cli policy = run("record", "--policy", "clever", "--out", tmp.resolve("y").toString());
        assertEquals(2, policy.code(), policy::toString);
        assertTrue(policy.err().contains("--policy: expected heuristic or random"), policy::toString);
        Cli noCheckpoint = run("ope", "--data", tmp.toString());
        assertEquals(2, noCheckpoint.code(), noCheckpoint::toString);
        Path data = tmp.resolve("small");
        assertEquals(0, run("record", "--policy", "random", "--steps", "256", "--envs", "2", "--no-fsync",
                "--out", data.toString()).code());
        Cli online = run("train", "--data", data.toString(), "--algo", "ppo");
        assertEquals(2, online.code(), online::toString);
        assertTrue(online.err().contains("--algo ppo learns online, from an env; with --data use one of bc, cql, banditnet"),
                online::toString);
        Cli offline = run("train", "--algo", "bc");
        assertEquals(2, offline.code(), offline::toString);
        assertTrue(offline.err().contains("--algo bc learns from a recorded dataset: give --data DIR"), offline::toString);
    }

    @Test
    void importTurnsABanditLogIntoADatasetAndNamesTheBadRow() throws Exception {
        Path csv = tmp.resolve("decisions.csv");
        StringBuilder b = new StringBuilder("ctx0,ctx1,arm,clicked,p\n");
        for (int i = 0; i < 40; i++) {
            b.append(i % 5).append(',').append(i % 7).append(',').append(i % 3).append(',').append(i % 2).append(",0.25\n");
        }
        Files.writeString(csv, b);
        Path data = tmp.resolve("bandit");
        Cli ok = run("import", csv.toString(), "--out", data.toString(), "--actions", "3", "--observation",
                "ctx0,ctx1", "--action", "arm", "--reward", "clicked", "--propensity", "p", "--episode", "", "--step", "",
                "--envs", "8", "--partition", "date=2026-12-01");
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(ok.out().contains("40 steps in 40 episodes -> 5 fragments (T=1, N=8)"), ok::toString);
        Dataset d = Dataset.open(data);
        assertEquals(List.of("propensity"), d.layout().actorInfo().stream().map(c -> c.name()).toList());
        assertEquals("2026-12-01", d.files().get(0).partition().get("date"));
        Files.writeString(csv, b.append("1,2,7,1,0.25\n"));
        Cli bad = run("import", csv.toString(), "--out", tmp.resolve("bad").toString(), "--actions", "3",
                "--observation", "ctx0,ctx1", "--action", "arm", "--reward", "clicked", "--propensity", "p",
                "--episode", "", "--step", "");
        assertEquals(2, bad.code(), bad::toString);
        assertTrue(bad.err().contains("decisions.csv row 41: action 7 is outside the action space Discrete(3)"),
                bad::toString);
        Cli noSpace = run("import", csv.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, noSpace.code(), noSpace::toString);
        assertTrue(noSpace.err().contains("--actions N"), noSpace::toString);
    }
}
