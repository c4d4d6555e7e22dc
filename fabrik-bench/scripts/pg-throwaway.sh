# Sourced by the PostgreSQL benchmark scripts (needs $root, the repository): sets $java, a work
# folder $work (/tmp/fabrik-NAME-XXXX) and an empty $node, and on exit (also on Ctrl-C) stops the
# node whose pid is in $node and the cluster in $work/pg, then removes $work. Also defines cpu
# and free_port.
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

# CPU seconds (user + system) of a process, or with "tree" of it and its children.
cpu() {
  python3 - "$@" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
def stat(pid):
    try:
        s = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    f = s[s.rfind(")") + 2:].split()
    return int(f[1]), (int(f[11]) + int(f[12])) / tick
mode, pid = sys.argv[1], int(sys.argv[2])
total = stat(pid)[1]
if mode == "tree":
    for p in filter(str.isdigit, os.listdir("/proc")):
        s = stat(int(p))
        if s and s[0] == pid:
            total += s[1]
print(total)
PY
}

# A loopback port free right now, chosen by the kernel: a random one in 31000-51000 may be an
# outgoing connection's ephemeral port (the bench's own 50), and a node that cannot bind it exits.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts JAR as one node (pool 24, no web UI) on schema SCHEMA of the database at $url, on a free
# port, logging to LOG: sets $node and $port. Fails, after printing the log's end, when the node
# does not come up.
#   usage: start_node JAR SCHEMA LOG || continue
start_node() {
  port=$(free_port)
  "$java" -Xmx1g -jar "$1" server --storage postgres --database-url "$url" --schema "$2" \
    --database-pool-size 24 --bind "127.0.0.1:$port" --no-web >"$3" 2>&1 &
  node=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.3 # polling for the node's port: nothing to await in a shell
  done
  if ! kill -0 "$node" 2>/dev/null; then
    echo "the node did not start:"
    tail -n 3 "$3"
    node=
    return 1
  fi
}

# Stops the node started by start_node and waits for it to end.
stop_node() {
  kill "$node"
  wait "$node" 2>/dev/null || true
  node=
}
