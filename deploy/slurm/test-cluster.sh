#!/usr/bin/env bash
# Starts a single-node SLURM cluster in a temporary folder (no systemd needed) and runs a sharded
# sweep through submit.sh on it, with faults:
#   1. 8 trials over 4 array tasks; the merged records must equal one `ffnn sweep run` of the spec
#      (everything but timing);
#   2. one array task is cancelled mid-trial: the merge job must not start (afterok), and the merge
#      run by hand must name the missing trials;
#   3. another shard file gets a torn last line; resubmitting the two shards must repair it, run
#      only their unfinished trials, and the new merge job must produce the same records as in 1.
# Every daemon it starts (munged, slurmctld, slurmd) is stopped by pid on exit, whatever happens.
# Needs root, Debian (installs slurm-wlm and munge with apt when missing) and a built checkout
# (`pnpm build`). CI runs it from .ci/run:
#   deploy/slurm/test-cluster.sh
# With --run, it runs a command on the cluster instead of the test (in the current folder, with
# SLURM_CONF and FFNN set), e.g. to time a study sweep:
#   deploy/slurm/test-cluster.sh --run deploy/slurm/submit.sh sweeps/study-e-full.yaml 2 test.mse
set -euo pipefail
run=()
if [[ ${1:-} == --run ]]; then
  shift
  run=("$@")
fi
started=$SECONDS
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/deploy/slurm
log() { echo "== [$(date -u +%T)] $*"; }
fail() {
  echo "test-cluster: FAILED: $*" >&2
  exit 1
}
[[ $(id -u) == 0 ]] || fail "run as root (slurmctld, slurmd and munged are started here)"
[[ -f $repo/apps/cli/dist/bin.js ]] || fail "$repo/apps/cli/dist/bin.js is missing: run pnpm build first"
export FFNN="node $repo/apps/cli/dist/bin.js"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null || ! command -v ps >/dev/null; then
  log "installing slurm-wlm, munge and procps"
  # Keep the packages' init scripts from starting daemons this script would not know about.
  policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
  fi
  code=0
  {
    apt-get update -qq -o DPkg::Lock::Timeout=600 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 slurm-wlm munge procps >/dev/null
  } || code=$?
  [[ -z $policy ]] || rm -f "$policy"
  ((code == 0)) || fail "apt-get could not install slurm-wlm, munge and procps (exit code $code)"
fi

# Processes of these daemons that were running before: never ours to stop or to report.
daemons='^(slurmctld|slurmd|slurmstepd|munged)$'
before=$(ps -eo pid=,comm= | awk -v re="$daemons" '$2 ~ re { print $1 }' | tr '\n' ' ')
tmp=$(mktemp -d /tmp/ffnn-slurm.XXXXXX)
chmod 755 "$tmp" # munged runs as munge and must reach its folder
pids=()
slurmctld_pid=

stop_all() {
  local rc=$? pid left
  set +e
  trap - EXIT INT TERM
  cd /
  if [[ -n $slurmctld_pid ]] && kill -0 "$slurmctld_pid" 2>/dev/null; then
    # Cancel what is still queued or running, so slurmstepd and the jobs end with the cluster.
    scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null
    for _ in $(seq 60); do [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break; sleep 0.5; done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # Anything else started here (a job step, slurmstepd) works in or holds a file of $tmp.
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if [[ $(readlink "$p/cwd" 2>/dev/null) == "$tmp"* ]] || ls -l "$p/fd" 2>/dev/null | grep -qF "$tmp"; then
      echo "test-cluster: killing leftover process $pid ($(tr '\0' ' ' <"$p/cmdline" 2>/dev/null))" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  sleep 0.5
  # A zombie (state Z, e.g. a slurmstepd whose slurmd exited first) runs nothing and cannot be killed:
  # it waits for the container's init to reap it, so it is not counted as left running.
  left=$(ps -eo pid=,stat=,comm=,args=)
  left=$(awk -v re="$daemons" -v before=" $before " -v dir="$tmp" '$2 !~ /^Z/ && (($3 ~ re && index(before, " " $1 " ") == 0) || index($0, dir) > 0)' <<<"$left")
  if [[ -n $left ]]; then
    echo "test-cluster: still running after the cluster stopped:" >&2
    echo "$left" >&2
    rc=1
  else
    log "stopped munged, slurmctld and slurmd (pids ${pids[*]:-none}); ps shows none of them and nothing from $tmp"
  fi
  if [[ $rc != 0 && -d $tmp/log ]]; then
    for f in "$tmp"/munge/munged.log "$tmp"/log/* "$tmp"/work/logs/*.out; do [[ -f $f ]] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done >&2
  fi
  rm -rf "$tmp"
  log "cluster step took $((SECONDS - started))s, exit code $rc"
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Polls a command until it succeeds.   wait_for <seconds> <what> <command…>
wait_for() {
  local limit=$1 what=$2 t0=$SECONDS
  shift 2
  until "$@"; do
    ((SECONDS - t0 < limit)) || fail "timed out after ${limit}s waiting for $what"
    sleep 0.5
  done
}

log "munge in $tmp/munge"
mkdir -p "$tmp/munge" "$tmp/munge-socket" "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/work"
mungekey --create --keyfile="$tmp/munge/munge.key"
chown -R munge:munge "$tmp/munge" "$tmp/munge-socket"
chmod 700 "$tmp/munge"
chmod 755 "$tmp/munge-socket" # every client must reach the socket
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge-socket/munge.socket
setpriv --reuid=munge --regid=munge --init-groups munged --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" >"$tmp/log/munged.out" 2>&1 &
pids+=($!)
wait_for 20 "munged's socket" test -S "$socket"
munge -n -S "$socket" | unmunge -S "$socket" >/dev/null || fail "munge cannot decode its own credential"

node=$(hostname -s)
log "slurm.conf: node $node with $(nproc) CPUs"
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=ffnn-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
$(slurmd -C | head -n 1) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
grep -q "^NodeName=$node " "$SLURM_CONF" || fail "slurmd -C does not name this host ($node): $(slurmd -C | head -n 1)"
slurmctld -D -c -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
pids+=("$slurmctld_pid")
slurmd -D -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
idle() { [[ $(sinfo -h -n "$node" -o %T 2>/dev/null) == idle ]]; }
wait_for 60 "node $node to be idle" idle
log "cluster up: munged ${pids[0]}, slurmctld ${pids[1]}, slurmd ${pids[2]}; $(sinfo -h -o '%P %D node(s) %c CPUs %T')"
if ((${#run[@]})); then
  log "running ${run[*]}"
  "${run[@]}"
  exit 0
fi

# Jobs run where they were submitted; logs/ and results/ go there (as on a cluster's shared disk).
cd "$tmp/work"
cat >ci-sweep.yaml <<'EOF'
# 8 trials of about 2 s each on a quiet machine (200 epochs took 0.3 s there, and the cancel below came
# after the trials had finished), so a task is cancelled mid-trial; load only makes them longer.
name: ci-sweep
base: { data: runge, n: 1000, epochs: 1200, hidden: "32,32", batchSize: 16, seed: 7 }
grid:
  lr: [0.001, 0.003, 0.01, 0.03]
  l2: [0, 0.0001]
EOF
results=results/ci-sweep
# Job state from the controller (no accounting database here): e.g. "COMPLETED", "PENDING DependencyNeverSatisfied".
state() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*\|Reason=[A-Za-z_]*' | sed 's/.*=//' | grep -v '^None$' | tr '\n' ' ' | sed 's/ $//'; }
gone() { [[ -z $(squeue -h -j "$1" -o %i 2>/dev/null) ]]; }
records() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }
# Both files hold the same records, all but their timing.
same_records() {
  node - "$@" <<'EOF'
const fs = require('node:fs');
const read = (f) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => { const { timing, ...r } = JSON.parse(l); return r; }).sort((a, b) => a.trial - b.trial);
const [a, b] = process.argv.slice(2).map(read);
if (a.length !== 8 || JSON.stringify(a) !== JSON.stringify(b)) { console.error(`records differ: ${a.length} vs ${b.length}`); process.exit(1); }
console.log(`${a.length} records equal (all but timing)`);
EOF
}

log "the reference: one ffnn sweep run of the spec, unsharded"
$FFNN sweep run ci-sweep.yaml --out single.jsonl

log "1. 4 array tasks and a merge job through submit.sh"
out=$("$here/submit.sh" ci-sweep.yaml 4 test.mse)
echo "$out"
array=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<<"$out")
merge=$(sed -n 's/^merge job \([0-9]*\):.*/\1/p' <<<"$out")
[[ -n $array && -n $merge ]] || fail "submit.sh did not print the two job ids"
wait_for 150 "merge job $merge" gone "$merge"
for i in 0 1 2 3; do log "  task ${array}_$i: $(state "${array}_$i")"; done
[[ $(state "$merge") == COMPLETED ]] || fail "merge job $merge ended $(state "$merge")"
cat "logs/ffnn-sweep-merge-$merge.out"
same_records single.jsonl "$results/results.jsonl" || fail "the merged records differ from the unsharded run"

log "2. again from scratch; task 2 is cancelled mid-trial"
rm -rf results logs
out=$("$here/submit.sh" ci-sweep.yaml 4 test.mse)
echo "$out"
array=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<<"$out")
merge=$(sed -n 's/^merge job \([0-9]*\):.*/\1/p' <<<"$out")
task_log=logs/ffnn-sweep-${array}_2.out
training() { grep -q 'to run' "$task_log" 2>/dev/null; }
wait_for 120 "task ${array}_2 to start training" training
sleep 0.5
scancel "${array}_2"
log "  cancelled task ${array}_2 with $(records "$results/shard-2.jsonl") of its 2 trials finished"
wait_for 120 "array job $array" gone "$array"
for i in 0 1 2 3; do log "  task ${array}_$i: $(state "${array}_$i")"; done
[[ $(state "${array}_2") == CANCELLED* ]] || fail "task ${array}_2 is $(state "${array}_2"), expected CANCELLED"
(($(records "$results/shard-2.jsonl") == 0)) || fail "task ${array}_2 finished a trial before it was cancelled (it trains both at once)"
sleep 2 # give the scheduler a pass over the merge job
log "  merge job $merge: $(state "$merge")"
[[ $(state "$merge") == "PENDING DependencyNeverSatisfied" ]] || fail "merge job $merge is $(state "$merge"), expected PENDING DependencyNeverSatisfied"
[[ ! -e $results/results.jsonl && ! -e logs/ffnn-sweep-merge-$merge.out ]] || fail "merge job $merge ran although a shard failed"

log "3. shard 1's last line is torn (as by a write cut short)"
torn=$(tail -n 1 "$results/shard-1.jsonl" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).trial')
missing=$(printf '%s\n' 2 6 "$torn" | sort -n | paste -sd, | sed 's/,/, /g')
size=$(stat -c %s "$results/shard-1.jsonl")
last=$(tail -n 1 "$results/shard-1.jsonl" | wc -c)
truncate -s $((size - last / 2)) "$results/shard-1.jsonl"

log "  the merge run by hand"
set +e
hand=$(bash "$here/merge.sbatch" ci-sweep.yaml "$results" test.mse 2>&1)
code=$?
set -e
echo "$hand"
[[ $code != 0 ]] || fail "the merge by hand succeeded with shards missing"
grep -q "^missing trials: $missing\$" <<<"$hand" || fail "the merge by hand did not name the missing trials $missing"

log "  scancel the stale merge job $merge; resubmit shards 1 and 2 with a new merge job"
scancel "$merge"
out=$("$here/submit.sh" --tasks 1,2 ci-sweep.yaml 4 test.mse)
echo "$out"
array=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<<"$out")
merge=$(sed -n 's/^merge job \([0-9]*\):.*/\1/p' <<<"$out")
wait_for 150 "merge job $merge" gone "$merge"
for i in 1 2; do log "  task ${array}_$i: $(state "${array}_$i"): $(tr '\n' ' ' <"logs/ffnn-sweep-${array}_$i.out" | grep -o 'removed a torn[^(]*\|sweep: [^·]*to run' | tr '\n' ' ')"; done
grep -q 'removed a torn last line' "logs/ffnn-sweep-${array}_1.out" || fail "task ${array}_1 did not repair the torn shard file"
grep -q 'sweep: 2 trials, 1 already finished, 1 to run' "logs/ffnn-sweep-${array}_1.out" || fail "task ${array}_1 did not rerun just its torn trial"
[[ $(state "$merge") == COMPLETED ]] || fail "merge job $merge ended $(state "$merge")"
cat "logs/ffnn-sweep-merge-$merge.out"
same_records single.jsonl "$results/results.jsonl" || fail "after the resubmission, the merged records differ from the unsharded run"
log "all checks passed"
