#!/bin/sh
# mAP@0.5 of configs/tiny/fasterrcnn_r18fpn_tiny.yml over MINUTES (default 15) of CPU training on the synthetic
# shapes dataset of issue 8: 300 images of 320 px, 3 classes, 1-4 objects of 8-38 % of the image side
# (train 70 %, val 15 %). Validation every 100 steps writes val_map50_voc07 to metrics.jsonl; after MINUTES the run
# gets SIGINT (it finishes its step and writes a checkpoint). Prints each validation with the minutes it took to get there.
#   benchmarks/tiny_map.sh [MINUTES] [WORKDIR]
set -eu
minutes=${1:-15}
work=${2:-$(mktemp -d /tmp/lumi-tiny-map-XXXXXX)}
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
dotnet run -c Release --project benchmarks/Lumi.Benchmarks -- synth "$work/shapes" 300 320 >/dev/null
start=$(date +%s)
timeout -s INT $((minutes * 60)) ./lumi train -c configs/tiny/fasterrcnn_r18fpn_tiny.yml --dataset "$work/shapes" \
   --train-split train --val-split val --run-dir "$work/run" --quiet || true
python3 - "$work/run/metrics.jsonl" "$start" <<'PY'
import json, sys, datetime
start = int(sys.argv[2])
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "val_map50_voc07" in r:
        t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
        print(f"step {r['step']:5d}  {(t - start) / 60:5.1f} min  mAP@0.5 (VOC07) {r['val_map50_voc07']:.4f}")
PY
