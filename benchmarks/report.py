#!/usr/bin/env python3
"""Turns a JMH JSON result file into a markdown table (standard library only).

Columns: benchmark, parameters, score +- error with unit, allocation per operation (with -prof gc),
and, for time-per-operation results of the rollout suites, env-steps/s derived from the parameters.
Below the table, the ratios that the issues ask for, computed from results of the same run.
"""
import json
import sys

T = 128  # fragment length used by the suites


def env_steps_per_second(name, params, score, unit):
    n = int(params.get("numEnvs", 0) or 0)
    if not n or unit != "us/op":
        return None
    if name in ("EngineBenchmarks.rawStepping", "EngineBenchmarks.sameRolloutConstantActor"):
        return T * n / score * 1e6
    if name.endswith("sameRolloutMlpActor") or name.endswith("sameRolloutWithConversions"):
        return n / score * 1e6
    if name in ("BridgeBenchmarks.bridgeStep", "BridgeBenchmarks.pythonSyncVectorEnvStep"):
        return n / score * 1e6
    return None


def main(path):
    results = json.load(open(path))
    rows = []
    by_key = {}
    ratios = []
    for r in results:
        name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
        params = r.get("params", {})
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        score, err, unit = pm["score"], pm["scoreError"], pm["scoreUnit"]
        err = err if isinstance(err, (int, float)) else float("nan")
        by_key[(name, tuple(sorted(params.items())))] = score
        secondary = r.get("secondaryMetrics", {})
        if "rawMicros" in secondary and "rolloutMicros" in secondary:
            paired = secondary["rolloutMicros"]["score"] / secondary["rawMicros"]["score"]
            ratios.append(f"- engine overhead at {dict(params)}, paired (raw and rollout fragments alternated):"
                          f" rollout / raw stepping = {paired:.3f} (target <= 1.10 at numEnvs >= 64)")
        if "plainMicros" in secondary and "recordedMicros" in secondary:
            paired = secondary["recordedMicros"]["score"] / secondary["plainMicros"]["score"]
            control = " (A/A control: both sides plain)" if params.get("recorder") == "off" else ""
            ratios.append(f"- recording overhead at {dict(params)}, paired (plain and recorded blocks alternated):"
                          f" recorded / plain = {paired:.3f}{control} (target <= 1.10 at numEnvs = 64)")
        if "uint8Micros" in secondary and "float32Micros" in secondary:
            get = lambda k: secondary[k]["score"]
            n = int(params.get("numEnvs", 0) or 0)
            steps = get("fragments") * 32 * n
            ratios.append(f"- image fragments at {dict(params)} ({name.split('.')[-1]}), paired: uint8"
                          f" {steps / get('uint8Micros') * 1e6:,.0f} env-steps/s, float32"
                          f" {steps / get('float32Micros') * 1e6:,.0f} env-steps/s (uint8 / float32 throughput"
                          f" {get('float32Micros') / get('uint8Micros'):.2f}x); bytes per fragment uint8"
                          f" {get('uint8Bytes') / get('fragments'):,.0f}, float32 {get('float32Bytes') / get('fragments'):,.0f}")
        eps = env_steps_per_second(name, params, score, unit)
        rows.append((name, ", ".join(f"{k}={v}" for k, v in sorted(params.items())),
                     f"{score:,.2f} ± {err:,.2f} {unit}" if err == err else f"{score:,.2f} {unit}",
                     f"{eps:,.0f}" if eps else "",
                     f"{alloc['score']:.1f} B/op" if alloc else ""))
    print("| benchmark | params | score | env-steps/s | alloc |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for (name, params), score in by_key.items():
        if name == "EngineBenchmarks.sameRolloutConstantActor":
            raw = by_key.get(("EngineBenchmarks.rawStepping", params))
            if raw:
                ratios.append(f"- engine overhead at {dict(params)}, separate benchmarks: same rollout / raw stepping"
                              f" = {score / raw:.3f}")
        if name == "MlpActorBenchmarks.sameRolloutMlpActor":
            fwd = by_key.get(("MlpActorBenchmarks.forwardOnly", params))
            if fwd:
                ratios.append(f"- MLP actor at {dict(params)}: batch step / bare forward = {score / fwd:.2f}")
        if name == "BridgeBenchmarks.bridgeStep":
            python = by_key.get(("BridgeBenchmarks.pythonSyncVectorEnvStep", params))
            if python:
                ratios.append(f"- Gymnasium bridge at {dict(params)}: bridge throughput / pure-Python SyncVectorEnv"
                              f" = {python / score:.2f} (target >= 0.8 at numEnvs >= 64)")
    if ratios:
        print()
        print("\n".join(sorted(ratios)))


if __name__ == "__main__":
    main(sys.argv[1])
