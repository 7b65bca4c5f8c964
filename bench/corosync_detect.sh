#!/usr/bin/env bash
# corosync_detect.sh - how long real Corosync 3 takes to notice a node killed with kill -9.
#   bench/corosync_detect.sh [TOKEN_MS] [RUNS]      (defaults 1000 and 20; needs root)
#
# A 3-node Corosync cluster (transport knet, crypto aes256/sha256, votequorum) runs on this
# machine, one node per network namespace: a bridge br0 in a namespace of its own, nodes
# 10.79.0.1-3/24 each with an eth0 veth into it. Nothing is added to the root namespace.
# Each node also has a "holder" process (unshare: mount + UTS namespaces, joined to the node's
# netns) with private /etc/corosync, /var/lib/corosync, /var/log/corosync (bind mounts of
# per-node directories), /run and /dev/shm (tmpfs); corosync runs there through nsenter.
#
# Each run: wait until all 3 nodes report a quorate membership of 3 votes, settle 1 s, take
# the wall time, kill -9 node 3's corosync, then poll node 1 in a tight loop (one
# `corosync-cmapctl -g runtime.members.3.status` after another, inside node 1's namespaces)
# until node 3 is no longer "joined". Detection = time of the first poll that sees it gone
# minus the time of the kill (µs clocks, EPOCHREALTIME); the loop's period (one cmapctl call,
# ~6-7 ms here) bounds the error. The status must read "left", or the script stops.
# As a cross-check, stderr also shows when node 1's log (timestamp: hires, ms) says the new
# membership "Members left: 3" was formed. Node 3 is then restarted and rejoins.
#
# Corosync's own settings set the figure: with 3 nodes the real token timeout is
# TOKEN_MS + token_coefficient (default 650 ms; TOKEN_COEF=0 in the environment removes it),
# and the consensus timeout (default 1.2 x token) follows before the new membership forms.
# stdout: "run K: D ms" per run, then
#   corosync token=TOKEN_MS runs=RUNS min=X median=Y max=Z ms
set -euo pipefail
TOKEN=${1:-1000}; RUNS=${2:-20}
[[ $TOKEN =~ ^[0-9]+$ && $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || { echo "usage: $0 [TOKEN_MS] [RUNS]" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "$0: needs root" >&2; exit 2; }
for c in corosync corosync-keygen corosync-cmapctl corosync-quorumtool unshare nsenter ip; do
    command -v $c >/dev/null || { echo "$0: $c not found" >&2; exit 2; }
done

P=cd$$                                   # namespace prefix: unique per run of the script
SW=${P}sw; NODES=(1 2 3)
WORK=$(mktemp -d /tmp/corosync_detect.$$.XXXXXX)
declare -A HOLDER COROSYNC               # node -> pid of the processes we started
NETNS_MADE=()

log() { printf '%s %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
ns() { echo "${P}n$1"; }
# kill a pid of ours (only if it still is a process we started: checked via its netns)
kill_ours() {
    local p=$1 n=$2
    [[ -n $p && $(ip netns identify "$p" 2>/dev/null) == "$n" ]] || return 0
    kill -9 "$p"
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
}

cleanup() {
    set +e
    local k
    for k in "${NODES[@]}"; do kill_ours "${COROSYNC[$k]:-}" "$(ns "$k")"; done
    for k in "${NODES[@]}"; do kill_ours "${HOLDER[$k]:-}" "$(ns "$k")"; done
    for n in "${NETNS_MADE[@]}"; do ip netns del "$n" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- network: bridge namespace + 3 node namespaces -------------------------------------------
ip netns add "$SW"; NETNS_MADE+=("$SW")
ip -n "$SW" link set lo up
ip -n "$SW" link add br0 type bridge stp_state 0 forward_delay 0
ip -n "$SW" link set br0 up
for k in "${NODES[@]}"; do
    n=$(ns "$k"); ip netns add "$n"; NETNS_MADE+=("$n")
    ip -n "$n" link set lo up
    ip -n "$SW" link add "p$k" type veth peer name eth0 netns "$n"
    ip -n "$SW" link set "p$k" master br0 up
    ip -n "$n" addr add "10.79.0.$k/24" dev eth0
    ip -n "$n" link set eth0 up
done

# --- configuration: one corosync.conf + authkey, copied into each node's /etc/corosync -------
corosync-keygen -k "$WORK/authkey" >/dev/null 2>&1
cat >"$WORK/corosync.conf" <<EOF
totem {
    version: 2
    cluster_name: vigilbench$$
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    token: $TOKEN
$([[ -n ${TOKEN_COEF:-} ]] && echo "    token_coefficient: $TOKEN_COEF")
}
logging {
    to_stderr: no
    to_syslog: no
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    timestamp: hires
}
quorum {
    provider: corosync_votequorum
}
nodelist {
$(for k in "${NODES[@]}"; do printf '    node {\n        ring0_addr: 10.79.0.%d\n        name: node%d\n        nodeid: %d\n    }\n' "$k" "$k" "$k"; done)
}
EOF

# --- per-node holders: private mounts + hostname, kept alive by sleep ------------------------
for k in "${NODES[@]}"; do
    d=$WORK/n$k; mkdir -p "$d"/{etc,lib,log}
    cp "$WORK/corosync.conf" "$d/etc/"; install -m 400 "$WORK/authkey" "$d/etc/authkey"
    # ip netns exec and unshare both exec (no fork): $! is the holder (finally sleep) itself
    ip netns exec "$(ns "$k")" unshare --mount --uts --propagation private -- bash -c '
        set -e
        mount -t tmpfs -o mode=0755 cdrun /run
        mount -t tmpfs -o mode=1777 cdshm /dev/shm
        mount --bind "$1/etc" /etc/corosync
        mount --bind "$1/lib" /var/lib/corosync
        mount --bind "$1/log" /var/log/corosync
        hostname "node$2"
        exec sleep infinity' _ "$d" "$k" </dev/null >"$d/holder.out" 2>&1 &
    HOLDER[$k]=$!; disown "$!"          # disowned: no "Killed" job notices on stderr
done
sleep 0.3
for k in "${NODES[@]}"; do kill -0 "${HOLDER[$k]}" 2>/dev/null || { cat "$WORK/n$k/holder.out" >&2; exit 1; }; done

nx() { local k=$1; shift; nsenter -t "${HOLDER[$k]}" -m -n -u -- "$@"; }

start_node() {   # a simple command (not a function) and nsenter execs corosync: $! is corosync
    local k=$1
    nx "$k" sh -c 'rm -f /dev/shm/qb-* /run/corosync.pid'
    nsenter -t "${HOLDER[$k]}" -m -n -u -- corosync -f </dev/null >>"$WORK/n$k/corosync.out" 2>&1 &
    COROSYNC[$k]=$!; disown "$!"
}

quorate3() {     # node K sees a quorate membership holding all 3 votes
    local out; out=$(nx "$1" corosync-quorumtool -s 2>/dev/null) || true
    grep -Eq '^Quorate: +Yes' <<<"$out" && grep -Eq '^Total votes: +3$' <<<"$out"
}

wait_all_quorate() {
    local i k ok
    for i in $(seq 1 600); do
        ok=1
        for k in "${NODES[@]}"; do quorate3 "$k" || { ok=0; break; }; done
        ((ok)) && return 0
        sleep 0.1
    done
    echo "$0: cluster did not reach a quorate 3-node membership in 60 s" >&2; exit 1
}

for k in "${NODES[@]}"; do start_node "$k"; done
wait_all_quorate
log "cluster up: runtime token=$(nx 1 corosync-cmapctl -g runtime.config.totem.token | awk '{print $NF}') ms," \
    "consensus=$(nx 1 corosync-cmapctl -g runtime.config.totem.consensus | awk '{print $NF}') ms"

# log timestamp "Mon DD HH:MM:SS.mmm" (year not logged: take today's) -> epoch microseconds
log_us() { local s; s=$(date -d "$2 $1 $(date +%Y) $3" +%s%N) && echo $((s / 1000)); }

results=()
for r in $(seq 1 "$RUNS"); do
    sleep 1
    lines=$(wc -l <"$WORK/n1/log/corosync.log")
    t0=${EPOCHREALTIME/./}
    kill -9 "${COROSYNC[3]}"
    # the poller runs inside node 1's namespaces (started after the kill: its few ms of start-up
    # are far below the token timeout) and prints "<us at detection> <polls> <status>" once
    # runtime.members.3.status is no longer "joined"
    res=$(timeout 120 nsenter -t "${HOLDER[1]}" -m -n -u -- bash -c 'n=0
        while s=$(corosync-cmapctl -g runtime.members.3.status 2>&1); [[ $s == *" = joined" ]]; do n=$((n+1)); done
        echo "${EPOCHREALTIME/./} $n ${s##* }"') || { echo "$0: node 1 never saw node 3 leave" >&2; exit 1; }
    read -r t1 polls state <<<"$res"
    [[ $state == left ]] || { echo "$0: unexpected runtime.members.3.status on node 1: $state" >&2; exit 1; }
    d_us=$((t1 - t0))
    printf 'run %d: %d.%d ms\n' "$r" $(((d_us + 50) / 1000)) $(((d_us + 50) % 1000 / 100))
    results+=("$d_us")
    start_node 3
    wait_all_quorate
    # cross-check: when node 1's log says the membership without node 3 was formed
    ts=$(tail -n +$((lines + 1)) "$WORK/n1/log/corosync.log" | grep -m1 'Members left: 3' | awk '{print $1, $2, $3}') || true
    if [[ -n $ts ]] && lu=$(log_us $ts); then
        log "run $r: node 1 log: membership without node 3 at +$(((lu - t0) / 1000)) ms; $polls polls of ~$((d_us / (polls + 1) / 1000)) ms"
    fi
done

printf '%s\n' "${results[@]}" | sort -n | awk -v tok="$TOKEN" -v runs="$RUNS" '
    { v[NR] = $1 / 1000 }
    END { med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "corosync token=%s runs=%s min=%.1f median=%.1f max=%.1f ms\n", tok, runs, v[1], med, v[NR] }'
