package org.rlplay.examples.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.bandit.Bandits;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.env.space.Discrete;
import org.rlplay.examples.Cli;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * {@code rlplay train --data --algo banditnet} and {@code rlplay ope} on contextual-bandit logs of
 * {@code ContextualBandit-v0}, end to end through the command line: the learnt policy beats the
 * logging policy in true value (exact, from the env's reward function), the estimates find that
 * value, {@code --estimators} picks a subset, and bad input is one line with exit code 2.
 */
class OpeCommandTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    static Path trainLog;
    static Path evalLog;
    static Path run;
    static BanditLoggingPolicy behaviour;

    static Cli run(String... args) {
        return Cli.run(args);
    }

    /** Records {@code fragments} T = 1 fragments of 100 decisions of {@code actor} into {@code dir}. */
    static void record(Actor actor, int fragments, long seed, Path dir) {
        try (Rollout rollout = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec(Bandits.ID, 100), actor,
                RolloutConfig.builder().length(1).seed(seed).build()), dir, DatasetInfo.of(Bandits.ID, seed, 100),
                RecorderOptions.defaults().withFragmentsPerFile(100))) {
            for (int i = 0; i < fragments; i++) {
                rollout.next();
            }
        }
    }

    @BeforeAll
    static void learnFromALog() {
        behaviour = BanditLoggingPolicy.standard(Bandits.v0(), 8, 3);
        trainLog = shared.resolve("train-log");
        evalLog = shared.resolve("eval-log");
        record(behaviour, 200, 3, trainLog);
        record(BanditLoggingPolicy.standard(Bandits.v0(), 8, 3), 100, 4, evalLog);
        run = shared.resolve("banditnet");
        Cli train = run("train", "--data", trainLog.toString(), "--algo", "banditnet", "--steps", "1200", "--set",
                "hidden=32", "--set", "lambdas=0.5,0.8", "--seed", "3", "--eval-episodes", "50", "--progress", "off",
                "--out", run.toString());
        assertEquals(0, train.code(), train::toString);
        assertTrue(train.out().contains("evaluation on ContextualBandit-v0"), train::toString);
    }

    private static JsonArray estimates(Path dir) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("ope.json"))).getAsJsonObject();
        return json.getAsJsonArray("estimates");
    }

    private static JsonObject row(JsonArray estimates, String name) {
        for (JsonElement e : estimates) {
            if (e.getAsJsonObject().get("estimator").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no estimator " + name + " in " + estimates);
    }

    @Test
    void theLearntPolicyBeatsTheBehaviourAndEveryEstimatorRunsThroughTheCommandLine() throws IOException {
        ContextualBandit world = Bandits.v0();
        double learnt;
        try (CheckpointPolicy policy = CheckpointPolicy.load(run, world.observationSpace(), world.actionSpace());
             GreedyDistribution pi = new GreedyDistribution(policy.greedy(), world.observationSpace(),
                     (Discrete) world.actionSpace(), 0)) {
            double[] row = new double[world.actions()];
            learnt = world.trueValue((x, o) -> {
                pi.probabilities(x, 1, row);
                System.arraycopy(row, 0, o, 0, row.length);
            });
        }
        double logging = world.trueValue(behaviour);
        assertTrue(learnt > logging + 0.08, "learnt " + learnt + " vs behaviour " + logging);

        Path out = tmp.resolve("ope");
        Cli ope = run("ope", "--data", evalLog.toString(), "--checkpoint", run.toString(), "--bootstrap", "200",
                "--out", out.toString());
        assertEquals(0, ope.code(), ope::toString);
        System.out.print(ope.out());
        assertTrue(ope.out().contains(String.format("target's true value (exact, ContextualBandit-v0's reward function):"
                + " %.4f", learnt)), ope::toString);
        JsonArray rows = estimates(out);
        List<String> names = new ArrayList<>();
        rows.forEach(e -> names.add(e.getAsJsonObject().get("estimator").getAsString()));
        assertEquals(List.of("dm", "ips", "snips", "dr", "sndr", "switch-dr(10)", "clipped-ips(10)"), names);
        for (String name : List.of("ips", "snips", "dr", "sndr", "switch-dr(10)")) {
            JsonObject r = row(rows, name);
            assertEquals(learnt, r.get("estimate").getAsDouble(), 0.03, name + ": " + r);
            assertTrue(r.get("lower").getAsDouble() < r.get("upper").getAsDouble(), r::toString);
            assertTrue(r.get("effective_sample_size").getAsDouble() > 100, r::toString);
        }
        List<String> csv = Files.readAllLines(out.resolve("ope.csv"));
        assertEquals(8, csv.size(), csv::toString);
        assertTrue(csv.get(0).startsWith("estimator,estimate,lower,upper"), csv::toString);

        Cli eval = run("eval", "--checkpoint", run.toString(), "--episodes", "200");
        assertEquals(0, eval.code(), eval::toString);
    }

    @Test
    void estimatorsPicksASubsetAndAnUnknownNameListsTheValidOnes() throws IOException {
        Path out = tmp.resolve("subset");
        Cli ope = run("ope", "--data", evalLog.toString(), "--checkpoint", run.toString(), "--estimators",
                "snips,clipped-ips(5)", "--bootstrap", "50", "--out", out.toString());
        assertEquals(0, ope.code(), ope::toString);
        JsonArray rows = estimates(out);
        assertEquals(2, rows.size(), rows::toString);
        assertEquals("clipped-ips(5)", rows.get(1).getAsJsonObject().get("estimator").getAsString());

        Cli unknown = run("ope", "--data", evalLog.toString(), "--checkpoint", run.toString(), "--estimators",
                "snips,pdis");
        assertEquals(2, unknown.code(), unknown::toString);
        assertEquals(1, unknown.err().strip().lines().count(), unknown::toString);
        assertTrue(unknown.err().contains("--estimators: unknown estimator 'pdis' for a contextual-bandit log; valid: dm,"
                + " ips, snips, dr, sndr, switch-dr, clipped-ips"), unknown::toString);
        Cli measure = run("ope", "--data", evalLog.toString(), "--checkpoint", run.toString(), "--measure", "10");
        assertEquals(2, measure.code(), measure::toString);
        assertTrue(measure.err().contains("--measure runs episodes on the env"), measure::toString);
    }

    @Test
    void anImportedProductionLogTrainsWithoutAnEnvAndIsEvaluatedOffPolicy() throws IOException {
        Path csv = tmp.resolve("production.csv");
        StringBuilder b = new StringBuilder("x0,x1,x2,x3,x4,x5,x6,x7,arm,clicked,p\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        for (int i = 0; i < 2000; i++) {
            for (int f = 0; f < 8; f++) {
                b.append(String.format("%.3f,", random.nextDouble() - 0.5));
            }
            int arm = random.nextInt(5);
            b.append(arm).append(',').append(random.nextDouble() < 0.2 + 0.1 * arm ? 1 : 0).append(",0.2\n");
        }
        Files.writeString(csv, b);
        Path data = tmp.resolve("production");
        assertEquals(0, run("import", csv.toString(), "--out", data.toString(), "--actions", "5", "--observation",
                "x0,x1,x2,x3,x4,x5,x6,x7", "--action", "arm", "--reward", "clicked", "--propensity", "p", "--episode", "",
                "--step", "", "--envs", "8").code());
        Path learnt = tmp.resolve("production-run");
        Cli train = run("train", "--data", data.toString(), "--algo", "banditnet", "--steps", "400", "--set",
                "lambdas=0.4,0.6", "--progress", "off", "--out", learnt.toString());
        assertEquals(0, train.code(), train::toString);
        assertTrue(train.out().contains("no env 'imported' here to evaluate on"), train::toString);
        Path out = tmp.resolve("production-ope");
        Cli ope = run("ope", "--data", data.toString(), "--checkpoint", learnt.toString(), "--estimators",
                "ips,snips,dr", "--bootstrap", "100", "--out", out.toString());
        assertEquals(0, ope.code(), ope::toString);
        assertTrue(ope.out().contains("behaviour probabilities from 'propensity'"), ope::toString);
        // arm 4 pays best (0.6 against the log's 0.4): the learnt policy's estimates are above the log's mean
        double snips = row(estimates(out), "snips").get("estimate").getAsDouble();
        assertTrue(snips > 0.5, ope::toString);
    }

    /** Acts with action 0 and reports the constant {@code propensity} as its actor info: a broken logger. */
    static final class FixedPropensity implements Actor {
        private final float propensity;

        FixedPropensity(float propensity) {
            this.propensity = propensity;
        }

        @Override
        public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
            int n = in.numEnvs();
            for (int j = 0; !virtual && j < n; j++) {
                out.actions().setDiscrete(j, 0);
            }
            float[] p = new float[n];
            Arrays.fill(p, propensity);
            NDArray info = in.manager().create(p, new Shape(n));
            info.setName("propensity");
            out.info(new NDList(info));
            return null;
        }
    }

    private static void assertOneLine(Cli r, String expected) {
        assertEquals(2, r.code(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertTrue(r.err().contains(expected), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void aLogWithoutPropensitiesIsOneLine() throws IOException {
        Path csv = tmp.resolve("decisions.csv");
        StringBuilder b = new StringBuilder("x0,x1,x2,x3,x4,x5,x6,x7,arm,clicked\n");
        for (int i = 0; i < 40; i++) {
            b.append("0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,").append(i % 5).append(',').append(i % 2).append('\n');
        }
        Files.writeString(csv, b);
        Path data = tmp.resolve("no-propensities");
        Cli imported = run("import", csv.toString(), "--out", data.toString(), "--actions", "5", "--observation",
                "x0,x1,x2,x3,x4,x5,x6,x7", "--action", "arm", "--reward", "clicked", "--propensity", "", "--episode", "",
                "--step", "", "--envs", "8", "--env-id", Bandits.ID);
        assertEquals(0, imported.code(), imported::toString);
        assertOneLine(run("ope", "--data", data.toString(), "--checkpoint", run.toString()),
                "rlplay ope: --data " + data + ": the log has no propensities");
    }

    @Test
    void propensitiesOutsideZeroOneAreOneLine() {
        for (float p : new float[] {1.5f, 0f}) {
            Path data = tmp.resolve("propensity-" + p);
            record(new FixedPropensity(p), 3, 5, data);
            assertOneLine(run("ope", "--data", data.toString(), "--checkpoint", run.toString()),
                    "propensity " + (double) p + " is outside (0, 1]");
        }
    }

    @Test
    void aTargetOverOtherSpacesThanTheDatasetsIsOneLine() throws IOException {
        Path cartPole = tmp.resolve("cartpole");
        assertEquals(0, run("record", "--policy", "random", "--steps", "256", "--envs", "2", "--no-fsync", "--out",
                cartPole.toString()).code());
        Path bc = tmp.resolve("bc");
        Cli train = run("train", "--data", cartPole.toString(), "--algo", "bc", "--steps", "5", "--eval-episodes", "1",
                "--progress", "off", "--out", bc.toString());
        assertEquals(0, train.code(), train::toString);
        assertOneLine(run("ope", "--data", evalLog.toString(), "--checkpoint", bc.toString()),
                "the target policy's action space is Discrete(2), the dataset's is Discrete(5)");
        assertOneLine(run("ope", "--data", cartPole.toString(), "--checkpoint", run.toString()),
                "the target policy's action space is Discrete(5), the dataset's is Discrete(2)");

        Path csv = tmp.resolve("three.csv");
        StringBuilder b = new StringBuilder("x0,x1,x2,arm,clicked,p\n");
        for (int i = 0; i < 40; i++) {
            b.append("0.1,0.2,0.3,").append(i % 5).append(',').append(i % 2).append(",0.2\n");
        }
        Files.writeString(csv, b);
        Path three = tmp.resolve("three-features");
        assertEquals(0, run("import", csv.toString(), "--out", three.toString(), "--actions", "5", "--observation",
                "x0,x1,x2", "--action", "arm", "--reward", "clicked", "--propensity", "p", "--episode", "", "--step", "",
                "--envs", "8").code());
        assertOneLine(run("ope", "--data", three.toString(), "--checkpoint", run.toString()),
                "the target policy's observation space is");
    }
}
