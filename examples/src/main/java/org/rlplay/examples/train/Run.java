package org.rlplay.examples.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.rlplay.actor.Actor;
import org.rlplay.algos.state.Resumable;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.kafka.KafkaSettings;
import org.rlplay.rollout.EpisodeWindow;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;

/**
 * Everything a training loop shares with the other algorithms and that is not the algorithm: the
 * budget, the rollout mode, the progress bar, the metrics CSV, the checkpoints and the final
 * learning curve. An online algorithm's loop asks it for a rollout and an optimizer, and calls
 * {@link #endIteration(Fragment)} after learning from each fragment:
 * <pre>{@code
 * GradientStep adam = run.adam(lr, anneal, eps, maxGradNorm);
 * try (Rollout rollout = run.rollout(numEnvs, length, "policy", (block, c) -> new CategoricalActor(block, ...))) {
 *     for (Fragment f : rollout) {
 *         ... loss, backward, adam.step() ...
 *         rollout.publish();
 *         run.log("loss", loss);
 *         if (!run.endIteration(f)) break;
 *     }
 * }
 * }</pre>
 * An offline algorithm reads {@link #dataset()} and calls {@link #endUpdate()} after each update.
 *
 * <h2>Resuming</h2>
 * A checkpoint saves, next to the weights, every piece of training state the run knows of
 * ({@link Resumable}): the optimizer of {@link #adam}, whatever the loop registers with
 * {@link #keep} (a shuffling or sampling generator), the run's own counters, pending metric sums
 * and episode statistics, and in {@code same} mode the actor (its random generator) and the
 * rollout itself ({@link Rollout#saveState}: envs, lookahead record, hx, running episodes) when its
 * envs can save their state. A run created from a checkpoint restores each piece as it is created
 * and drops the metrics rows written after that checkpoint, so it continues exactly as if it had
 * never stopped. Where the rollout cannot be saved (Gymnasium envs, the decoupled modes) the envs
 * are restarted, seeded by {@link #seed()}, and the rest still continues.
 *
 * <p>Created by the {@code train} command around already built (and, when resuming, restored)
 * {@link Networks}, which it does not own. Owns the metrics file; {@link #finish()} writes the final
 * checkpoint and the learning-curve PNG and returns the summary; {@link #close()} removes the run
 * directory again if it created it and nothing was written into it. Used by the training loop's
 * thread only.
 */
public final class Run implements AutoCloseable {
    /** Metrics column: env steps done. */
    public static final String ENV_STEPS = "env_steps";
    /** Metrics column: mean return over the last 100 episodes. */
    public static final String MEAN_RETURN = "mean_return_100";
    /** Rows the metrics CSV gets over a whole run (about). */
    private static final int METRIC_ROWS = 250;
    /** Checkpoints a run writes when no interval is given (about). */
    private static final int AUTO_CHECKPOINTS = 10;
    private static final String RUN_PART = "run";
    private static final String OPTIMIZER_PART = "optimizer";
    private static final String ACTOR_PART = "actor";
    private static final String ROLLOUT_PART = "rollout";

    /**
     * What a run is asked to do.
     *
     * @param algo            algorithm name
     * @param env             the env (for an offline run, the dataset's)
     * @param seed            base seed
     * @param totalSteps      budget, at least 1: env steps, or updates for an offline run
     * @param out             the run directory (metrics, checkpoints, plot)
     * @param mode            rollout mode
     * @param collectors      collector threads in {@code multi} mode
     * @param hyperparameters the algorithm's hyperparameters
     * @param checkpointEvery a checkpoint every this many iterations; 0 for about ten per run
     * @param progress        how to show progress
     * @param command         the command line, for the summary
     * @param data            the dataset an offline run learns from, or {@code null} for an online run
     */
    public record Settings(String algo, EnvSpec env, long seed, long totalSteps, Path out, RolloutMode mode,
                           int collectors, Record hyperparameters, int checkpointEvery, Progress.Style progress,
                           String command, Path data, KafkaSettings kafka) {
        public Settings {
            UsageException.require(collectors >= 1, "--collectors must be >= 1, got " + collectors);
            UsageException.require(totalSteps >= 1, "--steps must be >= 1, got " + totalSteps);
            UsageException.require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        }

        /** Whether the run learns from a dataset. */
        public boolean offline() {
            return data != null;
        }
    }

    /**
     * What a run achieved.
     *
     * @param settings    what it was asked to do
     * @param envSteps    env steps done (including before a resume)
     * @param updates     training-loop iterations done (including before a resume)
     * @param episodes    episodes finished
     * @param wallSeconds training time (including before a resume)
     * @param stepsPerSecond env steps (offline: updates) per second of this process
     * @param meanReturn  mean return over the last 100 episodes
     * @param meanLength  mean length over the last 100 episodes
     * @param checkpoint  the final checkpoint
     * @param curve       the learning-curve PNG, or {@code null} for an offline run (it has no episodes)
     */
    public record Summary(Settings settings, long envSteps, long updates, long episodes, double wallSeconds,
                          double stepsPerSecond, double meanReturn, double meanLength, Path checkpoint, Path curve) {
        /** The lines printed at the end of a run. */
        public List<String> lines() {
            Settings s = settings;
            String head = String.format("algo %s, env %s, mode %s, seed %d", s.algo(), s.env(), s.mode().label()
                    + (s.mode() == RolloutMode.MULTI ? " (" + s.collectors() + " collectors)" : ""), s.seed());
            if (s.offline()) {
                return List.of("command      " + s.command(), String.format("algo %s, data %s (%s), seed %d",
                                s.algo(), s.data(), s.env(), s.seed()),
                        String.format("updates      %,d in %s (%,.0f updates/s), no env step", updates,
                                Progress.clock(wallSeconds), stepsPerSecond),
                        "checkpoint   " + checkpoint,
                        "metrics      " + s.out().resolve("metrics.csv"));
            }
            return List.of(
                    "command      " + s.command(),
                    head,
                    String.format("env-steps    %,d in %s (%,.0f env-steps/s)", envSteps, Progress.clock(wallSeconds),
                            stepsPerSecond),
                    String.format("episodes     %,d; mean return over the last 100: %.2f (mean length %.1f)", episodes,
                            meanReturn, meanLength),
                    "checkpoint   " + checkpoint,
                    "metrics      " + s.out().resolve("metrics.csv"),
                    "curve        " + curve);
        }
    }

    private final Settings settings;
    private final Space[] spaces;
    private final Networks networks;
    private final Supplier<Networks> replicas;
    private final Checkpoint resumed;
    private final EpisodeWindow episodes = new EpisodeWindow(100);
    private final Map<String, double[]> pending = new LinkedHashMap<>();
    private final Map<String, Resumable> parts = new LinkedHashMap<>();
    private final MetricsLog metrics;
    private final Progress progress;
    private final long metricsEvery;
    private final long startNanos = System.nanoTime();
    private final long stepsBefore;
    private final long updatesBefore;
    private final double wallBefore;
    private final boolean createdOut;
    private final boolean exactRollout;
    private Rollout rollout;
    private long rolloutStepsBefore;
    private Dataset dataset;
    private GradientStep optimizer;
    private long updates;
    private long lastRowDone;
    private long checkpointEvery;
    private long lastCheckpointUpdates = -1;
    private Path lastCheckpoint;

    /**
     * @param settings what to do
     * @param spaces   the env's observation and action spaces
     * @param networks the algorithm's networks (restored from {@code resumed} already)
     * @param replicas builds networks like {@code networks}, for the actor replicas of the decoupled modes
     * @param resumed  the checkpoint this run continues, or {@code null} for a fresh run
     * @param console  where progress is drawn
     */
    public Run(Settings settings, Space[] spaces, Networks networks, Supplier<Networks> replicas, Checkpoint resumed,
               PrintWriter console) {
        this.settings = settings;
        this.spaces = spaces.clone();
        this.networks = networks;
        this.replicas = replicas;
        this.resumed = resumed;
        Checkpoint.State before = resumed == null ? null : resumed.state();
        this.updates = before == null ? 0 : before.updates();
        this.updatesBefore = updates;
        this.stepsBefore = before == null ? 0 : before.envSteps();
        this.wallBefore = before == null ? 0 : before.wallSeconds();
        this.lastCheckpointUpdates = before == null ? -1 : before.updates();
        this.metricsEvery = Math.max(1, settings.totalSteps() / METRIC_ROWS);
        this.checkpointEvery = settings.checkpointEvery();
        this.createdOut = !Files.exists(settings.out());
        this.exactRollout = resumed != null && resumed.hasPart(ROLLOUT_PART) && settings.mode() == RolloutMode.SAME;
        try {
            Files.createDirectories(settings.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + settings.out(), e);
        }
        RunState state = new RunState();
        parts.put(RUN_PART, state);
        long keepRows = Long.MAX_VALUE;
        if (resumed != null && resumed.hasPart(RUN_PART)) {
            resumed.restorePart(RUN_PART, state);
            keepRows = state.metricsRows;
        }
        Path csv = settings.out().resolve("metrics.csv");
        this.metrics = resumed == null ? new MetricsLog(csv) : new MetricsLog(csv, keepRows);
        this.lastRowDone = resumed == null ? 0 : resumed.hasPart(RUN_PART) ? state.lastRowDone : done();
        this.progress = new Progress(console, settings.progress(), settings.totalSteps(), done(),
                settings.offline() ? "updates" : "env-steps");
    }

    /** The env's observation space. */
    public Space observationSpace() {
        return spaces[0];
    }

    /** The env's action space. */
    public Space actionSpace() {
        return spaces[1];
    }

    /** The networks being trained. */
    public Networks networks() {
        return networks;
    }

    /**
     * The seed for this process's randomness (envs, samplers): the run's seed; when resuming from a
     * checkpoint without a saved rollout, moved on by the env-steps already done, so the restarted
     * envs do not replay the same episodes. What the checkpoint restores does not depend on it.
     */
    public long seed() {
        return exactRollout ? settings.seed() : settings.seed() + stepsBefore;
    }

    /**
     * Opens the run's rollout of {@code numEnvs} envs and fragments of {@code length} steps, in the
     * run's {@code --mode} and seeded by {@link #seed()}: the actors {@code actors} makes run network
     * {@code block} (in {@code same} mode the learner's own, otherwise a replica per collector that
     * follows the learner's weights at each {@code rollout.publish()}; see {@link ActorRollouts}).
     * In {@code same} mode a {@link Resumable} actor is part of the training state. The caller
     * closes the rollout, which closes the actors. One rollout per run, online runs only.
     */
    public Rollout rollout(int numEnvs, int length, String block, ActorRollouts.ActorFactory actors) {
        if (rollout != null || settings.offline()) {
            throw new IllegalStateException(settings.offline() ? "an offline run has no rollout" : "a run opens one rollout");
        }
        RolloutConfig config = RolloutConfig.builder().length(length).seed(seed()).build();
        ActorRollouts.ActorFactory kept = settings.mode() != RolloutMode.SAME ? actors : (b, c) -> {
            Actor actor = actors.make(b, c);
            if (actor instanceof Resumable r) {
                keep(ACTOR_PART, r);
            }
            return actor;
        };
        rollout = settings.mode() == RolloutMode.KAFKA
                ? ActorRollouts.kafka(settings.kafka(), settings.collectors(), settings.env(), numEnvs, config, networks, block)
                : ActorRollouts.open(settings.mode(), settings.collectors(), settings.env(), numEnvs, config, networks,
                        block, replicas, kept);
        rolloutStepsBefore = stepsBefore;
        if (settings.mode() == RolloutMode.SAME && rollout.canSaveState()) {
            Resumable state = new Resumable() {
                @Override
                public void saveState(DataOutput out) throws IOException {
                    rollout.saveState(out);
                }

                @Override
                public void restoreState(DataInput in) throws IOException {
                    rollout.loadState(in);
                }
            };
            if (exactRollout) {
                try {
                    resumed.restorePart(ROLLOUT_PART, state);
                } catch (RuntimeException e) {
                    rollout.close();
                    throw e;
                }
                rolloutStepsBefore = 0;           // the restored rollout counts the steps before the resume
            }
            parts.put(ROLLOUT_PART, state);
        }
        return rollout;
    }

    /** The dataset an offline run learns from (opened once; checked file by file as it is read). */
    public Dataset dataset() {
        if (!settings.offline()) {
            throw new IllegalStateException("an online run has no dataset");
        }
        if (dataset == null) {
            dataset = Dataset.open(settings.data());
        }
        return dataset;
    }

    /** The run's Adam optimizer over the trainable networks, at a constant learning rate. */
    public GradientStep adam(float learningRate, float epsilon, float maxGradNorm) {
        return adam(learningRate, false, epsilon, maxGradNorm);
    }

    /**
     * The run's Adam optimizer over the trainable networks (part of the training state). With
     * {@code anneal}, the learning rate decays linearly to 0 over the budget: at each step it is
     * {@code learningRate * max(1e-3, 1 - fractionDone())}.
     */
    public GradientStep adam(float learningRate, boolean anneal, float epsilon, float maxGradNorm) {
        if (optimizer != null) {
            throw new IllegalStateException("a run has one optimizer");
        }
        optimizer = keep(OPTIMIZER_PART, new GradientStep(networks, learningRate,
                anneal ? () -> (float) Math.max(1e-3, 1 - fractionDone()) : null, epsilon, maxGradNorm));
        return optimizer;
    }

    /**
     * Registers {@code part} as training state under {@code name}: every checkpoint saves it, and a
     * run resumed from a checkpoint that has it restores it now.
     *
     * @return {@code part}
     */
    public <R extends Resumable> R keep(String name, R part) {
        if (parts.containsKey(name)) {
            throw new IllegalStateException("training state '" + name + "' is registered already");
        }
        if (resumed != null && resumed.hasPart(name)) {
            resumed.restorePart(name, part);
        }
        parts.put(name, part);
        return part;
    }

    /** Env steps done, including those before a resume. */
    public long envSteps() {
        return rollout == null ? stepsBefore : rolloutStepsBefore + rollout.envSteps();
    }

    /** What the budget counts: env steps, or updates for an offline run. */
    private long done() {
        return settings.offline() ? updates : envSteps();
    }

    /** The budget: env steps, or updates for an offline run. */
    public long budget() {
        return settings.totalSteps();
    }

    /** Fraction of the budget done, in [0, 1] (for schedules). */
    public double fractionDone() {
        return Math.min(1.0, (double) done() / settings.totalSteps());
    }

    /** Episodes finished, including those before a resume. */
    public long episodes() {
        return episodes.totalEpisodes();
    }

    /** Adds a value to this interval's mean of metric {@code name} (a loss, an entropy, ...). */
    public void log(String name, double value) {
        double[] acc = pending.computeIfAbsent(name, k -> new double[2]);
        acc[0] += value;
        acc[1]++;
    }

    /**
     * Ends one training-loop iteration over {@code f}: counts its episodes, draws progress, writes a
     * metrics row and a checkpoint when due.
     *
     * @return whether the loop should go on (false once the env-step budget is spent)
     */
    public boolean endIteration(Fragment f) {
        episodes.addAll(f.episodes());
        return endUpdate();
    }

    /**
     * Ends one iteration without a fragment (an offline update): draws progress, writes a metrics
     * row and a checkpoint when due.
     *
     * @return whether the loop should go on (false once the budget is spent)
     */
    public boolean endUpdate() {
        updates++;
        long steps = done();
        if (checkpointEvery == 0) {
            long perIteration = Math.max(1, (steps - (settings.offline() ? updatesBefore : stepsBefore))
                    / Math.max(1, updates - updatesBefore));
            checkpointEvery = Math.max(1, settings.totalSteps() / perIteration / AUTO_CHECKPOINTS);
        }
        progress.update(steps, episodes(), episodes.meanReturn());
        boolean more = steps < settings.totalSteps();
        if (steps - lastRowDone >= metricsEvery || !more) {
            writeRow(steps);
        }
        if (more && updates % checkpointEvery == 0) {
            checkpoint();
        }
        return more;
    }

    private void writeRow(long steps) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long stepsNow = envSteps();
        Map<String, Double> row = new LinkedHashMap<>();
        row.put(ENV_STEPS, (double) stepsNow);
        row.put("updates", (double) updates);
        row.put("optimizer_steps", optimizer == null ? 0.0 : (double) optimizer.steps());
        row.put("wall_seconds", wallSeconds());
        row.put("env_steps_per_second", seconds > 0 ? (stepsNow - stepsBefore) / seconds : 0.0);
        row.put("episodes", (double) episodes());
        row.put(MEAN_RETURN, episodes.meanReturn());
        row.put("mean_length_100", episodes.meanLength());
        for (Map.Entry<String, double[]> e : pending.entrySet()) {
            double[] acc = e.getValue();
            row.put(e.getKey(), acc[1] == 0 ? Double.NaN : acc[0] / acc[1]);
            acc[0] = 0;
            acc[1] = 0;
        }
        metrics.write(row);
        lastRowDone = steps;
    }

    private double wallSeconds() {
        return wallBefore + (System.nanoTime() - startNanos) / 1e9;
    }

    /** Writes a checkpoint of the current state now (at most one per iteration). */
    public Path checkpoint() {
        if (lastCheckpointUpdates == updates && lastCheckpoint != null) {
            return lastCheckpoint;
        }
        Checkpoint.State state = new Checkpoint.State(settings.algo(), settings.env(), spaces[0], spaces[1],
                settings.seed(), settings.totalSteps(), Hyperparameters.toJson(settings.hyperparameters()), updates,
                optimizer == null ? 0 : optimizer.steps(), envSteps(), episodes(), wallSeconds(), episodes.meanReturn());
        lastCheckpoint = Checkpoint.save(settings.out(), networks, state, parts);
        lastCheckpointUpdates = updates;
        return lastCheckpoint;
    }

    /**
     * Ends the run: the final checkpoint, the progress line, the learning curve (online runs).
     *
     * @return the summary to print
     */
    public Summary finish() {
        long steps = done();
        if (steps != lastRowDone) {
            writeRow(steps);
        }
        Path last = checkpoint();
        progress.finish(steps, episodes(), episodes.meanReturn());
        metrics.close();
        Path png = null;
        if (!settings.offline()) {
            png = settings.out().resolve("learning_curve.png");
            try {
                LearningCurve.draw(metrics.file(), png, settings.algo() + " on " + settings.env() + ", seed "
                        + settings.seed());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot draw the learning curve " + png, e);
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long counted = settings.offline() ? updates - updatesBefore : envSteps() - stepsBefore;
        return new Summary(settings, envSteps(), updates, episodes(), wallSeconds(), counted / seconds,
                episodes.meanReturn(), episodes.meanLength(), last, png);
    }

    /**
     * Closes the metrics file (idempotent; {@link #finish()} already did on success) and removes the
     * run directory if this run created it and left it empty (a run that failed before its first
     * metrics row).
     */
    @Override
    public void close() {
        metrics.close();
        if (createdOut) {
            try (Stream<Path> children = Files.list(settings.out())) {
                if (children.findAny().isEmpty()) {
                    Files.delete(settings.out());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the empty run directory " + settings.out(), e);
            }
        }
    }

    /** The run's own counters, pending metric sums and episode statistics. */
    private final class RunState implements Resumable {
        long metricsRows;
        long lastRowDone;

        @Override
        public void saveState(DataOutput out) throws IOException {
            out.writeLong(metrics.rows());
            out.writeLong(Run.this.lastRowDone);
            out.writeLong(checkpointEvery);
            episodes.saveState(out);
            out.writeInt(pending.size());
            for (Map.Entry<String, double[]> e : pending.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue()[0]);
                out.writeDouble(e.getValue()[1]);
            }
        }

        @Override
        public void restoreState(DataInput in) throws IOException {
            metricsRows = in.readLong();
            lastRowDone = in.readLong();
            long every = in.readLong();
            if (settings.checkpointEvery() == 0) {
                checkpointEvery = every;    // the interval the run chose; an explicit --checkpoint-every wins
            }
            episodes.loadState(in);
            pending.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                pending.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble()});
            }
        }
    }
}
