#!/usr/bin/env bash
# Prediction speed on the CPU over a folder of 640x480 JPEGs, one R50-FPN (seeded random weights, torchvision's
# COCO layout) in every contender, two threads each, same run:
#   lumi predict (the whole command: decode, resize, ONNX Runtime, JSON lines; its summary's images/s)
#   the exported graph alone on pre-decoded, pre-resized tensors (ONNX Runtime; the ceiling for lumi predict)
#   TorchSharp eager inference on the same checkpoint
#   a plain torchvision loop in Python (PIL decode, to_tensor, eager forward)
# and the start-up time of lumi predict on one image. Usage: benchmarks/predict_speed.sh [IMAGES]
# Needs python3-torchvision and libopenblas0-pthread (Debian's reference BLAS makes torch 10x slower).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-8}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export OMP_WAIT_POLICY=PASSIVE
dotnet build -c Release benchmarks/Lumi.Benchmarks >/dev/null
./lumi --version >/dev/null   # builds the command line when it is stale
lumi="dotnet .lumi-build/cli/lumi.dll"
/usr/bin/python3 benchmarks/predict_speed.py prepare "$dir" "$count"
$lumi checkpoint import --torchvision "$dir/weights.pth" --classes coco --output "$dir/ckpt" >&2
$lumi export --checkpoint "$dir/ckpt" --output "$dir/model.onnx" >&2
# lumi predict over the folder, then on one image from a cold process (start-up + one prediction).
$lumi predict "$dir/images" --model "$dir/model.onnx" --device cpu --output "$dir/predictions.jsonl" 2>"$dir/predict.log"
cat "$dir/predict.log" >&2
TIMEFORMAT=%R
startup=$( { time $lumi predict "$dir/images/img000.jpg" --model "$dir/model.onnx" --device cpu >/dev/null 2>&1; } 2>&1 )
echo "{\"startup_one_image_s\": $startup}" >"$dir/startup.json"
dotnet benchmarks/Lumi.Benchmarks/bin/Release/net10.0/Lumi.Benchmarks.dll predict-speed "$dir"
/usr/bin/python3 benchmarks/predict_speed.py torchvision "$dir"
/usr/bin/python3 - "$dir" <<'PY'
import json, re, sys
d = sys.argv[1]
log = open(f"{d}/predict.log").read()
m = re.search(r"Predicted (\d+) of \d+ images in ([0-9.]+) s \(([0-9.]+) images/s\)", log)
predict = int(m.group(1)) / float(m.group(2))  # the summary rounds images/s to 2 decimals
l = json.load(open(f"{d}/lumi.json")); t = json.load(open(f"{d}/torchvision.json")); s = json.load(open(f"{d}/startup.json"))
rows = [("lumi predict (whole command)", predict), ("ONNX Runtime alone, pre-decoded tensors", l["onnx_images_per_s"]),
        ("TorchSharp eager, pre-decoded tensors", l["torchsharp_images_per_s"]), ("torchvision loop (Python)", t["images_per_s"])]
for name, v in rows:
    print(f"{name:42s} {v:6.3f} images/s  ({1 / v:5.2f} s/image)")
print(f"lumi predict / ONNX Runtime alone: {predict / l['onnx_images_per_s']:.2f}")
print(f"lumi predict / torchvision:        {predict / t['images_per_s']:.2f}")
print(f"lumi predict / TorchSharp eager:   {predict / l['torchsharp_images_per_s']:.2f}")
print(f"lumi predict start-up + one image: {s['startup_one_image_s']:.2f} s")
PY
