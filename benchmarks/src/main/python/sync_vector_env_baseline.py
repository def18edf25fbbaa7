"""Pure-Python baseline of BridgeBenchmarks: Gymnasium's own SyncVectorEnv stepping N envs.

Usage: python sync_vector_env_baseline.py ENV_ID N
    Serves BridgeBenchmarks: for every line K read from stdin, steps the vector env K times with
    uniformly random actions (numpy's generator, one call per batch step), then writes "ok".
Usage: python sync_vector_env_baseline.py ENV_ID N --standalone STEPS
    Prints batch steps per second and env steps per second of STEPS batch steps.

The vector env autoresets in the same step (AutoresetMode.SAME_STEP), as the bridge does, and its
envs are made by gymnasium.make(ENV_ID), with the same wrappers as the bridge's envs.
"""

import sys
import time

import gymnasium
import numpy as np


def make(env_id, n):
    envs = gymnasium.vector.SyncVectorEnv(
        [lambda: gymnasium.make(env_id) for _ in range(n)],
        autoreset_mode=gymnasium.vector.AutoresetMode.SAME_STEP)
    envs.reset(seed=list(range(n)))
    return envs


def main(argv):
    env_id, n = argv[1], int(argv[2])
    envs = make(env_id, n)
    space = envs.single_action_space
    if not isinstance(space, gymnasium.spaces.Discrete):
        raise SystemExit("the baseline samples Discrete actions; %s has %s" % (env_id, space))
    rng = np.random.default_rng(0)
    low, high = int(space.start), int(space.start + space.n)
    step = envs.step
    if len(argv) > 3 and argv[3] == "--standalone":
        steps = int(argv[4])
        start = time.perf_counter()
        for _ in range(steps):
            step(rng.integers(low, high, size=n))
        elapsed = time.perf_counter() - start
        print("%s N=%d: %.0f batch steps/s, %.0f env steps/s" % (env_id, n, steps / elapsed, steps * n / elapsed))
        return
    print("ready", flush=True)
    for line in sys.stdin:
        for _ in range(int(line)):
            step(rng.integers(low, high, size=n))
        sys.stdout.write("ok\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
