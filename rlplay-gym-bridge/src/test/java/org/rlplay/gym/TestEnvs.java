package org.rlplay.gym;

import java.nio.file.Path;

/** Specs of the test envs in {@code src/test/python/rlplay_test_envs.py}. */
final class TestEnvs {
    private TestEnvs() {
    }

    /** A builder for {@code rlplay_test_envs:<id>} with the test module on the child's path. */
    static GymEnvSpec.Builder spec(String id) {
        return GymEnvSpec.builder("rlplay_test_envs:" + id).pythonPath(Path.of("src", "test", "python"));
    }
}
