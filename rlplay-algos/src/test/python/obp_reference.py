"""Reference values of obp's off-policy estimators for rlplay's parity test (BanditParityTest).

Computes the estimates of Open Bandit Pipeline's IPW, SNIPW, DM, DR, SNDR and Switch-DR on fixed
inputs and writes the inputs, the estimates and obp's version to gzipped JSON files beside the Java
test. The Java test recomputes each estimate from the same inputs and asserts agreement to 1e-6
relative; it needs neither this script nor obp, torch or numpy.

Two data sets:
  obp-synthetic.json.gz  a seeded synthetic contextual bandit made here (numpy only, seed 20240613)
  obp-obd-random-all.json.gz
                         real logged data: the first 1000 rows at position 0 of the small sample of the Open
                         Bandit Dataset (campaign "all", uniform-random behaviour policy) that ships
                         inside the obp package (obp/dataset/obd/random/all/all.csv). The dataset is
                         by ZOZO, Inc.; cite Saito, Aihara, Matsutani and Narita, "Open Bandit Dataset
                         and Pipeline: Towards Realistic and Reproducible Off-Policy Evaluation",
                         arXiv:2008.07146 (2020). obp is Apache-2.0 licensed.

obp 0.4.1 imports torch. Its PyPI requirements cannot be installed here as declared (pinned
PyYAML does not build; torch's PyPI wheels need the CUDA libraries), so the environment used is
Debian 12's CPU build of torch and scientific stack plus obp without its dependencies, in a
throw-away venv outside the repository:

    apt-get install -y --no-install-recommends python3-venv python3-torch python3-numpy \
        python3-scipy python3-pandas python3-sklearn python3-matplotlib python3-seaborn \
        python3-tqdm python3-yaml python3-mypy-extensions
    /usr/bin/python3.11 -m venv --system-site-packages /tmp/obp-venv
    /tmp/obp-venv/bin/pip install --no-deps obp==0.4.1
    /tmp/obp-venv/bin/python rlplay-algos/src/test/python/obp_reference.py \
        rlplay-algos/src/test/resources/org/rlplay/algos/ope/bandit

obp 0.4.1 has no clipped IPS; obp 0.5 added the weight cap as IPW's `lambda_`
(iw = min(iw, lambda_)). A second run under obp 0.5.7 (which installs here with --no-deps
--ignore-requires-python beside the same Debian packages, in another venv) reads the inputs back
from the written files and adds that estimate, with its own version:

    /usr/bin/python3.11 -m venv --system-site-packages /tmp/obp057-venv
    /tmp/obp057-venv/bin/pip install --no-deps --ignore-requires-python obp==0.5.7
    /tmp/obp057-venv/bin/python rlplay-algos/src/test/python/obp_reference.py --clipped \
        rlplay-algos/src/test/resources/org/rlplay/algos/ope/bandit

Every input is rounded to the precision it is written with before obp sees it, so obp and the Java
test compute from bit-identical doubles.
"""

import gzip
import json
import os
import sys

import numpy as np
import obp
import sklearn
from obp.dataset import OpenBanditDataset
from obp.ope import (
    DirectMethod,
    DoublyRobust,
    InverseProbabilityWeighting,
    RegressionModel,
    SelfNormalizedDoublyRobust,
    SelfNormalizedInverseProbabilityWeighting,
    SwitchDoublyRobust,
)
from obp.policy import BernoulliTS
from sklearn.linear_model import LogisticRegression


def rounded(x, digits):
    """x rounded to `digits` significant decimal digits (what the JSON file then holds exactly)."""
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"))(x)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def estimates(action, reward, pscore, action_dist, q_hat, tau):
    """obp's estimates; action_dist and q_hat are (n, K) and get obp's len_list axis of 1."""
    dist3 = action_dist[:, :, np.newaxis]
    q3 = q_hat[:, :, np.newaxis]
    common = dict(reward=reward, action=action, pscore=pscore, action_dist=dist3)
    return {
        "ipw": float(InverseProbabilityWeighting().estimate_policy_value(**common)),
        "snipw": float(SelfNormalizedInverseProbabilityWeighting().estimate_policy_value(**common)),
        "dm": float(DirectMethod().estimate_policy_value(action_dist=dist3, estimated_rewards_by_reg_model=q3)),
        "dr": float(DoublyRobust().estimate_policy_value(estimated_rewards_by_reg_model=q3, **common)),
        "sndr": float(SelfNormalizedDoublyRobust().estimate_policy_value(estimated_rewards_by_reg_model=q3, **common)),
        "switch-dr": float(SwitchDoublyRobust(tau=tau).estimate_policy_value(estimated_rewards_by_reg_model=q3, **common)),
    }


def synthetic():
    """A contextual bandit with 5 actions, 3-dimensional contexts, softmax behaviour and target."""
    rng = np.random.default_rng(20240613)
    n, k, d = 1000, 5, 3
    x = rng.normal(size=(n, d))
    theta_reward = rng.normal(size=(d, k))
    expected = 1.0 / (1.0 + np.exp(-(x @ theta_reward)))              # E[r | x, a] in (0, 1)
    behaviour = rounded(softmax(x @ rng.normal(size=(d, k))), 12)
    behaviour /= behaviour.sum(axis=1, keepdims=True)
    behaviour = rounded(behaviour, 15)
    target = rounded(softmax(2.0 * (x @ theta_reward)), 12)           # prefers the better actions
    target = rounded(target / target.sum(axis=1, keepdims=True), 15)
    action = np.array([rng.choice(k, p=p / p.sum()) for p in behaviour])
    reward = rng.binomial(1, expected[np.arange(n), action]).astype(float)
    pscore = behaviour[np.arange(n), action]
    q_hat = rounded(np.clip(expected + rng.normal(scale=0.1, size=(n, k)), 0, 1), 10)  # an imperfect model
    tau = 2.0
    return dict(
        name="synthetic",
        description="seeded synthetic contextual bandit (numpy default_rng(20240613)): n=1000, K=5, "
        "contexts N(0, I_3), logistic expected rewards, Bernoulli rewards, softmax behaviour and target; "
        "q_hat = expected reward + N(0, 0.1^2) noise clipped to [0, 1]",
        attribution="generated by obp_reference.py",
        action=action, reward=reward, pscore=pscore, action_dist=target, q_hat=q_hat,
        behaviour_dist=behaviour, tau=tau,
    )


KEEP = 1000


def open_bandit_dataset():
    """Position-0 rows of obp's bundled OBD sample (random/all) with a BTS-based target policy."""
    data = OpenBanditDataset(behavior_policy="random", campaign="all")
    feedback = data.obtain_batch_bandit_feedback()
    rows = feedback["position"] == 0
    context = feedback["context"][rows]
    action = feedback["action"][rows].astype(int)
    reward = feedback["reward"][rows].astype(float)
    pscore = rounded(feedback["pscore"][rows], 15)
    n, k = action.shape[0], data.n_actions
    model = RegressionModel(
        n_actions=k, len_list=1, action_context=data.action_context,
        base_model=LogisticRegression(C=100, max_iter=10000, random_state=12345))
    q_hat = model.fit_predict(context=context, action=action, reward=reward, n_folds=3,
                              random_state=12345)[:, :, 0]
    q_hat = rounded(q_hat, 6)
    # the first KEEP rows only keep the committed file small; the model above saw all position-0 rows
    action, reward, pscore, q_hat = action[:KEEP], reward[:KEEP], pscore[:KEEP], q_hat[:KEEP]
    n = KEEP
    # target: 80% ZOZOTOWN's production Bernoulli TS (its position-0 distribution), 20% greedy on q_hat
    bts = BernoulliTS(n_actions=k, len_list=data.len_list, is_zozotown_prior=True, campaign="all",
                      random_state=12345).compute_batch_action_dist(n_rounds=1, n_sim=100000)[0, :, 0]
    greedy = np.zeros((n, k))
    greedy[np.arange(n), q_hat.argmax(axis=1)] = 1.0
    target = rounded(0.8 * bts[np.newaxis, :] + 0.2 * greedy, 15)
    return dict(
        name="obd-random-all",
        description="Open Bandit Dataset small sample bundled with obp (obp/dataset/obd/random/all/all.csv), "
        "the first 1000 rows at position 0: uniform-random behaviour over 80 fashion items, click rewards; "
        "target = 0.8 x obp BernoulliTS(is_zozotown_prior=True, campaign='all', random_state=12345, "
        "n_sim=100000) position-0 distribution + 0.2 x greedy on q_hat; q_hat = obp RegressionModel("
        "LogisticRegression(C=100, random_state=12345)) fit_predict with 3-fold cross-fitting on all 3322 position-0 rows",
        attribution="Open Bandit Dataset by ZOZO, Inc., shipped in the obp package (Apache License 2.0); "
        "cite Saito, Aihara, Matsutani, Narita: Open Bandit Dataset and Pipeline: Towards Realistic "
        "and Reproducible Off-Policy Evaluation, arXiv:2008.07146 (2020)",
        action=action, reward=reward, pscore=pscore, action_dist=target, q_hat=q_hat,
        behaviour_dist=None, tau=10.0,
    )


def write(data, directory):
    est = estimates(data["action"], data["reward"], data["pscore"], data["action_dist"], data["q_hat"],
                    data["tau"])
    out = {
        "generator": "rlplay-algos/src/test/python/obp_reference.py",
        "obp_version": obp.__version__,
        "numpy_version": np.__version__,
        "sklearn_version": sklearn.__version__,
        "dataset": data["name"],
        "description": data["description"],
        "attribution": data["attribution"],
        "n_rounds": int(data["action"].shape[0]),
        "n_actions": int(data["action_dist"].shape[1]),
        "switch_tau": data["tau"],
        "estimates": est,
        "action": data["action"].tolist(),
        "reward": data["reward"].tolist(),
        "pscore": data["pscore"].tolist(),
        "action_dist": data["action_dist"].tolist(),
        "estimated_rewards_by_reg_model": data["q_hat"].tolist(),
    }
    if data["behaviour_dist"] is not None:
        out["behaviour_dist"] = data["behaviour_dist"].tolist()
    path = os.path.join(directory, f"obp-{data['name']}.json.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps(out, separators=(",", ":")).encode("utf-8"))
    print(f"{path}: n={out['n_rounds']} K={out['n_actions']} obp {obp.__version__}: {est}")


CLIP = 10.0  # the weight cap of the clipped IPS reference on both data sets


def add_clipped(directory):
    """Adds obp 0.5's IPW with lambda_ = CLIP, computed from the inputs already in each file."""
    for name in ("synthetic", "obd-random-all"):
        path = os.path.join(directory, f"obp-{name}.json.gz")
        with gzip.open(path, "rb") as f:
            out = json.loads(f.read().decode("utf-8"))
        dist3 = np.array(out["action_dist"])[:, :, np.newaxis]
        value = InverseProbabilityWeighting(lambda_=CLIP).estimate_policy_value(
            reward=np.array(out["reward"]), action=np.array(out["action"]), pscore=np.array(out["pscore"]),
            action_dist=dist3)
        out["clipped"] = {"obp_version": obp.__version__, "lambda": CLIP, "ipw-clipped": float(value)}
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(json.dumps(out, separators=(",", ":")).encode("utf-8"))
        print(f"{path}: obp {obp.__version__} IPW(lambda_={CLIP}) = {value}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--clipped"]:
        if not obp.__version__.startswith("0.5"):
            sys.exit(f"--clipped needs obp 0.5 (IPW's lambda_), found {obp.__version__}")
        add_clipped(sys.argv[2] if len(sys.argv) > 2 else ".")
    else:
        if obp.__version__ != "0.4.1":
            sys.exit(f"the reference values are obp 0.4.1's, found obp {obp.__version__}")
        target_dir = sys.argv[1] if len(sys.argv) > 1 else "."
        write(synthetic(), target_dir)
        write(open_bandit_dataset(), target_dir)
