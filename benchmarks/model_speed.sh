#!/usr/bin/env bash
# R50-FPN at 800x1088 on the CPU, Lumi (TorchSharp) against torchvision (Python), same weights,
# same input, two threads each, same run. Prints both and the ratios (Lumi / torchvision; ≤ 1 is the target).
# Needs python3-torchvision and libopenblas0-pthread (Debian's reference BLAS makes torch 10x slower).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dotnet build -c Release benchmarks/Lumi.Benchmarks >/dev/null
bench="dotnet benchmarks/Lumi.Benchmarks/bin/Release/net10.0/Lumi.Benchmarks.dll model-speed"
/usr/bin/python3 benchmarks/model_speed.py "$dir" "$repeats" forward
$bench "$dir" "$repeats" forward
# LUMI_BENCH_TRAIN_ISA caps oneDNN's instruction set for the training step on both sides (unset: none).
if [[ -n "${LUMI_BENCH_TRAIN_ISA:-}" ]]; then export DNNL_MAX_CPU_ISA=$LUMI_BENCH_TRAIN_ISA; fi
/usr/bin/python3 benchmarks/model_speed.py "$dir" "$repeats" train
$bench "$dir" "$repeats" train
/usr/bin/python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
t = json.load(open(f"{d}/torchvision.json")); l = json.load(open(f"{d}/lumi.json"))
for k in ("forward_s", "train_step_s"):
    print(f"{k}: Lumi {l[k]:.3f} s, torchvision {t[k]:.3f} s, ratio {l[k] / t[k]:.2f}")
PY
