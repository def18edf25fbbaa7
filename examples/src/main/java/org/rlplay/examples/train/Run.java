package org.rlplay.examples.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.Envs;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.EpisodeWindow;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;

/**
 * Everything a training loop shares with the other algorithms and that is not the algorithm: the
 * env-step budget, the rollout mode, the progress bar, the metrics CSV, the checkpoints and the
 * final learning curve. An algorithm's loop asks it for a rollout and an optimizer, and calls
 * {@link #endIteration(Fragment)} after learning from each fragment:
 * <pre>{@code
 * try (Rollout rollout = run.rollout(numEnvs, length, "policy", (block, c) -> new CategoricalActor(block, ...))) {
 *     for (Fragment f : rollout) {
 *         ... loss, backward, optimizer.step() ...
 *         rollout.publish();
 *         run.log("loss", loss);
 *         if (!run.endIteration(f)) break;
 *     }
 * }
 * }</pre>
 *
 * <p>Created by the {@code train} command around already built (and, when resuming, restored)
 * {@link Networks}, which it does not own. Owns the metrics file; {@link #finish()} writes the final
 * checkpoint and the learning-curve PNG and returns the summary. Used by the training loop's thread
 * only.
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

    /**
     * What a run is asked to do.
     *
     * @param algo            algorithm name
     * @param env             env id
     * @param seed            base seed
     * @param totalSteps      env-step budget, at least 1
     * @param out             the run directory (metrics, checkpoints, plot)
     * @param mode            rollout mode
     * @param collectors      collector threads in {@code multi} mode
     * @param hyperparameters the algorithm's hyperparameters
     * @param checkpointEvery a checkpoint every this many iterations; 0 for about ten per run
     * @param progress        how to show progress
     * @param command         the command line, for the summary
     */
    public record Settings(String algo, String env, long seed, long totalSteps, Path out, RolloutMode mode,
                           int collectors, Record hyperparameters, int checkpointEvery, Progress.Style progress,
                           String command) {
        public Settings {
            if (collectors < 1) {
                throw new IllegalArgumentException("--collectors must be >= 1, got " + collectors);
            }
            if (totalSteps < 1) {
                throw new IllegalArgumentException("--steps must be >= 1, got " + totalSteps);
            }
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
            }
        }
    }

    /**
     * What a run achieved.
     *
     * @param settings    what it was asked to do
     * @param envSteps    env steps done (including before a resume)
     * @param episodes    episodes finished
     * @param wallSeconds training time (including before a resume)
     * @param stepsPerSecond env steps per second of this process
     * @param meanReturn  mean return over the last 100 episodes
     * @param meanLength  mean length over the last 100 episodes
     * @param checkpoint  the final checkpoint
     * @param curve       the learning-curve PNG
     */
    public record Summary(Settings settings, long envSteps, long episodes, double wallSeconds, double stepsPerSecond,
                          double meanReturn, double meanLength, Path checkpoint, Path curve) {
        /** The lines printed at the end of a run. */
        public List<String> lines() {
            Settings s = settings;
            return List.of(
                    "command      " + s.command(),
                    String.format("algo %s, env %s, mode %s, seed %d", s.algo(), s.env(), s.mode().label()
                            + (s.mode() == RolloutMode.MULTI ? " (" + s.collectors() + " collectors)" : ""), s.seed()),
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
    private final Checkpoint.State resumed;
    private final EpisodeWindow window = new EpisodeWindow(100);
    private final MetricsLog metrics;
    private final Progress progress;
    private final Map<String, double[]> pending = new LinkedHashMap<>();
    private final long metricsEvery;
    private final long startNanos = System.nanoTime();
    private Rollout rollout;
    private GradientStep optimizer;
    private long updates;
    private final long stepsBefore;
    private long lastRowSteps;
    private long checkpointEvery;
    private long lastCheckpointUpdates = -1;
    private Path lastCheckpoint;

    /**
     * @param settings what to do
     * @param networks the algorithm's networks (restored from {@code resumed}'s checkpoint already)
     * @param replicas builds networks like {@code networks}, for the actor replicas of the decoupled modes
     * @param resumed  the checkpoint this run continues, or {@code null} for a fresh run
     * @param console  where progress is drawn
     */
    public Run(Settings settings, Networks networks, Supplier<Networks> replicas, Checkpoint.State resumed,
               PrintWriter console) {
        this.settings = settings;
        this.spaces = Envs.spaces(settings.env());
        this.networks = networks;
        this.replicas = replicas;
        this.resumed = resumed;
        this.updates = resumed == null ? 0 : resumed.updates();
        this.stepsBefore = resumed == null ? 0 : resumed.envSteps();
        this.lastRowSteps = stepsBefore;
        this.lastCheckpointUpdates = resumed == null ? -1 : resumed.updates();
        this.metricsEvery = Math.max(1, settings.totalSteps() / METRIC_ROWS);
        this.checkpointEvery = settings.checkpointEvery();
        try {
            Files.createDirectories(settings.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + settings.out(), e);
        }
        this.metrics = new MetricsLog(settings.out().resolve("metrics.csv"));
        this.progress = new Progress(console, settings.progress(), settings.totalSteps(), stepsBefore);
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
     * The seed for this process's randomness (envs, samplers): the run's seed, moved on by the
     * env-steps already done when resuming, so a resumed run does not replay the same episodes.
     */
    public long seed() {
        return settings.seed() + stepsBefore;
    }

    /**
     * Opens the run's rollout of {@code numEnvs} envs and fragments of {@code length} steps, in the
     * run's {@code --mode} and seeded by {@link #seed()}: the actors {@code actors} makes run network
     * {@code block} (in {@code same} mode the learner's own, otherwise a replica per collector that
     * follows the learner's weights at each {@code rollout.publish()}; see {@link ActorRollouts}).
     * The caller closes the rollout, which closes the actors. One rollout per run.
     */
    public Rollout rollout(int numEnvs, int length, String block, ActorRollouts.ActorFactory actors) {
        if (rollout != null) {
            throw new IllegalStateException("a run opens one rollout");
        }
        RolloutConfig config = RolloutConfig.builder().length(length).seed(seed()).build();
        rollout = ActorRollouts.open(settings.mode(), settings.collectors(), settings.env(), numEnvs, config, networks,
                block, replicas, actors);
        return rollout;
    }

    /** The run's Adam optimizer over the trainable networks, continuing the step count of a resumed run. */
    public GradientStep adam(float learningRate, float epsilon, float maxGradNorm) {
        if (optimizer != null) {
            throw new IllegalStateException("a run has one optimizer");
        }
        optimizer = new GradientStep(networks, learningRate, epsilon, maxGradNorm,
                resumed == null ? 0 : resumed.optimizerSteps());
        return optimizer;
    }

    /** Env steps done, including those before a resume. */
    public long envSteps() {
        return stepsBefore + (rollout == null ? 0 : rollout.envSteps());
    }

    /** Fraction of the env-step budget done, in [0, 1] (for schedules). */
    public double fractionDone() {
        return Math.min(1.0, (double) envSteps() / settings.totalSteps());
    }

    /** Episodes finished, including those before a resume. */
    public long episodes() {
        return (resumed == null ? 0 : resumed.episodes()) + window.totalEpisodes();
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
        updates++;
        window.addAll(f.episodes());
        long steps = envSteps();
        if (checkpointEvery == 0) {
            long perIteration = Math.max(1, (steps - stepsBefore) / Math.max(1, updates - updatesBefore()));
            checkpointEvery = Math.max(1, settings.totalSteps() / perIteration / AUTO_CHECKPOINTS);
        }
        progress.update(steps, episodes(), window.meanReturn());
        boolean more = steps < settings.totalSteps();
        if (steps - lastRowSteps >= metricsEvery || !more) {
            writeRow(steps);
        }
        if (more && updates % checkpointEvery == 0) {
            checkpoint();
        }
        return more;
    }

    private long updatesBefore() {
        return resumed == null ? 0 : resumed.updates();
    }

    private void writeRow(long steps) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> row = new LinkedHashMap<>();
        row.put(ENV_STEPS, (double) steps);
        row.put("updates", (double) updates);
        row.put("optimizer_steps", optimizer == null ? 0.0 : (double) optimizer.steps());
        row.put("wall_seconds", wallSeconds());
        row.put("env_steps_per_second", seconds > 0 ? (steps - stepsBefore) / seconds : 0.0);
        row.put("episodes", (double) episodes());
        row.put(MEAN_RETURN, window.meanReturn());
        row.put("mean_length_100", window.meanLength());
        for (Map.Entry<String, double[]> e : pending.entrySet()) {
            double[] acc = e.getValue();
            row.put(e.getKey(), acc[1] == 0 ? Double.NaN : acc[0] / acc[1]);
            acc[0] = 0;
            acc[1] = 0;
        }
        metrics.write(row);
        lastRowSteps = steps;
    }

    private double wallSeconds() {
        return (resumed == null ? 0 : resumed.wallSeconds()) + (System.nanoTime() - startNanos) / 1e9;
    }

    /** Writes a checkpoint of the current state now (at most one per iteration). */
    public Path checkpoint() {
        if (lastCheckpointUpdates == updates && lastCheckpoint != null) {
            return lastCheckpoint;
        }
        Checkpoint.State state = new Checkpoint.State(settings.algo(), settings.env(), settings.seed(),
                settings.totalSteps(), Hyperparameters.toJson(settings.hyperparameters()), updates,
                optimizer == null ? 0 : optimizer.steps(), envSteps(), episodes(), wallSeconds(), window.meanReturn());
        lastCheckpoint = Checkpoint.save(settings.out(), networks, state);
        lastCheckpointUpdates = updates;
        return lastCheckpoint;
    }

    /**
     * Ends the run: the final checkpoint, the progress line, the learning curve.
     *
     * @return the summary to print
     */
    public Summary finish() {
        long steps = envSteps();
        if (steps != lastRowSteps) {
            writeRow(steps);
        }
        Path last = checkpoint();
        progress.finish(steps, episodes(), window.meanReturn());
        metrics.close();
        Path png = settings.out().resolve("learning_curve.png");
        try {
            LearningCurve.draw(metrics.file(), png, settings.algo() + " on " + settings.env() + ", seed " + settings.seed());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the learning curve " + png, e);
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new Summary(settings, steps, episodes(), wallSeconds(), (steps - stepsBefore) / seconds,
                window.meanReturn(), window.meanLength(), last, png);
    }

    /** Closes the metrics file (idempotent; {@link #finish()} already did on success). */
    @Override
    public void close() {
        metrics.close();
    }
}
