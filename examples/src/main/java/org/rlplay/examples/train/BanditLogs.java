package org.rlplay.examples.train;

import java.nio.file.Path;
import java.util.List;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.record.ReplayOptions;
import org.rlplay.record.ingest.LogImport;
import org.rlplay.rollout.Rollout;

/**
 * Contextual-bandit logs among datasets, for {@code rlplay ope} and {@code train --algo banditnet}:
 * whether a dataset is one (every episode lasts one step, so every record starts an episode:
 * {@code stepno} is 0 throughout, DESIGN.md section 7), which actor info column holds the
 * behaviour's probabilities, and its decisions. Bad logs are {@link UsageException}s of one line
 * naming {@code --data}. Stateless; runs on the caller's thread.
 */
public final class BanditLogs {
    private BanditLogs() {
    }

    /** Whether {@code dataset} is a contextual-bandit log: no record of any fragment has a step number above 0. */
    public static boolean isBanditLog(Dataset dataset) {
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (Fragment f : replay) {
                for (int s : f.stepno()) {
                    if (s > 0) {
                        return false;
                    }
                }
            }
        }
        return dataset.numFragments() > 0;
    }

    /**
     * The actor info column of the behaviour's probabilities: {@code preferred} if the dataset has
     * it, else {@value LogImport#PROPENSITY} (what {@code rlplay import --propensity} writes), else
     * {@value LogImport#PROBS}.
     *
     * @throws UsageException if the dataset has none of them (a log without propensities)
     */
    public static String behaviourColumn(Dataset dataset, Path dir, String preferred) {
        List<String> names = dataset.layout().actorInfo().stream().map(ColumnSpec::name).toList();
        for (String name : List.of(preferred, LogImport.PROPENSITY, LogImport.PROBS)) {
            if (names.contains(name)) {
                return name;
            }
        }
        throw new UsageException("--data " + dir + ": the log has no propensities (no actor info column '" + preferred
                + "' or '" + LogImport.PROPENSITY + "', it has " + names + "); log the behaviour's probabilities"
                + " (rlplay import --propensity COL) or name the column with --behaviour-info");
    }

    /**
     * Every decision of the bandit log {@code dataset}, with the behaviour's probabilities from
     * {@code column}.
     *
     * @throws UsageException naming {@code --data} and the first bad row: a propensity outside
     *     (0, 1], a distribution that is not one, an episode of more than one step
     */
    public static LoggedDecisions read(Dataset dataset, Path dir, String column) {
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            return LoggedDecisions.collect(replay, column);
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--data " + dir + ": " + e.getMessage());
        }
    }
}
