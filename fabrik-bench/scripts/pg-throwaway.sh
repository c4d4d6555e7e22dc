# Sourced by the PostgreSQL benchmark scripts (needs $root, the repository): sets $java, a work
# folder $work (/tmp/fabrik-NAME-XXXX) and an empty $node, and on exit (also on Ctrl-C) stops the
# node whose pid is in $node and the cluster in $work/pg, then removes $work.
#   usage: source "$root/fabrik-bench/scripts/pg-throwaway.sh" NAME
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java=$JAVA_HOME/bin/java
work=$(mktemp -d "/tmp/fabrik-$1-XXXX")
node=
cleanup() {
  [[ -n "$node" ]] && kill "$node" 2>/dev/null && wait "$node" 2>/dev/null
  "$root/dev/postgres" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
