package org.rlplay.record.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.RecorderOptions;
import org.rlplay.env.space.SpaceJson;

/**
 * Turns a table of logged steps, written by another system, into a dataset that every offline tool
 * here reads (replay, transition sampler, off-policy evaluation): the rows are grouped into
 * episodes, checked, laid out on N lanes of T-step fragments with the engine's semantics, and
 * written by a {@link Recorder}.
 *
 * <h2>What a log becomes</h2>
 * <ul>
 *   <li>An episode's steps {@code (x_t, a_t, r_t, end_t)} become records as the engine makes them:
 *   record t holds {@code x_t} (and the logging policy's distribution at {@code x_t} as actor info),
 *   record t+1 the action {@code a_t}, reward {@code r_t} and the end flags; the record after an
 *   episode's last step holds the next episode's first observation (same-step autoreset), with the
 *   episode's next observation as {@code finalObs} if it was logged.</li>
 *   <li>Episodes go to the lane with the fewest steps so far (in order of first appearance); a lane
 *   that runs out is padded until the last fragment is full, with records that no step stands
 *   behind ({@code padding} rows, skipped by every reader).</li>
 *   <li>The logged propensity becomes actor info {@value #PROPENSITY} (float32, the probability of
 *   the logged action), the logged distribution actor info {@value #PROBS} (float32[n]), so
 *   {@code rlplay ope --behaviour-info probs} and bandit estimators read them.</li>
 *   <li>A contextual-bandit log (no episode column, or episodes of one step) is the T = 1 case:
 *   record 0 holds the context, record 1 the action, reward and end. No special path.</li>
 * </ul>
 *
 * <h2>What is refused</h2>
 * A missing required column, a value of the wrong kind, an observation of another width or outside
 * its space, an action outside the action space, a propensity outside (0, 1], a distribution that is
 * not one (length n, entries in [0, 1], sum 1 within 1e-4) or disagrees with the propensity, a step
 * that does not follow the episode's previous step, and rows of an episode after its end: each an
 * {@link ImportException} naming the row. Runs on the caller's thread; holds the log in memory.
 */
public final class LogImport {
    /** The actor info column of the logged action's probability. */
    public static final String PROPENSITY = "propensity";
    /** The actor info column of the logged action distribution. */
    public static final String PROBS = "probs";
    private static final double SUM_TOLERANCE = 1e-4;
    private static final double PROPENSITY_TOLERANCE = 1e-6;

    private LogImport() {
    }

    /**
     * What to import and how.
     *
     * @param inputs           the log files, read in order
     * @param format           their format, or null to detect each by its name ({@link LogFormat#detect})
     * @param mapping          which columns hold what
     * @param observationSpace the observation space, or null for {@code Box(-inf, inf, [width], float32)}
     * @param actionSpace      the action space (required: actions outside it are refused)
     * @param envId            the env id to record (e.g. the production system's name)
     * @param length           T, or 0 for 1 when every episode has one step (a bandit log), else 128
     * @param numEnvs          N, the lanes, at least 1
     * @param options          how the recorder writes (partition, compression, fragments per file)
     */
    public record Config(List<Path> inputs, LogFormat format, ColumnMapping mapping, Space observationSpace,
                         Space actionSpace, String envId, int length, int numEnvs, RecorderOptions options) {
        public Config {
            inputs = List.copyOf(inputs);
            Objects.requireNonNull(mapping, "mapping");
            Objects.requireNonNull(actionSpace, "actionSpace (what the logged actions may be)");
            Objects.requireNonNull(options, "options");
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("no log file to import");
            }
            if (length < 0 || numEnvs < 1) {
                throw new IllegalArgumentException("length must be >= 0 (0: automatic) and numEnvs >= 1, got "
                        + length + " and " + numEnvs);
            }
        }
    }

    /**
     * What an import wrote.
     *
     * @param rows      steps read
     * @param episodes  episodes (complete or not) read
     * @param fragments fragments written
     * @param spec      their layout
     * @param run       the dataset run they were written as
     * @param open      episodes the log ends in the middle, kept as the last episode of a lane (no end recorded)
     * @param dropped   such episodes beyond one per lane, left out (more lanes keep them)
     */
    public record Summary(long rows, int episodes, long fragments, FragmentSpec spec, int run, int open, int dropped) {
    }

    /** One step of an episode, checked. */
    private record Step(String where, long stepIndex, float[] obs, int[] actInts, float[] actFloats, float reward,
                        boolean terminated, boolean truncated, float[] next, float propensity, float[] probs) {
        boolean ends() {
            return terminated || truncated;
        }
    }

    /** The steps of one episode, in order. */
    private static final class Episode {
        final List<Step> steps = new ArrayList<>();
    }

    /**
     * Imports the log into {@code out} (a new directory, or a dataset of the same env and layout to
     * append a run to).
     *
     * @throws ImportException   naming the row, for a log that cannot be imported
     * @throws IllegalArgumentException for a bad configuration
     * @throws org.rlplay.record.DatasetException if the dataset cannot be written
     */
    public static Summary run(Config config, Path out) {
        config.mapping().requireComplete();
        Reader reader = new Reader(config);
        for (Path file : config.inputs()) {
            LogFormat format = config.format();
            if (format == null) {
                try {
                    format = LogFormat.detect(file);
                } catch (java.io.IOException e) {
                    throw new ImportException(file + ": cannot read the log: " + e.getMessage(), e);
                }
            }
            for (LogRows.Row row : LogRows.read(file, format)) {
                reader.add(row);
            }
        }
        if (reader.rows == 0) {
            throw new ImportException(config.inputs() + ": no rows to import");
        }
        List<Episode> episodes = new ArrayList<>(reader.episodes.values());
        int length = config.length();
        if (length == 0) {
            length = episodes.stream().allMatch(e -> e.steps.size() == 1) ? 1 : 128;
        }
        Space obsSpace = reader.observationSpace();
        FragmentSpec spec = new FragmentSpec(length, config.numEnvs(), obsSpace, config.actionSpace(), List.of(),
                config.mapping().nextObservation() != null);
        Lanes lanes = new Lanes(spec, episodes, reader.hasPropensity, reader.probsWidth);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("imported_from", config.inputs().toString());
        attributes.put("import_mapping", config.mapping().toString());
        DatasetInfo info = new DatasetInfo(config.envId(), new long[0], attributes);
        long fragments = 0;
        int run;
        try (FragmentWriter w = new FragmentWriter(spec);
             Recorder recorder = Recorder.create(out, spec, info, config.options().inline())) {
            run = recorder.run();
            while (lanes.fill(w, fragments)) {
                recorder.write(w.fragment());
                fragments++;
            }
        }
        return new Summary(reader.rows, episodes.size(), fragments, spec, run, lanes.kept, lanes.dropped);
    }

    /** Reads rows into checked episodes. */
    private static final class Reader {
        final Config config;
        final ColumnMapping m;
        final Map<Object, Episode> episodes = new LinkedHashMap<>();
        long rows;
        int width = -1;
        boolean hasPropensity;
        int probsWidth;

        Reader(Config config) {
            this.config = config;
            this.m = config.mapping();
            this.hasPropensity = m.propensity() != null || m.probabilities() != null;
        }

        Space observationSpace() {
            if (config.observationSpace() != null) {
                return config.observationSpace();
            }
            return Box.of(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, width);
        }

        void add(LogRows.Row row) {
            String where = row.where();
            Map<String, Object> v = row.values();
            rows++;
            Object key = m.episode() == null ? (Object) ("row " + rows) : required(v, m.episode(), where);
            Episode e = episodes.computeIfAbsent(key instanceof Double d && d == Math.rint(d) ? (Object) d.longValue() : key,
                    k -> new Episode());
            Step previous = e.steps.isEmpty() ? null : e.steps.get(e.steps.size() - 1);
            long step = m.step() == null ? (previous == null ? 0 : previous.stepIndex() + 1) : integer(v, m.step(), where);
            if (previous != null) {
                if (previous.ends()) {
                    throw new ImportException(where + ": episode " + key + " continues after it ended at " + previous.where());
                }
                if (step != previous.stepIndex() + 1) {
                    throw new ImportException(where + ": step " + step + " of episode " + key + " does not follow step "
                            + previous.stepIndex() + " (" + previous.where() + "): steps out of order or missing");
                }
            }
            float[] obs = observation(v, m.observation(), where, "observation");
            if (width < 0) {
                width = obs.length;
            } else if (obs.length != width) {
                throw new ImportException(where + ": an observation of " + obs.length + " elements, earlier rows have " + width);
            }
            Space obsSpace = observationSpace();
            if (obsSpace.size() != obs.length) {
                throw new ImportException(where + ": an observation of " + obs.length + " elements, the observation space "
                        + obsSpace + " has " + obsSpace.size());
            }
            if (obsSpace.storageType() == ElementType.FLOAT32) {
                int bad = obsSpace.firstInvalid(obs, 0);
                if (bad >= 0) {
                    throw new ImportException(where + ": observation element " + bad + " = " + obs[bad] + " is outside "
                            + obsSpace);
                }
            }
            Space actions = config.actionSpace();
            int[] actInts = null;
            float[] actFloats = null;
            String actColumn = m.action();
            if (actions.isDiscrete()) {
                actInts = integers(required(v, actColumn, where), where, actColumn);
                if (actInts.length != actions.size()) {
                    throw new ImportException(where + ": action " + java.util.Arrays.toString(actInts) + " has "
                            + actInts.length + " elements, " + actions + " has " + actions.size());
                }
                if (actions.firstInvalid(actInts, 0) >= 0) {
                    throw new ImportException(where + ": action " + (actInts.length == 1 ? actInts[0]
                            : java.util.Arrays.toString(actInts)) + " is outside the action space " + actions);
                }
            } else {
                actFloats = observation(v, List.of(actColumn), where, "action");
                if (actFloats.length != actions.size() || actions.firstInvalid(actFloats, 0) >= 0) {
                    throw new ImportException(where + ": action " + java.util.Arrays.toString(actFloats)
                            + " is outside the action space " + actions);
                }
            }
            double reward = number(required(v, m.reward(), where), where, m.reward());
            if (!Double.isFinite(reward)) {
                throw new ImportException(where + ": reward " + reward + " is not finite");
            }
            boolean terminated = flag(v, m.terminated(), where) || flag(v, m.done(), where);
            boolean truncated = !terminated && flag(v, m.truncated(), where);
            if (m.episode() == null && !truncated) {
                // no episode column: every row is an episode of one step (a contextual-bandit decision)
                terminated = true;
            }
            float[] next = null;
            if (m.nextObservation() != null && v.containsKey(m.nextObservation())) {
                next = observation(v, List.of(m.nextObservation()), where, "next observation");
                if (next.length != width) {
                    throw new ImportException(where + ": a next observation of " + next.length + " elements, observations"
                            + " have " + width);
                }
            }
            if (m.nextObservation() != null && truncated && next == null) {
                throw new ImportException(where + ": the episode is truncated here but the row has no '"
                        + m.nextObservation() + "' to bootstrap from");
            }
            float propensity = Float.NaN;
            float[] probs = null;
            if (m.probabilities() != null) {
                probs = observation(v, List.of(m.probabilities()), where, "probabilities");
                checkDistribution(probs, where);
                if (probsWidth == 0) {
                    probsWidth = probs.length;
                } else if (probs.length != probsWidth) {
                    throw new ImportException(where + ": a distribution over " + probs.length + " actions, earlier rows"
                            + " have " + probsWidth);
                }
                if (actInts == null || actInts.length != 1 || actInts[0] - start(actions) >= probs.length) {
                    throw new ImportException(where + ": a logged distribution needs a Discrete action space of "
                            + probs.length + " actions, not " + actions);
                }
                propensity = probs[actInts[0] - start(actions)];
            }
            if (m.propensity() != null && v.containsKey(m.propensity())) {
                double p = number(v.get(m.propensity()), where, m.propensity());
                if (!(p > 0 && p <= 1)) {
                    throw new ImportException(where + ": propensity " + p + " is outside (0, 1]");
                }
                if (probs != null && Math.abs(p - propensity) > PROPENSITY_TOLERANCE) {
                    throw new ImportException(where + ": propensity " + p + " disagrees with the logged distribution's "
                            + propensity + " for action " + actInts[0]);
                }
                propensity = (float) p;
            } else if (m.propensity() != null && probs == null) {
                throw new ImportException(where + ": no column '" + m.propensity() + "' (the propensity)");
            }
            if (hasPropensity && !(propensity > 0)) {
                throw new ImportException(where + ": the logged distribution gives the logged action probability "
                        + propensity + "; propensities must be in (0, 1]");
            }
            e.steps.add(new Step(where, step, obs, actInts, actFloats, (float) reward, terminated, truncated, next,
                    propensity, probs));
        }

        private static int start(Space actions) {
            return actions instanceof org.rlplay.env.space.Discrete d ? d.start() : 0;
        }

        private static void checkDistribution(float[] probs, String where) {
            double sum = 0;
            for (int i = 0; i < probs.length; i++) {
                if (!(probs[i] >= 0 && probs[i] <= 1)) {
                    throw new ImportException(where + ": probability " + probs[i] + " of action " + i + " is outside [0, 1]");
                }
                sum += probs[i];
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new ImportException(where + ": the logged distribution sums to " + sum + ", not 1");
            }
        }

        private static Object required(Map<String, Object> v, String column, String where) {
            Object x = v.get(column);
            if (x == null) {
                throw new ImportException(where + ": no column '" + column + "' (columns: " + v.keySet() + ")");
            }
            return x;
        }

        private static boolean flag(Map<String, Object> v, String column, String where) {
            if (column == null) {
                return false;
            }
            Object x = v.get(column);
            if (x == null) {
                return false;
            }
            if (x instanceof Boolean b) {
                return b;
            }
            if (x instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
                return n.doubleValue() == 1;
            }
            throw new ImportException(where + ", column '" + column + "': " + x + " is not a boolean");
        }

        private static long integer(Map<String, Object> v, String column, String where) {
            Object x = required(v, column, where);
            double d = number(x, where, column);
            if (d != Math.rint(d)) {
                throw new ImportException(where + ", column '" + column + "': " + x + " is not an integer");
            }
            return (long) d;
        }

        private static double number(Object x, String where, String column) {
            if (x instanceof Number n) {
                return n.doubleValue();
            }
            if (x instanceof Boolean b) {
                return b ? 1 : 0;
            }
            throw new ImportException(where + ", column '" + column + "': " + x + " is not a number");
        }

        private static int[] integers(Object x, String where, String column) {
            List<?> list = x instanceof List<?> l ? l : List.of(x);
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                double d = number(list.get(i), where, column);
                if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                    throw new ImportException(where + ", column '" + column + "': " + list.get(i) + " is not an integer action");
                }
                out[i] = (int) d;
            }
            return out;
        }

        /** The elements of one list column, or of several scalar columns, as floats. */
        private static float[] observation(Map<String, Object> v, List<String> columns, String where, String what) {
            List<Object> elements = new ArrayList<>();
            for (String c : columns) {
                Object x = required(v, c, where);
                flatten(x, elements);
            }
            float[] out = new float[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) number(elements.get(i), where, columns.size() == 1 ? columns.get(0) : columns.toString());
            }
            if (out.length == 0) {
                throw new ImportException(where + ": an empty " + what);
            }
            return out;
        }

        private static void flatten(Object x, List<Object> out) {
            if (x instanceof List<?> l) {
                for (Object y : l) {
                    flatten(y, out);
                }
            } else {
                out.add(x);
            }
        }
    }

    /** Lays episodes out on N lanes and fills one fragment after another with the engine's semantics. */
    private static final class Lanes {
        final FragmentSpec spec;
        final List<List<Episode>> lanes = new ArrayList<>();
        final int[] episode;
        final int[] step;
        final double[] returns;
        final long total;
        final boolean propensity;
        final int probsWidth;
        final float[] lastObs;
        final int kept;
        final int dropped;

        Lanes(FragmentSpec spec, List<Episode> episodes, boolean propensity, int probsWidth) {
            this.spec = spec;
            int n = spec.numEnvs();
            long[] steps = new long[n];
            for (int j = 0; j < n; j++) {
                lanes.add(new ArrayList<>());
            }
            List<Episode> open = new ArrayList<>();
            for (Episode e : episodes) {
                if (!e.steps.get(e.steps.size() - 1).ends()) {
                    open.add(e);
                    continue;
                }
                int best = shortest(steps, null);
                lanes.get(best).add(e);
                steps[best] += e.steps.size();
            }
            // an episode the log ends in the middle can only be the last of its lane
            boolean[] taken = new boolean[n];
            int keep = 0;
            for (Episode e : open) {
                if (keep == n) {
                    break;
                }
                int best = shortest(steps, taken);
                taken[best] = true;
                lanes.get(best).add(e);
                steps[best] += e.steps.size();
                keep++;
            }
            this.kept = keep;
            this.dropped = open.size() - keep;
            long most = 0;
            for (long s : steps) {
                most = Math.max(most, s);
            }
            this.total = (most + spec.length() - 1) / spec.length();
            this.episode = new int[n];
            this.step = new int[n];
            this.returns = new double[n];
            this.propensity = propensity;
            this.probsWidth = probsWidth;
            this.lastObs = new float[n * spec.observationSpace().size()];
        }

        private static int shortest(long[] steps, boolean[] taken) {
            int best = -1;
            for (int j = 0; j < steps.length; j++) {
                if ((taken == null || !taken[j]) && (best < 0 || steps[j] < steps[best])) {
                    best = j;
                }
            }
            return best;
        }

        /** The step lane j takes next, or null when the lane has run out. */
        private Step current(int j) {
            List<Episode> l = lanes.get(j);
            return episode[j] < l.size() ? l.get(episode[j]).steps.get(step[j]) : null;
        }

        /**
         * Fills fragment {@code k} (or returns false after the last one): record 0 is the start-up
         * record for k = 0, else the previous fragment's record T (the writer still holds it).
         */
        boolean fill(FragmentWriter w, long k) {
            if (k >= total) {
                return false;
            }
            Fragment f = w.fragment();
            int n = spec.numEnvs();
            int t1 = spec.length();
            Column propensityColumn = propensity ? w.actorInfoColumn(new ColumnSpec(PROPENSITY, ElementType.FLOAT32,
                    new int[0], true)) : null;
            Column probsColumn = probsWidth > 0 ? w.actorInfoColumn(new ColumnSpec(PROBS, ElementType.FLOAT32,
                    new int[] {probsWidth}, true)) : null;
            w.clearEpisodes();
            w.setMeta(k, 0, 0, 0);
            w.setHx(null);
            if (k == 0) {
                for (int j = 0; j < n; j++) {
                    f.stepno()[j] = 0;
                    f.fin()[j] = true;
                    Step s = current(j);
                    observe(f, 0, j, s, propensityColumn, probsColumn);
                    if (s != null) {
                        f.stepno()[j] = (int) s.stepIndex();
                    }
                }
            } else {
                copyRecord(f, t1, 0);
            }
            for (int t = 0; t < t1; t++) {
                for (int j = 0; j < n; j++) {
                    stepLane(w, f, t, j, propensityColumn, probsColumn);
                }
            }
            return true;
        }

        /** Writes record t+1 of lane j: the step lane j takes at record t, or a padding record. */
        private void stepLane(FragmentWriter w, Fragment f, int t, int j, Column propensityColumn, Column probsColumn) {
            int next = f.index(t + 1, j);
            Step s = current(j);
            int obsSize = spec.observationSpace().size();
            int actSize = spec.actionSpace().size();
            float[] finalObs = spec.keepFinalObs() ? f.finalObs() : null;
            if (finalObs != null) {
                java.util.Arrays.fill(finalObs, next * obsSize, (next + 1) * obsSize, 0f);
            }
            if (s == null) {
                // the lane has run out: a padding record (no step behind it), like a stopped env in sticky mode
                f.fin()[next] = true;
                f.trunc()[next] = false;
                f.rew()[next] = 0;
                f.stepno()[next] = 0;
                clearAction(f, next * actSize, actSize);
                System.arraycopy(lastObs, j * obsSize, f.obs(), next * obsSize, obsSize);
                clearInfo(t + 1, j, propensityColumn, probsColumn);
                return;
            }
            Episode e = lanes.get(j).get(episode[j]);
            boolean last = step[j] == e.steps.size() - 1;
            if (last && !s.ends() && s.next() == null) {
                // the log ends this episode in the middle and the step's outcome is unknown: the lane stops
                // at its observation (record t); the records from t+1 on are padding
                episode[j]++;
                step[j] = 0;
                stepLane(w, f, t, j, propensityColumn, probsColumn);
                return;
            }
            if (s.actInts() != null) {
                System.arraycopy(s.actInts(), 0, f.actInts(), next * actSize, actSize);
            } else {
                System.arraycopy(s.actFloats(), 0, f.actFloats(), next * actSize, actSize);
            }
            f.rew()[next] = s.reward();
            returns[j] += s.reward();
            if (last && !s.ends()) {
                // the log ends this episode in the middle after a step with a known outcome: the lane stops
                // after it, the next records are padding
                f.fin()[next] = false;
                f.trunc()[next] = false;
                System.arraycopy(s.next(), 0, f.obs(), next * obsSize, obsSize);
                System.arraycopy(s.next(), 0, lastObs, j * obsSize, obsSize);
                f.stepno()[next] = (int) s.stepIndex() + 1;
                clearInfo(t + 1, j, propensityColumn, probsColumn);
                episode[j]++;
                step[j] = 0;
                return;
            }
            if (!last) {
                step[j]++;
                f.fin()[next] = false;
                f.trunc()[next] = false;
                observe(f, t + 1, j, current(j), propensityColumn, probsColumn);
                f.stepno()[next] = (int) current(j).stepIndex();
                return;
            }
            // the episode's last step: same-step autoreset into the lane's next episode
            f.fin()[next] = true;
            f.trunc()[next] = s.truncated();
            if (finalObs != null && s.next() != null) {
                System.arraycopy(s.next(), 0, finalObs, next * obsSize, obsSize);
            }
            w.addEpisode(j, t + 1, returns[j], e.steps.size(), s.truncated());
            returns[j] = 0;
            System.arraycopy(s.next() != null ? s.next() : s.obs(), 0, lastObs, j * obsSize, obsSize);
            episode[j]++;
            step[j] = 0;
            Step first = current(j);
            observe(f, t + 1, j, first, propensityColumn, probsColumn);
            f.stepno()[next] = first == null ? 0 : (int) first.stepIndex();
        }

        /** Record t of lane j observes step {@code s} (or, for a lane that has run out, repeats its last observation). */
        private void observe(Fragment f, int t, int j, Step s, Column propensityColumn, Column probsColumn) {
            int obsSize = spec.observationSpace().size();
            int i = f.index(t, j);
            if (s == null) {
                System.arraycopy(lastObs, j * obsSize, f.obs(), i * obsSize, obsSize);
                clearInfo(t, j, propensityColumn, probsColumn);
                return;
            }
            System.arraycopy(s.obs(), 0, f.obs(), i * obsSize, obsSize);
            System.arraycopy(s.obs(), 0, lastObs, j * obsSize, obsSize);
            if (propensityColumn != null) {
                propensityColumn.floats()[i] = s.propensity();
            }
            if (probsColumn != null) {
                System.arraycopy(s.probs(), 0, probsColumn.floats(), i * probsWidth, probsWidth);
            }
        }

        private void clearInfo(int t, int j, Column propensityColumn, Column probsColumn) {
            int i = t * spec.numEnvs() + j;
            if (propensityColumn != null) {
                propensityColumn.floats()[i] = 0;
            }
            if (probsColumn != null) {
                java.util.Arrays.fill(probsColumn.floats(), i * probsWidth, (i + 1) * probsWidth, 0f);
            }
        }

        private static void clearAction(Fragment f, int from, int size) {
            if (f.actInts() != null) {
                java.util.Arrays.fill(f.actInts(), from, from + size, 0);
            } else {
                java.util.Arrays.fill(f.actFloats(), from, from + size, 0f);
            }
        }

        /** Copies record {@code from} of every column into record {@code to} (the lookahead repeated). */
        private void copyRecord(Fragment f, int from, int to) {
            for (Column c : f.columns()) {
                if (c.spec().perRecord()) {
                    int n = spec.numEnvs() * c.width();
                    System.arraycopy(c.array(), c.offset(from, 0), c.array(), c.offset(to, 0), n);
                }
            }
        }
    }

    /** The space of a mapping file's or flag's JSON description. */
    public static Space space(String json) {
        try {
            return SpaceJson.fromJson(com.google.gson.JsonParser.parseString(json));
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException("not a JSON space description: " + json, e);
        }
    }
}
