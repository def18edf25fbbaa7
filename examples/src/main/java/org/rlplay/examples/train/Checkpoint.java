package org.rlplay.examples.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializationContext;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlplay.algos.state.Resumable;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.examples.envs.EnvSpec;

/**
 * A saved training state: one directory holding {@value #JSON} (format, the run's {@link State},
 * and for every network the shape of each parameter and the SHA-256 of its file, and for every
 * saved part of the training state its file's SHA-256), one {@code <network>.params} file per
 * network (DJL's {@code Block.saveParameters} encoding) and one {@code <part>.state} file per
 * {@link Resumable} part (the optimizer's moments, the random generators' positions, the episode
 * window, ...: what a resumed run needs to continue exactly). {@value #JSON} is bound to records by
 * Gson; spaces are written as {@link SpaceJson} describes.
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
    static final String FORMAT = "rlplay-checkpoint/2";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .registerTypeHierarchyAdapter(Space.class, new SpaceAdapter()).create();

    /**
     * The counters and settings saved with the weights.
     *
     * @param algo             algorithm name ({@code --algo})
     * @param env              the env trained on (for an offline algorithm, the dataset's)
     * @param observationSpace its observation space
     * @param actionSpace      its action space
     * @param seed             the run's seed
     * @param totalSteps       the run's budget (env steps, or updates for an offline algorithm)
     * @param hyperparameters  the algorithm's hyperparameters as JSON
     * @param updates          training-loop iterations done
     * @param optimizerSteps   optimizer steps done
     * @param envSteps         env steps done
     * @param episodes         episodes finished
     * @param wallSeconds      training time so far
     * @param meanReturn       mean return over the last 100 episodes at saving time (NaN if none)
     */
    public record State(String algo, EnvSpec env, Space observationSpace, Space actionSpace, long seed,
                        long totalSteps, JsonElement hyperparameters, long updates, long optimizerSteps,
                        long envSteps, long episodes, double wallSeconds, double meanReturn) {
    }

    /** The contents of {@value #JSON}. */
    private record Metadata(String format, State run, Map<String, NetworkFile> networks, Map<String, PartFile> parts) {
    }

    /** A network's file, its hash and the shape of each of its parameters, by name. */
    private record NetworkFile(String file, String sha256, Map<String, long[]> parameters) {
    }

    /** A part's file and its hash. */
    private record PartFile(String file, String sha256) {
    }

    private final Path dir;
    private final Metadata metadata;

    private Checkpoint(Path dir, Metadata metadata) {
        this.dir = dir;
        this.metadata = metadata;
    }

    /** The checkpoint's directory. */
    public Path dir() {
        return dir;
    }

    /** The counters and settings saved with the weights. */
    public State state() {
        return metadata.run();
    }

    /**
     * Writes a checkpoint of {@code nets}, {@code state} and the training-state {@code parts} under
     * {@code runDir}/{@value #DIR}.
     *
     * @return the new checkpoint's directory
     */
    public static Path save(Path runDir, Networks nets, State state, Map<String, ? extends Resumable> parts) {
        Path parent = runDir.resolve(DIR);
        String name = String.format("%012d", state.updates());
        Path tmp = parent.resolve(".tmp-" + name);
        Path target = parent.resolve(name);
        try {
            Files.createDirectories(parent);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Map<String, NetworkFile> networks = new LinkedHashMap<>();
            for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
                String file = e.getKey() + ".params";
                String sha = write(tmp.resolve(file), out -> e.getValue().saveParameters(out));
                Map<String, long[]> shapes = new LinkedHashMap<>();
                for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                    shapes.put(p.getKey(), p.getValue().getArray().getShape().getShape());
                }
                networks.put(e.getKey(), new NetworkFile(file, sha, shapes));
            }
            Map<String, PartFile> saved = new LinkedHashMap<>();
            for (Map.Entry<String, ? extends Resumable> e : parts.entrySet()) {
                String file = e.getKey() + ".state";
                saved.put(e.getKey(), new PartFile(file, write(tmp.resolve(file), out -> e.getValue().saveState(out))));
            }
            Files.writeString(tmp.resolve(JSON), GSON.toJson(new Metadata(FORMAT, state, networks, saved)),
                    StandardCharsets.UTF_8);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** Writes one file through {@code body} and returns its SHA-256. */
    private static String write(Path file, Body body) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new DigestOutputStream(raw, sha)))) {
            body.write(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** What goes into one file of a checkpoint. */
    @FunctionalInterface
    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Reads the checkpoint at {@code path}: a checkpoint directory, or a run directory (then its
     * newest checkpoint, by update count).
     *
     * @throws CheckpointException if there is none, or its metadata is missing or malformed
     */
    public static Checkpoint open(Path path) {
        Path dir = Files.isRegularFile(path.resolve(JSON)) ? path : newest(path);
        JsonElement json;
        try {
            json = JsonParser.parseString(Files.readString(dir.resolve(JSON), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": cannot read " + JSON, e);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " is not valid JSON", e);
        }
        String format = json.isJsonObject() && json.getAsJsonObject().has("format")
                ? json.getAsJsonObject().get("format").getAsString() : null;
        if (!FORMAT.equals(format)) {
            throw new CheckpointException("checkpoint " + dir + " has format '" + format + "', expected '" + FORMAT
                    + "' (a checkpoint of another rlplay version)");
        }
        Metadata m;
        try {
            m = GSON.fromJson(json, Metadata.class);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " has a wrong value ("
                    + e.getMessage() + ")", e);
        }
        State s = m.run();
        String missing = s == null ? "run" : s.algo() == null ? "run.algo" : s.env() == null ? "run.env"
                : s.observationSpace() == null ? "run.observationSpace" : s.actionSpace() == null ? "run.actionSpace"
                : s.hyperparameters() == null ? "run.hyperparameters" : m.networks() == null ? "networks"
                : m.parts() == null ? "parts" : null;
        if (missing != null) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " lacks '" + missing + "'");
        }
        return new Checkpoint(dir, m);
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
            return Hyperparameters.fromJson(state().hyperparameters(), type);
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
        Map<String, NetworkFile> networks = metadata.networks();
        if (!networks.keySet().equals(nets.blocks().keySet())) {
            throw new CheckpointException("checkpoint " + dir + " was saved from a different model: it has networks "
                    + networks.keySet() + ", the model has " + nets.blocks().keySet());
        }
        for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
            checkShapes(e.getKey(), networks.get(e.getKey()), e.getValue());
        }
        for (Map.Entry<String, Block> e : nets.blocks().entrySet()) {
            load(networks.get(e.getKey()), e.getValue(), nets);
        }
        nets.reattachGradients();
    }

    /** Whether the checkpoint holds training-state part {@code name}. */
    public boolean hasPart(String name) {
        return metadata.parts().containsKey(name);
    }

    /**
     * Restores training-state part {@code name} into {@code into}, after checking its hash.
     *
     * @throws CheckpointException if the part is missing, damaged, or belongs to something built another way
     */
    public void restorePart(String name, Resumable into) {
        PartFile part = metadata.parts().get(name);
        if (part == null) {
            throw new CheckpointException("checkpoint " + dir + " has no training state '" + name + "' (it has "
                    + metadata.parts().keySet() + ")");
        }
        Path file = verified(part.file(), part.sha256());
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            into.restoreState(in);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("checkpoint " + dir + ": cannot restore the training state '" + name + "' from "
                    + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private void checkShapes(String name, NetworkFile saved, Block block) {
        if (saved == null || saved.parameters() == null) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: no parameter list for network '" + name + "'");
        }
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.add(p.getKey());
            long[] expected = p.getValue().getArray().getShape().getShape();
            long[] actual = saved.parameters().get(p.getKey());
            if (actual == null) {
                throw new CheckpointException("checkpoint " + dir + " was saved from a different model: network '" + name
                        + "' has no parameter " + p.getKey() + " in the checkpoint (it has "
                        + saved.parameters().keySet() + ")");
            }
            if (!Arrays.equals(expected, actual)) {
                throw new CheckpointException("checkpoint " + dir + " was saved from a different model: parameter "
                        + name + "/" + p.getKey() + " has shape " + new Shape(actual) + " in the checkpoint but "
                        + new Shape(expected) + " in the model built from the current hyperparameters");
            }
        }
        if (!saved.parameters().keySet().equals(new HashSet<>(names))) {
            throw new CheckpointException("checkpoint " + dir + " was saved from a different model: network '" + name
                    + "' has parameters " + saved.parameters().keySet() + " in the checkpoint but " + names + " in the model");
        }
    }

    private void load(NetworkFile entry, Block block, Networks nets) {
        Path file = verified(entry.file(), entry.sha256());
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

    /** The checkpoint's file {@code name}, after checking that it exists and has SHA-256 {@code expected}. */
    private Path verified(String name, String expected) {
        if (name == null || expected == null) {
            throw new CheckpointException("checkpoint " + dir + " is corrupted: " + JSON + " lists a file without a name"
                    + " or a hash");
        }
        Path file = dir.resolve(name);
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
        return file;
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

    /** Spaces in {@value #JSON}, as {@link SpaceJson} writes them. */
    private static final class SpaceAdapter implements JsonSerializer<Space>, JsonDeserializer<Space> {
        @Override
        public JsonElement serialize(Space src, Type type, JsonSerializationContext context) {
            return SpaceJson.toJson(src);
        }

        @Override
        public Space deserialize(JsonElement json, Type type, JsonDeserializationContext context) {
            return SpaceJson.fromJson(json);
        }
    }
}
