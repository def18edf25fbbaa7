#!/usr/bin/env bash
# Runs JMH suites and writes bench-results/<suite>.json plus bench-results/<suite>.md (a markdown
# table for the README). Usage: benchmarks/run.sh [SUITE_REGEX ...]   (default: the issue-2 suite)
# Extra JMH options via JMH_OPTS, e.g. JMH_OPTS="-f 1 -wi 2 -i 3" benchmarks/run.sh EngineBenchmarks
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$root/bench-results"
mkdir -p "$out"
(cd "$root" && mvn -q -B -DskipTests package -pl benchmarks -am)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(EngineBenchmarks DjlConversionBenchmarks MlpActorBenchmarks)
for suite in "${suites[@]}"; do
  echo "== $suite" >&2
  java -jar "$here/target/benchmarks.jar" "$suite" -prof gc ${JMH_OPTS:-} -rf json -rff "$out/$suite.json"
  python3 "$here/report.py" "$out/$suite.json" > "$out/$suite.md"
  cat "$out/$suite.md"
done
