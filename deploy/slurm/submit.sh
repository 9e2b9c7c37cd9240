#!/bin/bash
# Submits a sharded sweep as a SLURM job array, then the merge once every shard succeeded.
#   deploy/slurm/submit.sh sweeps/study-f-full.yaml 9 test.accuracy
# A shard that failed leaves the merge job pending (reason DependencyNeverSatisfied): scancel it and
# resubmit only the failed shards, with a new merge job; each reruns just its unfinished trials:
#   deploy/slurm/submit.sh --tasks 2,5 sweeps/study-f-full.yaml 9 test.accuracy
set -euo pipefail
TASKS=
if [[ ${1:-} == --tasks ]]; then
  TASKS=${2:?--tasks needs a list of shard indices, e.g. 2,5}
  shift 2
fi
SPEC=${1:?usage: submit.sh [--tasks i,j,…] <spec.yaml> <shards> [metric]}
SHARDS=${2:?number of shards}
METRIC=${3:-test.accuracy}
TASKS=${TASKS:-0-$((SHARDS - 1))}
RESULTS=results/$(basename "$SPEC" .yaml)
mkdir -p logs
here=$(dirname "$0")
array=$(sbatch --parsable --array="$TASKS" "$here/sweep.sbatch" "$SPEC" "$RESULTS" "$SHARDS")
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/merge.sbatch" "$SPEC" "$RESULTS" "$METRIC")
echo "array job $array: shards $TASKS of $SHARDS of $SPEC → $RESULTS/shard-*.jsonl"
echo "merge job $merge: after every shard of job $array succeeded → $RESULTS/results.jsonl, $RESULTS/report.md"
