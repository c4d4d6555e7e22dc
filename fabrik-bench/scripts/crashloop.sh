#!/usr/bin/env bash
# The fault campaign's crash loop at scale: runs fabrik-it's CrashLoopIT (the same code CI runs,
# with more kills) and prints its figures. Each round is a fresh data directory with KILLS SIGKILLs
# under mixed load (PUSH, PUSHB, scheduled, FETCH, ACK, FAIL, MUTATE), then a full audit of every
# job against what the clients were answered (see CrashLoopIT and JobFate).
#
# usage: fabrik-bench/scripts/crashloop.sh ROUNDS [KILLS [DURABILITIES [SEED]]]
#   ROUNDS        rounds per durability setting
#   KILLS         kills per round (default 10)
#   DURABILITIES  comma-separated, default normal,strict
#   SEED          seed of round 1 (round r uses SEED + r - 1); default random
# environment: FABRIK_JAR=path/to/fabrik.jar runs another server build (default: the one built
#   from this checkout); FABRIK_BULK_SCHEDULED=false keeps scheduled jobs out of PUSHB batches.
# prints one line per round, then per setting:
#   crash loop total durability=normal seed=.. rounds=10 kills=100 kills-with-violations=.. jobs=..
#   commands=.. violations=.. {category=count, ...} in .. s
# exits 0 when no promise was broken, 1 otherwise; the Maven log is kept in target/crashloop.log.
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,17p' "$0"; exit 2; }
rounds=$1 kills=${2:-10} durabilities=${3:-normal,strict} seed=${4:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

figures="$root/fabrik-it/target/fault-figures.txt"
log="$root/target/crashloop.log"
mkdir -p "$root/target"
rm -f "$figures"

args=(-B -pl fabrik-it -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=CrashLoopIT
  -Dfabrik.crashloop.rounds="$rounds" -Dfabrik.crashloop.runs="$kills"
  -Dfabrik.crashloop.durabilities="$durabilities"
  -Dfabrik.faults.bulkScheduled="${FABRIK_BULK_SCHEDULED:-true}")
[[ -z "$seed" ]] || args+=(-Dfabrik.crashloop.seed="$seed")
[[ -z "${FABRIK_JAR:-}" ]] || args+=(-Dfabrik.it.jar="$(realpath "$FABRIK_JAR")")

echo "crashloop: $rounds round(s) x $kills kills per setting ($durabilities); Maven log in $log"
status=0
mvn "${args[@]}" >"$log" 2>&1 || status=$?
if [[ ! -s "$figures" ]]; then
  echo "crashloop: no figures; the build or the test did not run (exit $status), see $log" >&2
  tail -n 30 "$log" >&2
  exit 2
fi
grep -v ' total ' "$figures"
echo
grep ' total ' "$figures"
if ((status != 0)); then
  echo "crashloop: broken promises found (or the test failed); details in $log" >&2
  exit 1
fi
