#!/bin/bash
# optlab compare, fair tier, preset {{PRESET}}, stage of {{COUNT}} run specs ({{SPECS}}).
# One Slurm array task per line of the specs file; each writes one result line. Written by
# `optlab compare --tier fair --preset {{PRESET}} --emit slurm`; see docs/cluster.md.
#SBATCH --job-name=optlab-{{NAME}}
#SBATCH --array=0-{{LAST}}
#SBATCH --cpus-per-task=1
#SBATCH --time={{TIME}}
#SBATCH --output=logs/%A_%a.out
set -euo pipefail
mkdir -p results logs
line=$((SLURM_ARRAY_TASK_ID + 1))
sed -n "${line}p" "{{SPECS}}" | optlab run-spec - > "results/{{NAME}}-${line}.jsonl.part"
mv "results/{{NAME}}-${line}.jsonl.part" "results/{{NAME}}-${line}.jsonl"
# When the array is done:
#   optlab compare --tier fair --preset {{PRESET}} --plan results/*.jsonl > specs.jsonl   # the next stage (may be empty)
#   optlab compare --tier fair --preset {{PRESET}} --merge results/*.jsonl --out report    # the leaderboard
