package org.rlplay.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rlplay.algos.ope.FittedQEvaluation;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.bandit.CrossFittedRewardModel;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.offline.CheckpointTarget;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.record.DatasetException;
import org.rlplay.record.PartitionFilter;
import org.rlplay.spark.BatchScoring;
import org.rlplay.spark.DatasetFrames;
import org.rlplay.spark.DatasetStatistics;
import org.rlplay.spark.SparkJobs;
import org.rlplay.spark.SparkOpe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay spark stats|ope|score}: the Spark jobs of {@code rlplay-spark} on the command line.
 * Each builds its session with {@link SparkJobs#session(String)} (the active one, spark-submit's
 * master, else {@code --master}, default {@code local[*]}), runs one job on the calling thread and
 * stops the session it built. A problem the job finds in the data (no propensities, not a bandit
 * log, a probability outside (0, 1]) is reported as a {@link DatasetException} naming the first
 * dataset directory; a Spark that cannot start (the {@code --add-opens} flags missing) is a
 * {@link SparkStartException}.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = "Spark jobs over datasets: per-day statistics, off-policy evaluation, batch scoring.",
        subcommands = {SparkCommand.Stats.class, SparkCommand.Ope.class, SparkCommand.Score.class})
public final class SparkCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new UsageException("a subcommand is required: stats, ope or score");
    }

    /** The options every Spark subcommand shares. */
    static final class SparkOptions {
        @Option(names = "--master", defaultValue = "local[*]", description = "Spark master when not set by spark-submit"
                + " (default: ${DEFAULT-VALUE}).")
        String master;

        /** Runs {@code job} on a session, stopping the session if this call built it. */
        <T> T run(java.util.function.Function<SparkSession, T> job) {
            boolean existed = SparkSession.getActiveSession().isDefined();
            SparkSession spark;
            try {
                spark = SparkJobs.session(master);
            } catch (IllegalAccessError | ExceptionInInitializerError | NoClassDefFoundError e) {
                throw new SparkStartException(e);
            } catch (RuntimeException e) {
                if (e instanceof java.lang.reflect.InaccessibleObjectException
                        || String.valueOf(e.getMessage()).contains("module java.base")) {
                    throw new SparkStartException(e);
                }
                throw e;
            }
            try {
                return job.apply(spark);
            } finally {
                if (!existed) {
                    spark.stop();
                }
            }
        }
    }

    /** The dataset options of stats and ope. */
    static final class DataOptions {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset directory (repeatable).")
        List<Path> data;

        @Option(names = "--partition", paramLabel = "KEY=FROM[..TO]", description = "Only these Hive partitions, e.g."
                + " date=2026-12-01..2026-12-07.")
        String partition;

        PartitionFilter filter() {
            if (partition == null) {
                return PartitionFilter.all();
            }
            int eq = partition.indexOf('=');
            if (eq <= 0 || eq == partition.length() - 1) {
                throw new UsageException("--partition " + partition + ": expected KEY=VALUE or KEY=FROM..TO");
            }
            String key = partition.substring(0, eq);
            String value = partition.substring(eq + 1);
            int dots = value.indexOf("..");
            return dots < 0 ? PartitionFilter.equal(key, value)
                    : PartitionFilter.between(key, value.substring(0, dots), value.substring(dots + 2));
        }

        /** The frames, with the data problems a task finds turned into a dataset error. */
        <T> T run(SparkSession spark, java.util.function.Function<DatasetFrames, T> job) {
            DatasetFrames frames = DatasetFrames.open(spark, data, filter());
            try {
                return job.apply(frames);
            } catch (UsageException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new DatasetException(data.get(0), e.getMessage(), e);
            }
        }
    }

    /** {@code rlplay spark stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Per-partition (per-day) statistics: steps, episodes, returns, lengths, actions, propensities.")
    static final class Stats implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DataOptions data;
        @Option(names = "--behaviour-info", defaultValue = "probs", description = "The actor info with the behaviour's"
                + " probabilities, for the propensity range; 'none' to skip (default: ${DEFAULT-VALUE}).")
        String behaviourInfo;
        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Row> rows = spark.run(s -> data.run(s, frames -> {
                String column = behaviourInfo.equals("none") ? null : behaviourInfo;
                return DatasetStatistics.perPartition(frames, column).collectAsList();
            }));
            if (rows.isEmpty()) {
                out.println("no steps");
                out.flush();
                return 0;
            }
            List<String> names = Arrays.asList(rows.get(0).schema().fieldNames());
            out.println(String.join("  ", names));
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    Object v = r.get(i);
                    cells.add(v instanceof Double d ? String.format("%.4f", d)
                            : v instanceof scala.collection.Map<?, ?> ? new java.util.TreeMap<>(r.getJavaMap(i)).toString()
                            : String.valueOf(v));
                }
                out.println(String.join("  ", cells));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code rlplay spark ope}. */
    @Command(name = "ope", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Off-policy evaluation of a checkpoint over a whole dataset, distributed: a contextual-bandit"
                    + " log (T = 1) with ips, snips, clipped-ips(CAP) and, with a reward model fitted on the driver, dm, dr,"
                    + " sndr, switch-dr(TAU); episodes with pdis, wpdis and, with a fitted Q fitted on the driver, dr, wdr.")
    static final class Ope implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        DataOptions data;
        @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "The target policy's checkpoint"
                + " (a path the executors can read).")
        Path checkpoint;
        @Option(names = "--target-epsilon", defaultValue = "0", description = "Evaluate the epsilon-greedy version of the"
                + " target (default: ${DEFAULT-VALUE}).")
        double targetEpsilon;
        @Option(names = "--estimators", split = ",", description = "Estimators (default: ips, snips, clipped-ips(10)"
                + " for a bandit log; pdis, wpdis for episodes).")
        List<String> estimators;
        @Option(names = "--gamma", defaultValue = "0.99", description = "Discount, for episodes (default: ${DEFAULT-VALUE}).")
        double gamma;
        @Option(names = "--behaviour-info", defaultValue = "probs", description = "The actor info column with the"
                + " behaviour's distribution or propensity (default: ${DEFAULT-VALUE}).")
        String behaviourInfo;
        @Option(names = "--resamples", defaultValue = "200", description = "Bootstrap resamples of the intervals (default:"
                + " ${DEFAULT-VALUE}).")
        int resamples;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the bootstrap and of the reward model or fitted Q"
                + " (default: ${DEFAULT-VALUE}).")
        long seed;
        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() {
            if (!(targetEpsilon >= 0 && targetEpsilon <= 1)) {
                throw new UsageException("--target-epsilon must be in [0, 1], got " + targetEpsilon);
            }
            if (resamples < 2) {
                throw new UsageException("--resamples must be >= 2, got " + resamples);
            }
            IntervalMethod interval = IntervalMethod.bootstrap(resamples, 0.95, seed);
            CheckpointTarget target = new CheckpointTarget(checkpoint.toAbsolutePath().toString(), targetEpsilon);
            Checkpoint.open(checkpoint);
            PrintWriter out = spec.commandLine().getOut();
            long start = System.nanoTime();
            String[] kind = new String[1];
            long[] count = new long[1];
            List<OffPolicyEstimate> estimates = spark.run(s -> data.run(s, frames -> {
                boolean bandit = frames.dataset().spec().length() == 1;
                kind[0] = bandit ? "decisions (contextual-bandit log, T = 1)" : "steps of episodes, gamma " + gamma;
                count[0] = frames.dataset().transitions();
                List<String> names = estimators != null ? estimators
                        : bandit ? List.of("ips", "snips", "clipped-ips(10)") : List.of("pdis", "wpdis");
                return bandit ? SparkOpe.bandit(frames, behaviourInfo, target, names, interval,
                        CrossFittedRewardModel.Settings.defaults(seed))
                        : SparkOpe.episodes(frames, behaviourInfo, target, gamma, names, interval,
                        FittedQEvaluation.Settings.defaults(gamma, seed));
            }));
            out.printf("spark ope of %s (epsilon %.2f) from %s: %,d %s, %.1f s%n", checkpoint, targetEpsilon, data.data,
                    count[0], kind[0], (System.nanoTime() - start) / 1e9);
            out.printf("  %-16s %10s %21s %10s  %s%n", "estimator", "estimate", "95% interval (boot.)", "ess", "warnings");
            for (OffPolicyEstimate e : estimates) {
                out.printf("  %-16s %10.4f   [%8.4f, %8.4f] %10.1f  %s%n", e.estimator(), e.value(), e.lower(), e.upper(),
                        e.weights().effectiveSampleSize(), String.join("; ", e.warnings()));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code rlplay spark score}. */
    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Batch scoring: a checkpoint's action and probabilities for every row of a Parquet table of"
                    + " observations, written as Parquet.")
    static final class Score implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--input", required = true, paramLabel = "PATH", description = "The Parquet table (file or directory).")
        String input;
        @Option(names = "--observation-column", defaultValue = "observation", description = "The column holding each"
                + " row's observation, a list of numbers (default: ${DEFAULT-VALUE}).")
        String column;
        @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "The policy's checkpoint.")
        Path checkpoint;
        @Option(names = "--target-epsilon", defaultValue = "0", description = "Score with the epsilon-greedy version"
                + " (default: ${DEFAULT-VALUE}).")
        double epsilon;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the drawn actions (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The output Parquet directory (replaced).")
        String outDir;
        @Mixin
        SparkOptions spark;

        @Override
        public Integer call() {
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new UsageException("--target-epsilon must be in [0, 1], got " + epsilon);
            }
            Space[] spaces = Envs.spaces(Checkpoint.open(checkpoint).state().env());
            if (!(spaces[1] instanceof Discrete actions) || actions.start() != 0) {
                throw new UsageException("--checkpoint " + checkpoint + ": scoring needs a Discrete(n) action space, the"
                        + " checkpoint's env has " + spaces[1]);
            }
            CheckpointTarget target = new CheckpointTarget(checkpoint.toAbsolutePath().toString(), epsilon);
            long start = System.nanoTime();
            long rows = spark.run(s -> {
                try {
                    BatchScoring.scoreParquet(s, input, column, spaces[0], actions, target, seed, outDir);
                } catch (UsageException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(Path.of(input), e.getMessage(), e);
                }
                return s.read().parquet(outDir).count();
            });
            PrintWriter out = spec.commandLine().getOut();
            out.printf("spark score: %,d rows of %s through %s -> %s (columns policy_probs, policy_action, policy_propensity), %.1f s%n", rows,
                    input, checkpoint, outDir, (System.nanoTime() - start) / 1e9);
            out.flush();
            return 0;
        }
    }
}
