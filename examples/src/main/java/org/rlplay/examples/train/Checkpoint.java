package org.rlplay.examples.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A saved training state: one directory holding {@value #JSON} (format, algorithm, env, seed,
 * hyperparameters, counters, and for every network the shape of each parameter and the SHA-256 of
 * its file) and one {@code <network>.params} file per network (DJL's
 * {@code Block.saveParameters} encoding).
 *
 * <p>A run keeps its checkpoints in {@code <run>/checkpoints/<updates, zero-padded>}; each is
 * written to a temporary directory first and renamed into place, so a checkpoint directory that
 * exists is complete. Loading verifies the hashes (a corrupted file is a {@link CheckpointException},
 * never garbage weights) and the parameter shapes against the networks it is loaded into (a
 * checkpoint of another model shape is a {@link CheckpointException} naming the parameter).
 *
 * <p>Immutable once read; saving and restoring run on the training loop's thread.
 */
public final class Checkpoint {
    /** The metadata file of a checkpoint. */
    public static final String JSON = "checkpoint.json";
    /** The subdirectory of a run that holds its checkpoints. */
    public static final String DIR = "checkpoints";
    static final String FORMAT = "rlplay-checkpoint/1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /**
     * The counters and settings saved with the weights.
     *
     * @param algo            algorithm name ({@code --algo})
     * @param env             env id
     * @param seed            the run's seed
     * @param totalSteps      the run's env-step budget
     * @param hyperparameters the algorithm's hyperparameters as JSON
     * @param updates         training-loop iterations done
     * @param optimizerSteps  optimizer steps done
     * @param envSteps        env steps done
     * @param episodes        episodes finished
     * @param wallSeconds     training time so far
     * @param meanReturn      mean return over the last 100 episodes at saving time (NaN if none)
     */
    public record State(String algo, String env, long seed, long totalSteps, JsonElement hyperparameters,
                        long updates, long optimizerSteps, long envSteps, long episodes, double wallSeconds,
                        double meanReturn) {
    }

    private final Path dir;
    private final State state;
    private final JsonObject networks;

    private Checkpoint(Path dir, State state, JsonObject networks) {
        this.dir = dir;
        this.state = state;
        this.networks = networks;
    }

    /** The checkpoint's directory. */
    public Path dir() {
        return dir;
    }

    /** The counters and settings saved with the weights. */
    public State state() {
        return state;
    }

    /**
     * Writes a checkpoint of {@code nets} and {@code state} under {@code runDir}/{@value #DIR}.
     *
     * @return the new checkpoint's directory
     */
    public static Path save(Path runDir, Networks nets, State state) {
        Path parent = runDir.resolve(DIR);
        String name = String.format("%012d", state.updates());
        Path tmp = parent.resolve(".tmp-" + name);
        Path target = parent.resolve(name);
        try {
            Files.createDirectories(parent);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            JsonObject nets2 = new JsonObject();
            for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
                String file = e.getKey() + ".params";
                MessageDigest sha = sha256();
                try (OutputStream raw = Files.newOutputStream(tmp.resolve(file));
                     DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(raw, sha)))) {
                    e.getValue().saveParameters(out);
                }
                JsonObject entry = new JsonObject();
                entry.addProperty("file", file);
                entry.addProperty("sha256", HexFormat.of().formatHex(sha.digest()));
                JsonObject shapes = new JsonObject();
                for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                    shapes.add(p.getKey(), GSON.toJsonTree(p.getValue().getArray().getShape().getShape()));
                }
                entry.add("parameters", shapes);
                nets2.add(e.getKey(), entry);
            }
            JsonObject json = new JsonObject();
            json.addProperty("format", FORMAT);
            json.addProperty("algo", state.algo());
            json.addProperty("env", state.env());
            json.addProperty("seed", state.seed());
            json.addProperty("totalSteps", state.totalSteps());
            json.addProperty("updates", state.updates());
            json.addProperty("optimizerSteps", state.optimizerSteps());
            json.addProperty("envSteps", state.envSteps());
            json.addProperty("episodes", state.episodes());
            json.addProperty("wallSeconds", state.wallSeconds());
            json.addProperty("meanReturn100", state.meanReturn());
            json.add("hyperparameters", state.hyperparameters());
            json.add("networks", nets2);
            Files.writeString(tmp.resolve(JSON), GSON.toJson(json), StandardCharsets.UTF_8);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /**
     * Reads the checkpoint at {@code path}: a checkpoint directory, or a run directory (then its
     * newest checkpoint, by update count).
     *
     * @throws CheckpointException if there is none, or its metadata is missing or malformed
     */
    public static Checkpoint open(Path path) {
        Path dir = Files.isRegularFile(path.resolve(JSON)) ? path : newest(path);
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(dir.resolve(JSON), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": cannot read " + JSON, e);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " is not valid JSON", e);
        }
        try {
            String format = json.get("format").getAsString();
            if (!FORMAT.equals(format)) {
                throw new CheckpointException("checkpoint " + dir + " has format '" + format + "', expected '" + FORMAT + "'");
            }
            State state = new State(json.get("algo").getAsString(), json.get("env").getAsString(),
                    json.get("seed").getAsLong(), json.get("totalSteps").getAsLong(), json.get("hyperparameters"),
                    json.get("updates").getAsLong(), json.get("optimizerSteps").getAsLong(),
                    json.get("envSteps").getAsLong(), json.get("episodes").getAsLong(),
                    json.get("wallSeconds").getAsDouble(), json.get("meanReturn100").getAsDouble());
            return new Checkpoint(dir, state, json.getAsJsonObject("networks"));
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " lacks a field or has a"
                    + " wrong type (" + e.getMessage() + ")", e);
        }
    }

    /** The newest complete checkpoint under {@code runDir}/{@value #DIR}. */
    private static Path newest(Path runDir) {
        Path parent = runDir.resolve(DIR);
        Path best = null;
        if (Files.isDirectory(parent)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(parent)) {
                for (Path c : children) {
                    String n = c.getFileName().toString();
                    if (n.matches("\\d+") && Files.isRegularFile(c.resolve(JSON))
                            && (best == null || n.compareTo(best.getFileName().toString()) > 0)) {
                        best = c;
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot list checkpoints in " + parent, e);
            }
        }
        if (best == null) {
            throw new CheckpointException("no checkpoint at " + runDir + ": expected a directory with " + JSON
                    + " or a run directory with " + DIR + "/<updates>/" + JSON);
        }
        return best;
    }

    /** The saved hyperparameters as a record of {@code type}. */
    public <H extends Record> H hyperparameters(Class<H> type) {
        try {
            return Hyperparameters.fromJson(state.hyperparameters(), type);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads the saved weights into {@code nets}, after checking that the checkpoint holds exactly
     * the same networks with the same parameter shapes and that every file matches its hash.
     *
     * @throws CheckpointException naming the checkpoint and the first mismatch or damage found
     */
    public void restore(Networks nets) {
        if (!networks.keySet().equals(nets.blocks().keySet())) {
            throw new CheckpointException("checkpoint " + dir + " was saved from a different model: it has networks "
                    + networks.keySet() + ", the model has " + nets.blocks().keySet());
        }
        for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
            checkShapes(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
            load(e.getKey(), e.getValue(), nets);
        }
        nets.reattachGradients();
    }

    private void checkShapes(String name, Block block) {
        JsonObject saved;
        try {
            saved = networks.getAsJsonObject(name).getAsJsonObject("parameters");
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: no parameter list for network '" + name + "'", e);
        }
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.add(p.getKey());
            long[] expected = p.getValue().getArray().getShape().getShape();
            JsonElement s = saved.get(p.getKey());
            if (s == null) {
                throw new CheckpointException("checkpoint " + dir + " was saved from a different model: network '" + name
                        + "' has no parameter " + p.getKey() + " in the checkpoint (it has " + saved.keySet() + ")");
            }
            long[] actual = GSON.fromJson(s, long[].class);
            if (!Arrays.equals(expected, actual)) {
                throw new CheckpointException("checkpoint " + dir + " was saved from a different model: parameter "
                        + name + "/" + p.getKey() + " has shape " + new Shape(actual) + " in the checkpoint but "
                        + new Shape(expected) + " in the model built from the current hyperparameters");
            }
        }
        if (!saved.keySet().equals(new java.util.HashSet<>(names))) {
            throw new CheckpointException("checkpoint " + dir + " was saved from a different model: network '" + name
                    + "' has parameters " + saved.keySet() + " in the checkpoint but " + names + " in the model");
        }
    }

    private void load(String name, Block block, Networks nets) {
        JsonObject entry = networks.getAsJsonObject(name);
        Path file = dir.resolve(entry.get("file").getAsString());
        String expected = entry.get("sha256").getAsString();
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint " + dir + " is incomplete: missing " + file.getFileName());
        }
        String actual;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            actual = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": cannot read " + file.getFileName(), e);
        }
        if (!actual.equals(expected)) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + file.getFileName()
                    + " has SHA-256 " + actual + " but the checkpoint recorded " + expected);
        }
        List<NDArray> old = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            old.add(p.getValue().getArray());
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(nets.manager(), in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: cannot decode " + file.getFileName(), e);
        }
        int i = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray now = p.getValue().getArray();
            NDArray before = old.get(i++);
            if (!now.getShape().equals(before.getShape())) {
                throw new CheckpointException("checkpoint " + dir + " was saved from a different model: " + file.getFileName()
                        + " holds " + p.getKey() + " of shape " + now.getShape() + ", expected " + before.getShape());
            }
            if (now != before) {
                before.close();
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
