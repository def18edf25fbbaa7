"""Gymnasium envs that exercise the rlplay bridge in tests (imported as ``rlplay_test_envs:<id>``).

* ``RlplayTest/Echo-v0``: the observation is the last action received, as float32, so Java can
  check that actions of every space kind cross the bridge intact. ``action`` selects the action
  space: ``multidiscrete`` (MultiDiscrete([3, 4])), ``multibinary`` (MultiBinary(3)), ``intbox``
  (Box(-2, 2, (2,), int64)) or ``floatbox`` (Box(-1, 1, (2, 2), float64)). Episodes last
  ``length`` steps and end by termination; the info holds ``count`` (steps taken).
* ``RlplayTest/DictObs-v0``: a Dict observation ``{"b": Box(-1, 1, (2,)), "a": Discrete(3)}``
  that the bridge flattens; ``a`` and ``b`` follow the step count.
* ``RlplayTest/Image-v0``: uint8 "image" observations of shape (2, 3, 2) whose element at
  (h, w, c) is ``100 * h + 10 * w + c + count`` (count: steps since reset).
* ``RlplayTest/Faulty-v0``: raises ``ValueError`` on step number ``fail_at`` of the env whose
  reset seed equals ``fail_seed``.
* ``RlplayTest/Slow-v0``: sleeps ``seconds`` in every step.
* ``RlplayTest/TupleAction-v0``: a Tuple action space, which the bridge refuses.
* ``RlplayTest/NeedsDependency-v0``: raises Gymnasium's ``DependencyNotInstalled`` when made, with
  the wording Gymnasium's Box2D envs use.
"""

import time

import gymnasium
import numpy as np
from gymnasium import spaces

_ACTION_SPACES = {
    "multidiscrete": lambda: spaces.MultiDiscrete([3, 4]),
    "multibinary": lambda: spaces.MultiBinary(3),
    "intbox": lambda: spaces.Box(-2, 2, (2,), np.int64),
    "floatbox": lambda: spaces.Box(-1.0, 1.0, (2, 2), np.float64),
}


class EchoEnv(gymnasium.Env):
    def __init__(self, action="multidiscrete", length=3):
        self.action_space = _ACTION_SPACES[action]()
        size = int(np.prod(self.action_space.shape))
        self.observation_space = spaces.Box(-10.0, 10.0, (size,), np.float32)
        self.length = length
        self.count = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = 0
        return np.full(self.observation_space.shape, -5.0, dtype=np.float32), {}

    def step(self, action):
        assert self.action_space.contains(action), "action %r (%s) not in %s" % (
            action, getattr(action, "dtype", type(action)), self.action_space)
        self.count += 1
        obs = np.asarray(action, dtype=np.float32).ravel()
        return obs, float(self.count), self.count >= self.length, False, {"count": self.count}


class DictObsEnv(gymnasium.Env):
    def __init__(self):
        self.observation_space = spaces.Dict({"b": spaces.Box(-1.0, 1.0, (2,), np.float32),
                                              "a": spaces.Discrete(3)})
        self.action_space = spaces.Discrete(2)
        self.count = 0

    def _obs(self):
        return {"b": np.array([0.5, -0.5 * (self.count % 2)], dtype=np.float32), "a": self.count % 3}

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = 0
        return self._obs(), {}

    def step(self, action):
        self.count += 1
        return self._obs(), 0.0, False, False, {}


class ImageEnv(gymnasium.Env):
    def __init__(self):
        self.observation_space = spaces.Box(0, 255, (2, 3, 2), np.uint8)
        self.action_space = spaces.Discrete(2)
        self.count = 0

    def _obs(self):
        h, w, c = np.indices((2, 3, 2))
        return (100 * h + 10 * w + c + self.count).astype(np.uint8)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.count = 0
        return self._obs(), {}

    def step(self, action):
        self.count += 1
        return self._obs(), 0.0, False, False, {}


class FaultyEnv(gymnasium.Env):
    def __init__(self, fail_at=3, fail_seed=1):
        self.observation_space = spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.action_space = spaces.Discrete(2)
        self.fail_at = fail_at
        self.fail_seed = fail_seed
        self.seed = None
        self.count = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if seed is not None:
            self.seed = seed
        self.count = 0
        return np.zeros(1, dtype=np.float32), {}

    def step(self, action):
        self.count += 1
        if self.seed == self.fail_seed and self.count == self.fail_at:
            raise ValueError("boom at step %d" % self.count)
        return np.zeros(1, dtype=np.float32), 0.0, False, False, {}


class SlowEnv(gymnasium.Env):
    def __init__(self, seconds=3.0):
        self.observation_space = spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.action_space = spaces.Discrete(2)
        self.seconds = seconds

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(1, dtype=np.float32), {}

    def step(self, action):
        time.sleep(self.seconds)
        return np.zeros(1, dtype=np.float32), 0.0, False, False, {}


class TupleActionEnv(SlowEnv):
    def __init__(self):
        super().__init__(0.0)
        self.action_space = spaces.Tuple((spaces.Discrete(2), spaces.Discrete(3)))


class NeedsDependencyEnv(SlowEnv):
    def __init__(self):
        raise gymnasium.error.DependencyNotInstalled(
            'Box2D is not installed, you can install it by run `pip install swig` followed by '
            '`pip install "gymnasium[box2d]"`')


gymnasium.register("RlplayTest/Echo-v0", entry_point=EchoEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/DictObs-v0", entry_point=DictObsEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/Image-v0", entry_point=ImageEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/Faulty-v0", entry_point=FaultyEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/Slow-v0", entry_point=SlowEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/TupleAction-v0", entry_point=TupleActionEnv, disable_env_checker=True)
gymnasium.register("RlplayTest/NeedsDependency-v0", entry_point=NeedsDependencyEnv, disable_env_checker=True)
