package org.rlplay.examples.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.bandit.Bandits;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.examples.BanditNet;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** BanditNet learns a better policy than the logging one from the log alone; the OPE table reports it. */
class BanditLearningTest {
    @TempDir
    Path tmp;

    static LoggedDecisions log(BanditLoggingPolicy behaviour, int fragments, long seed) {
        try (Rollout rollout = Rollouts.same(EnvRegistry.makeVec(Bandits.ID, 100), behaviour,
                RolloutConfig.builder().length(1).seed(seed).build())) {
            return LoggedDecisions.collect(() -> new Iterator<Fragment>() {
                int taken;

                @Override
                public boolean hasNext() {
                    return taken < fragments;
                }

                @Override
                public Fragment next() {
                    taken++;
                    return rollout.next();
                }
            }, BanditLoggingPolicy.PROBS);
        }
    }

    @Test
    void banditNetBeatsTheLoggingPolicyAndTheEstimatesFindItsTrueValue() throws IOException {
        ContextualBandit world = Bandits.v0();
        BanditLoggingPolicy behaviour = BanditLoggingPolicy.standard(world, 8, 3);
        LoggedDecisions data = log(behaviour, 200, 3);
        LoggedDecisions train = data.rows(0, 10_000);
        LoggedDecisions test = data.rows(10_000, 20_000);
        BanditNet.Hyperparameters h = new BanditNet.Hyperparameters(512, 3e-3f, 1f, new int[] {32},
                new double[] {0.5, 0.8}, 0.2);
        StringWriter progress = new StringWriter();
        BanditNet.Result learnt = BanditNet.train(train, h, 600, 3, new PrintWriter(progress));
        try (NDManager manager = NDManager.newBaseManager(); var nets = learnt.networks()) {
            ActionDistribution pi = ActionDistribution.fromLogitsBlock(nets.get("policy"), 8, manager);
            double[] row = new double[5];
            double learntValue = world.trueValue((x, out) -> {
                pi.probabilities(x, 1, row);
                double sum = row[0] + row[1] + row[2] + row[3] + row[4];
                for (int a = 0; a < 5; a++) {
                    out[a] = row[a] / sum;
                }
            });
            double behaviourValue = world.trueValue(behaviour);
            String report = String.format("behaviour %.4f, learnt %.4f (lambda %.2f, held-out snips %.4f), best %.4f%n%s",
                    behaviourValue, learntValue, learnt.lambda(), learnt.heldOutSnips(), world.optimalValue(), progress);
            System.out.println(report);
            assertTrue(learntValue > behaviourValue + 0.08, report);
            assertTrue(learntValue <= world.optimalValue(), report);
            BanditEvaluation e = BanditEvaluation.of(test.log(), test.target(pi));
            List<OffPolicyEstimate> estimates = List.of(
                    BanditEstimator.byName("ips").estimate(e, IntervalMethod.bootstrap(400, 0.95, 1)),
                    BanditEstimator.byName("SNIPS").estimate(e, IntervalMethod.bootstrap(400, 0.95, 1)));
            for (OffPolicyEstimate x : estimates) {
                assertTrue(x.lower() <= learntValue && learntValue <= x.upper(), x + "\n" + report);
            }
            OpeTable table = new OpeTable("learnt policy", estimates);
            StringWriter printed = new StringWriter();
            table.print(new PrintWriter(printed));
            assertTrue(printed.toString().contains("ips") && printed.toString().contains("snips"), printed.toString());
            List<Path> files = table.write(tmp.resolve("ope"));
            List<String> csv = Files.readAllLines(files.get(0));
            assertEquals(String.join(",", OpeTable.HEADER), csv.get(0));
            assertEquals(3, csv.size());
            assertTrue(csv.get(1).startsWith("ips," + estimates.get(0).value() + ","), csv.get(1));
            JsonObject json = JsonParser.parseString(Files.readString(files.get(1))).getAsJsonObject();
            assertEquals("learnt policy", json.get("title").getAsString());
            assertEquals(estimates.get(1).upper(),
                    json.getAsJsonArray("estimates").get(1).getAsJsonObject().get("upper").getAsDouble(), 0);
            assertEquals(estimates.get(1).weights().effectiveSampleSize(), json.getAsJsonArray("estimates").get(1)
                    .getAsJsonObject().get("effective_sample_size").getAsDouble(), 0);
        }
    }
}
