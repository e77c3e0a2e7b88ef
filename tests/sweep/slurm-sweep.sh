#!/usr/bin/env bash
# `aie4sim sweep --engine slurm` against a real single-node Slurm cluster (Debian's slurm-wlm
# and munge) that this test starts in a private folder and stops on every exit: its own
# munge key, socket and log; its own slurm.conf (SLURM_CONF) with state, spool, logs and pid
# files in the folder and free ports; no system configuration is read or touched. The sweep
# submits one job array, waits for it, gathers a record per point and draws the report.
#   slurm-sweep.sh AIE4SIM_EXE MANIFEST POINTS
set -euo pipefail
exe=$1 manifest=$2 points=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-slurm.XXXXXX")
daemons=()
fail() { echo "FAIL: slurm sweep: $*"; for log in "$work"/*.log "$work"/munge/*.log; do
    [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done; exit 1; }
cleanup() {
    for pid in "${daemons[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${daemons[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (Debian: slurm-wlm, munge)"
done

# munge: a private key and socket.
mkdir -p "$work/munge" && chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key" && chmod 400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
    --seed-file="$work/munge/munged.seed" >"$work/munge/munged.out" 2>&1 &
daemons+=($!)
for _ in $(seq 100); do [ -S "$work/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.sock" ] || fail "munged did not open its socket within 10 s"

# Two free TCP ports on the loopback for slurmctld and slurmd.
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
host=$(hostname -s)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=aie4simtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$(id -un)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
PlugStackConfig=$work/plugstack.conf
NodeName=aie4sim-node NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=aie4sim-node Default=YES MaxTime=INFINITE State=UP
CONF
: > "$work/plugstack.conf"
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
daemons+=($!)
slurmd -D -N aie4sim-node -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
daemons+=($!)
state=
for _ in $(seq 60); do
    state=$(timeout 5 sinfo -h -n aie4sim-node -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || fail "the node did not become idle within 30 s (state: '${state:-none}')"
echo "slurm: single-node cluster up (slurmctld :$ctld_port, slurmd :$slurmd_port)"

out=$work/sweep
set +e
timeout 900 "$exe" sweep "$manifest" --engine slurm --out "$out" --slurm-timeout 800 \
    > "$work/sweep.out" 2>&1
status=$?
set -e
cat "$work/sweep.out"
[ "$status" -eq 0 ] || fail "aie4sim sweep --engine slurm exited with status $status"
job=$(cat "$out/slurm/job_id")
[ "$(ls "$out/slurm/${job}"_*.out | wc -l)" -eq "$points" ] ||
    fail "expected $points array task outputs of job $job"
/usr/bin/python3 - "$out/results.jsonl" "$points" <<'PY' || fail "bad results"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
assert len(records) == n, f"{len(records)} records, expected {n}"
assert [r["index"] for r in records] == list(range(n)), "records out of order"
for r in records:
    assert r["status"] == "ok", (r["index"], r["error"])
    assert r["engine"] == "slurm", r["engine"]
    assert r["metrics"]["throughput_tops"] > 0 and r["peak_rss_kib"] > 0, r["index"]
    assert all(v["verified"] for v in r["results"]["results"]), r["index"]
print(f"{n} records from the Slurm array, all ok")
PY
grep -q "<img" "$out/report.html" || fail "the report has no plots"
echo "PASS: slurm sweep ($points points as Slurm job array $job)"
