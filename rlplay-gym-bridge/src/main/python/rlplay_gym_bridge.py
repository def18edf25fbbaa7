"""Python side of the rlplay Gymnasium bridge.

The Java class ``org.rlplay.gym.GymVecEnv`` starts this module as a child process, one process per
batch of envs. This process hosts N Gymnasium envs and steps them in lockstep with *same-step
autoreset*: an env whose episode ends in a step is reset within that same step, its last
observation goes to ``final_obs`` and the reset observation to ``obs``.

Control plane: a Py4J ``ClientServer`` whose Python server listens on 127.0.0.1 only, requires the
auth token passed in the environment variable ``RLPLAY_GYM_TOKEN`` and sets TCP_NODELAY on every
socket. Java calls the methods of :class:`GymWorker` (the Python server entry point); the Java
side never serves calls from Python.

Data plane: one shared memory file created and sized by Java, mapped here with ``mmap`` and read
and written through ``numpy.frombuffer`` views. Java passes the byte offset of every region to
:meth:`GymWorker.attach`; all values are in native byte order:

============  ==========================  ==========  =====================================
region        shape                       dtype       written by
============  ==========================  ==========  =====================================
actions       (N, action size)            int32 or    Java (int32 when the action space is
                                          float32     Discrete/MultiDiscrete/MultiBinary or
                                                      an integer Box, else float32)
skip          (N,)                        uint8       Java (1: do not step this env)
seeds         (N,)                        int64       Java (read by ``reset(True)``)
obs           (N, observation size)       storage     Python (the storage dtype, see below)
final_obs     (N, observation size)       storage     Python (only rows of envs that ended)
reward        (N,)                        float32     Python
terminated    (N,)                        uint8       Python
truncated     (N,)                        uint8       Python
info          (N, number of info keys)    float32     Python (NaN where a key is missing)
============  ==========================  ==========  =====================================

Observations are flattened row-major into their *storage* dtype, the rule of Java's
``Space.storageType()``: uint8 and int8 stay as they are (an image stays bytes), other integer
dtypes (Discrete, MultiDiscrete, integer Box) become int32, float dtypes float32. Dict and Tuple
observation spaces (and
MultiBinary/MultiDiscrete spaces with more than one dimension) are flattened with Gymnasium's
``gymnasium.spaces.flatten``: sub-spaces in the order of the Dict's keys or the Tuple's items,
Discrete and MultiDiscrete parts one-hot encoded, Box parts raveled.

Each step, reset or state call is exactly one Py4J call, whatever N is. ``step`` and ``reset``
return -1 on success, or the index of the env that raised, whose traceback :meth:`lastError`
then returns. The process exits when its standard input reaches end of file (Java closed it, or
Java died) or when its parent process changes (the parent died).
"""

import json
import logging
import math
import mmap
import os
import socket
import sys
import threading
import time
import traceback

import gymnasium
import numpy as np
from gymnasium import spaces
from py4j.clientserver import ClientServer, JavaParameters, PythonParameters, PythonServer
from py4j.java_gateway import server_started

PROTOCOL_VERSION = 1
READY_PREFIX = "RLPLAY_GYM_READY"
LISTEN_TIMEOUT_SECONDS = 30
TOKEN_VARIABLE = "RLPLAY_GYM_TOKEN"
PARENT_POLL_SECONDS = 0.25
_INT_DTYPES = ("int64", "int32", "int8", "uint8")
_FLOAT_DTYPES = ("float32", "float64")


# ----------------------------------------------------------------------------- Py4J with TCP_NODELAY

def _no_delay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _NoDelayPythonServer(PythonServer):
    """The Python server, setting TCP_NODELAY on each accepted connection from Java."""

    def _create_connection(self, socket_instance, stream):
        _no_delay(socket_instance)
        return super()._create_connection(socket_instance, stream)


class _NoDelayClientServer(ClientServer):
    """Py4J's ClientServer whose Python server sets TCP_NODELAY on its connections.

    Python never calls Java here, so the server's connections (opened by Java, which sets
    TCP_NODELAY on its end too) are the only sockets.
    """

    def _create_callback_server(self, callback_server_parameters):
        server = _NoDelayPythonServer(
            self._gateway_client, self.java_parameters, self.python_parameters,
            self.gateway_property)
        return server


# ----------------------------------------------------------------------------- spaces

def describe_space(space):
    """The JSON object (as a dict) that org.rlplay.env.space.SpaceJson reads, or None if the engine
    has no such space.

    ``{"type": "Discrete", "shape": [], "dtype": "int64", "n": n, "start": start}``, ``MultiDiscrete``
    with ``nvec``, ``MultiBinary`` with ``n``, and ``Box`` with ``low`` and ``high`` (row-major;
    infinite bounds become ``Infinity``/``-Infinity``, as ``json.dumps`` writes them).
    """
    shape = [int(d) for d in space.shape] if space.shape is not None else []
    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "shape": [], "dtype": "int64", "n": int(space.n), "start": int(space.start)}
    if isinstance(space, spaces.MultiDiscrete):
        if space.nvec.ndim != 1 or np.any(np.asarray(space.start) != 0):
            return None
        return {"type": "MultiDiscrete", "shape": shape, "dtype": "int64",
                "nvec": [int(n) for n in space.nvec.tolist()]}
    if isinstance(space, spaces.MultiBinary):
        if len(space.shape) != 1:
            return None
        return {"type": "MultiBinary", "shape": shape, "dtype": "int8", "n": int(space.shape[0])}
    if isinstance(space, spaces.Box):
        dtype = np.dtype(space.dtype).name
        if dtype not in _INT_DTYPES + _FLOAT_DTYPES:
            return None
        bounds = lambda b: np.asarray(b, dtype=np.float64).ravel().tolist()
        return {"type": "Box", "shape": shape, "dtype": dtype, "low": bounds(space.low), "high": bounds(space.high)}
    return None


def _supported_text():
    return ("supported are Discrete, MultiDiscrete (one-dimensional, start 0), MultiBinary "
            "(one-dimensional) and Box with dtype one of " + ", ".join(_INT_DTYPES + _FLOAT_DTYPES))


def _storage_dtype(space):
    """The dtype observations of ``space`` are stored as (Java's ``Space.storageType()``)."""
    if isinstance(space, spaces.MultiBinary):
        return np.int8
    if isinstance(space, (spaces.Discrete, spaces.MultiDiscrete)):
        return np.int32
    name = np.dtype(space.dtype).name
    if name in ("uint8", "int8"):
        return np.dtype(name).type
    return np.float32 if name in _FLOAT_DTYPES else np.int32


class _ObservationCodec:
    """Writes one env's observation into its row of the shared obs region, in the storage dtype."""

    def __init__(self, space):
        description = describe_space(space)
        if description is not None:
            self.space = space
            self.flatten = False
            self.shape = tuple(space.shape)
            self.description = description
            self.storage_dtype = _storage_dtype(space)
            return
        try:
            flat = spaces.flatten_space(space)
        except NotImplementedError as e:
            raise ValueError("observation space %s is not supported by the rlplay bridge and "
                             "Gymnasium cannot flatten it (%s); %s" % (space, e, _supported_text()))
        description = describe_space(flat)
        if description is None or not isinstance(flat, spaces.Box):
            raise ValueError("observation space %s flattens to %s, which the rlplay bridge does not "
                             "support; %s" % (space, flat, _supported_text()))
        self.space = space
        self.flatten = True
        self.shape = tuple(flat.shape)
        self.description = description
        self.storage_dtype = _storage_dtype(flat)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))


class _ActionCodec:
    """Turns the shared action rows into the values env.step expects."""

    def __init__(self, space):
        description = describe_space(space)
        if description is None:
            raise ValueError("action space %s is not supported by the rlplay bridge; %s"
                             % (space, _supported_text()))
        self.description = description
        self.space = space
        self.scalar = isinstance(space, spaces.Discrete)
        self.is_int = isinstance(space, (spaces.Discrete, spaces.MultiDiscrete, spaces.MultiBinary)) \
            or np.dtype(space.dtype).name in _INT_DTYPES
        self.dtype = np.dtype(space.dtype)
        self.shape = tuple(space.shape)
        self.size = 1 if self.scalar else int(np.prod(self.shape, dtype=np.int64))

    def decode(self, rows):
        """All envs' actions: Python ints for Discrete, arrays of the space's dtype otherwise."""
        if self.scalar:
            return rows[:, 0].tolist()
        dtype, shape = self.dtype, self.shape
        return [row.astype(dtype).reshape(shape) for row in rows]


# ----------------------------------------------------------------------------- the worker

class GymWorker:
    """The Py4J entry point: N Gymnasium envs stepped through the shared memory regions.

    Called by Java from one thread at a time (the thread that owns the Java GymVecEnv).
    """

    class Java:
        implements = ["org.rlplay.gym.GymWorker"]

    def __init__(self):
        self.envs = []
        self.obs_codec = None
        self.act_codec = None
        self.info_keys = []
        self.last_error = ""
        self._map = None

    # -- control calls

    def make(self, env_id, num_envs, kwargs_json, info_keys_csv):
        """Creates the envs with gymnasium.make; returns ``{"observation": .., "action": ..}`` as JSON,
        each space described as :func:`describe_space` does."""
        kwargs = json.loads(kwargs_json) if kwargs_json else {}
        if not isinstance(kwargs, dict):
            raise ValueError("kwargs must be a JSON object, got %r" % (kwargs_json,))
        self.close_envs()
        self.envs = [gymnasium.make(env_id, **kwargs) for _ in range(num_envs)]
        first = self.envs[0]
        self.obs_codec = _ObservationCodec(first.observation_space)
        self.act_codec = _ActionCodec(first.action_space)
        self.info_keys = [k for k in info_keys_csv.split(",") if k] if info_keys_csv else []
        return json.dumps({"observation": self.obs_codec.description, "action": self.act_codec.description})

    def attach(self, path, layout):
        """Maps the shared memory file; ``layout`` is ``name=offset`` pairs separated by ';'."""
        offsets = dict((k, int(v)) for k, v in (item.split("=") for item in layout.split(";")))
        n = len(self.envs)
        with open(path, "r+b") as f:
            self._map = mmap.mmap(f.fileno(), offsets["size"])
        m = self._map

        def view(name, dtype, count):
            if count == 0:
                return np.empty(0, dtype=dtype)
            return np.frombuffer(m, dtype=dtype, count=count, offset=offsets[name])

        act = self.act_codec
        act_dtype = np.int32 if act.is_int else np.float32
        self.actions = view("actions", act_dtype, n * act.size).reshape(n, act.size)
        self.skip = view("skip", np.uint8, n)
        self.seeds = view("seeds", np.int64, n)
        obs_size = self.obs_codec.size
        obs_shape = (n,) + self.obs_codec.shape
        obs_dtype = self.obs_codec.storage_dtype
        self.obs = view("obs", obs_dtype, n * obs_size).reshape(obs_shape)
        self.final_obs = view("final_obs", obs_dtype, n * obs_size).reshape(obs_shape)
        self.reward = view("reward", np.float32, n)
        self.terminated = view("terminated", np.uint8, n)
        self.truncated = view("truncated", np.uint8, n)
        self.info = view("info", np.float32, n * len(self.info_keys)).reshape(n, len(self.info_keys))
        self.all_indices = list(range(n))
        return True

    def lastError(self):
        return self.last_error

    def reset(self, seeded):
        """Resets every env (with the seeds region if ``seeded``); -1 or the failing env index."""
        seeds = [s & 0xFFFFFFFFFFFFFFFF for s in self.seeds.tolist()] if seeded else None
        observe = self._observe
        for j, env in enumerate(self.envs):
            try:
                o, _ = env.reset(seed=seeds[j] if seeded else None)
                observe(self.obs, j, o)
            except Exception:
                return self._failed(j, "reset")
        return -1

    def step(self, use_skip):
        """Steps every env (or those with skip 0); -1 or the index of the env that raised."""
        actions = self.act_codec.decode(self.actions)
        indices = np.flatnonzero(self.skip == 0).tolist() if use_skip else self.all_indices
        envs = self.envs
        obs = self.obs
        final_obs = self.final_obs
        observe = self._observe
        info_keys = self.info_keys
        info_rows = self.info
        rewards = []
        terminated = []
        truncated = []
        for j in indices:
            env = envs[j]
            try:
                o, r, term, trunc, info = env.step(actions[j])
                rewards.append(r)
                terminated.append(term)
                truncated.append(trunc)
                if info_keys:
                    row = info_rows[j]
                    for i, key in enumerate(info_keys):
                        row[i] = info.get(key, math.nan)
                if term or trunc:
                    observe(final_obs, j, o)
                    o, _ = env.reset()
                observe(obs, j, o)
            except Exception:
                return self._failed(j, "step")
        if use_skip:
            self.reward[indices] = rewards
            self.terminated[indices] = terminated
            self.truncated[indices] = truncated
        else:
            self.reward[:] = rewards
            self.terminated[:] = terminated
            self.truncated[:] = truncated
        return -1

    def setState(self, j, values_csv):
        """Sets ``env.unwrapped.state`` of env j (classic-control envs keep their physics there)."""
        values = [float(v) for v in values_csv.split(",")]
        self.envs[j].unwrapped.state = np.array(values, dtype=np.float64)
        return True

    def getState(self, j):
        """``env.unwrapped.state`` of env j as comma-separated floats (repr: exact round trip)."""
        state = self.envs[j].unwrapped.state
        return ",".join(repr(float(v)) for v in np.asarray(state, dtype=np.float64).ravel().tolist())

    # -- helpers

    def _observe(self, target, j, o):
        if self.obs_codec.flatten:
            target[j] = spaces.flatten(self.obs_codec.space, o)
        else:
            target[j] = o

    def _failed(self, j, what):
        trace = traceback.format_exc()
        summary = trace.strip().splitlines()[-1]
        self.last_error = "%s raised in Python: %s\nPython traceback:\n%s" % (what, summary, trace)
        return j

    def close_envs(self):
        for env in self.envs:
            try:
                env.close()
            except Exception:
                traceback.print_exc()
        self.envs = []


# ----------------------------------------------------------------------------- process lifecycle

def _exit_on_stdin_eof(done):
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        done.set()


def _exit_on_parent_death(parent):
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(3)


def main():
    token = os.environ.pop(TOKEN_VARIABLE, None)
    if not token:
        print("rlplay_gym_bridge: %s is not set; this module is started by org.rlplay.gym.GymVecEnv"
              % TOKEN_VARIABLE, file=sys.stderr)
        return 2
    py4j_logger = logging.getLogger("py4j")
    py4j_logger.addHandler(logging.NullHandler())
    py4j_logger.propagate = False

    parent = os.getppid()
    done = threading.Event()
    worker = GymWorker()
    # Py4J binds the server socket in start() but calls listen() on its accept thread: announce the
    # port only once that thread listens, or Java's first connection can be refused.
    listening = threading.Event()
    server_started.connect(lambda **kwargs: listening.set())
    gateway = _NoDelayClientServer(
        java_parameters=JavaParameters(
            address="127.0.0.1", port=0, auth_token=token, auto_convert=False,
            enable_memory_management=False),
        python_parameters=PythonParameters(
            address="127.0.0.1", port=0, daemonize=True, daemonize_connections=True,
            auth_token=token),
        python_server_entry_point=worker)
    port = gateway.get_callback_server().get_listening_port()
    if not listening.wait(LISTEN_TIMEOUT_SECONDS):
        print("rlplay_gym_bridge: the Py4J server did not start listening within %d s"
              % LISTEN_TIMEOUT_SECONDS, file=sys.stderr)
        return 4
    threading.Thread(target=_exit_on_stdin_eof, args=(done,), name="stdin-eof", daemon=True).start()
    threading.Thread(target=_exit_on_parent_death, args=(parent,), name="parent-watch", daemon=True).start()
    print("%s %d %d" % (READY_PREFIX, PROTOCOL_VERSION, port), flush=True)
    done.wait()
    worker.close_envs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
