#!/bin/bash
# Submits a sharded sweep as a SLURM job array, then the merge once every shard succeeded.
#   deploy/slurm/submit.sh sweeps/study-f-full.yaml 9 test.accuracy
set -euo pipefail
SPEC=${1:?usage: submit.sh <spec.yaml> <shards> [metric]}
SHARDS=${2:?number of shards}
METRIC=${3:-test.accuracy}
mkdir -p logs
here=$(dirname "$0")
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) "$here/sweep.sbatch" "$SPEC")
sbatch --dependency=afterok:"$array" "$here/merge.sbatch" "$SPEC" "results/$(basename "$SPEC" .yaml)" "$METRIC"
