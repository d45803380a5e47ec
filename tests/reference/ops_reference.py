"""Reference outputs of torchvision's detection ops, for tests/Lumi.Models.Tests/Ops.

Usage: /usr/bin/python3 ops_reference.py OUT.safetensors

Needs Debian's python3-torchvision (0.14, torch 1.13). Every input is generated here from fixed seeds
and written next to torchvision's outputs, so the C# tests replay exactly the same numbers. The
"__metadata__" entry "cases" lists every case with its parameters as JSON.
"""
import json
import math
import os
import sys

import torch
import torchvision
from torchvision.ops import batched_nms, box_area, box_iou, clip_boxes_to_image, nms, remove_small_boxes, roi_align
from torchvision.ops.boxes import _batched_nms_coordinate_trick, _batched_nms_vanilla
from torchvision.models.detection._utils import BoxCoder

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

DTYPES = {"f32": torch.float32, "f64": torch.float64}
out = {}
cases = {"nms": [], "batched_nms": [], "box": [], "coder": [], "roi_align": []}


def random_boxes(g, n, size=100.0, min_wh=0.5, max_wh=40.0, dtype=torch.float64):
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * size
    wh = min_wh + torch.rand(n, 2, generator=g, dtype=torch.float64) * (max_wh - min_wh)
    return torch.cat([xy, xy + wh], 1).to(dtype)


# ---------------------------------------------------------------- box helpers
g = torch.Generator().manual_seed(1)
for dt, dtype in DTYPES.items():
    a = random_boxes(g, 23, dtype=dtype)
    b = random_boxes(g, 31, dtype=dtype)
    b[0] = a[0]                                 # identical pair: IoU 1
    b[1] = torch.tensor([500, 500, 510, 510])   # disjoint from everything: IoU 0
    name = f"box/{dt}"
    out[f"{name}/a"], out[f"{name}/b"] = a, b
    out[f"{name}/iou"] = box_iou(a, b)
    out[f"{name}/area"] = box_area(a)
    c = (torch.rand(40, 4, generator=g, dtype=torch.float64) * 300 - 100).to(dtype)
    out[f"{name}/clip_in"] = c
    out[f"{name}/clip"] = clip_boxes_to_image(c, (120, 150))
    s = random_boxes(g, 60, min_wh=0.0, max_wh=4.0, dtype=dtype)
    s[5, 2] = s[5, 0] + 1.0                     # exactly min_size wide: kept (>=)
    out[f"{name}/small_in"] = s
    out[f"{name}/small_1"] = remove_small_boxes(s, 1.0)
    out[f"{name}/small_1e-3"] = remove_small_boxes(s, 1e-3)
    cases["box"].append({"name": name, "height": 120, "width": 150, "min_sizes": {"small_1": 1.0, "small_1e-3": 1e-3}})

# ---------------------------------------------------------------- BoxCoder
g = torch.Generator().manual_seed(2)
for dt, dtype in DTYPES.items():
    for wname, weights in (("rpn", (1.0, 1.0, 1.0, 1.0)), ("head", (10.0, 10.0, 5.0, 5.0))):
        name = f"coder/{wname}/{dt}"
        coder = BoxCoder(weights)
        ref = random_boxes(g, 50, dtype=dtype)
        prop = random_boxes(g, 50, dtype=dtype)
        out[f"{name}/ref"], out[f"{name}/prop"] = ref, prop
        out[f"{name}/encoded"] = coder.encode_single(ref, prop)
        codes = (torch.randn(50, 4 * 3, generator=g, dtype=torch.float64) * 2).to(dtype)
        codes[:3, 2::4] = 60.0                  # beyond the exp clamp
        codes[3:6, 3::4] = 80.0
        out[f"{name}/codes"] = codes
        out[f"{name}/decoded"] = coder.decode_single(codes, prop)
        cases["coder"].append({"name": name, "weights": list(weights)})

# ---------------------------------------------------------------- NMS
g = torch.Generator().manual_seed(3)


def add_nms(name, boxes, scores, thr):
    out[f"{name}/boxes"], out[f"{name}/scores"] = boxes, scores
    out[f"{name}/keep"] = nms(boxes, scores, thr)
    cases["nms"].append({"name": name, "iou_threshold": thr})


for dt, dtype in DTYPES.items():
    b = random_boxes(g, 800, size=200.0, dtype=dtype)
    add_nms(f"nms/random/{dt}", b, torch.rand(800, generator=g, dtype=torch.float64).to(dtype), 0.5)
    # Heavy ties: scores on a grid of 4 values, boxes clustered so that ties decide suppression.
    b = random_boxes(g, 1500, size=60.0, min_wh=5.0, max_wh=30.0, dtype=dtype)
    ties = (torch.randint(0, 4, (1500,), generator=g).to(torch.float64) / 4).to(dtype)
    for thr in (0.3, 0.7):
        add_nms(f"nms/ties_{thr}/{dt}", b, ties, thr)
    # Exact duplicates with equal scores, and IoU exactly at the threshold (kept: the rule is IoU > threshold).
    dup = torch.tensor([[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 5, 10], [20, 20, 30, 30], [0, 0, 10, 10], [0, 0, 2, 1], [0, 0, 1, 1]], dtype=dtype)
    add_nms(f"nms/duplicates/{dt}", dup, torch.tensor([0.9, 0.9, 0.9, 0.5, 0.9, 0.3, 0.3], dtype=dtype), 0.5)
    # Thresholds that float32 cannot hold exactly, on many IoUs.
    b = random_boxes(g, 3000, size=150.0, dtype=dtype)
    sc = torch.rand(3000, generator=g, dtype=torch.float64).to(dtype)
    for thr in (0.1, 0.7):
        add_nms(f"nms/large_{thr}/{dt}", b, sc, thr)
    add_nms(f"nms/empty/{dt}", torch.zeros(0, 4, dtype=dtype), torch.zeros(0, dtype=dtype), 0.5)


def add_batched(name, boxes, scores, idxs, thr):
    out[f"{name}/boxes"], out[f"{name}/scores"], out[f"{name}/idxs"] = boxes, scores, idxs
    out[f"{name}/keep"] = batched_nms(boxes, scores, idxs, thr)  # what torchvision itself would do
    out[f"{name}/keep_trick"] = _batched_nms_coordinate_trick(boxes, scores, idxs, thr)
    out[f"{name}/keep_vanilla"] = _batched_nms_vanilla(boxes, scores, idxs, thr)
    cases["batched_nms"].append({"name": name, "iou_threshold": thr, "n": boxes.shape[0],
                                 "torchvision_path": "vanilla" if boxes.numel() > 4000 else "coordinate_trick"})


for dt, dtype in DTYPES.items():
    # <= 1000 boxes on the CPU: torchvision's batched_nms takes the coordinate trick.
    b = random_boxes(g, 900, size=80.0, min_wh=5.0, max_wh=40.0, dtype=dtype)
    add_batched(f"batched/ties/{dt}", b, (torch.randint(0, 5, (900,), generator=g).to(torch.float64) / 5).to(dtype),
                torch.randint(0, 6, (900,), generator=g), 0.5)
    # > 1000 boxes: torchvision switches to one nms per class; distinct scores make the order unique.
    b = random_boxes(g, 2500, size=120.0, dtype=dtype)
    add_batched(f"batched/large/{dt}", b, torch.rand(2500, generator=g, dtype=torch.float64).to(dtype),
                torch.randint(0, 10, (2500,), generator=g), 0.6)

# ---------------------------------------------------------------- RoIAlign
g = torch.Generator().manual_seed(4)


def make_rois(g, k, n, height, width, scale):
    """RoIs in image coordinates: inside, partly and wholly outside, tiny, huge, degenerate."""
    H, W = height / scale, width / scale
    x1 = torch.rand(k, generator=g, dtype=torch.float64) * W * 1.4 - 0.2 * W
    y1 = torch.rand(k, generator=g, dtype=torch.float64) * H * 1.4 - 0.2 * H
    w = torch.rand(k, generator=g, dtype=torch.float64) * W * 0.8
    h = torch.rand(k, generator=g, dtype=torch.float64) * H * 0.8
    rois = torch.stack([torch.randint(0, n, (k,), generator=g).to(torch.float64), x1, y1, x1 + w, y1 + h], 1)
    special = torch.tensor([
        [0, 0, 0, W, H],                          # the whole image
        [0, -3 * W, -3 * H, 4 * W, 4 * H],        # huge, around the image
        [0, 1.2 * W, 1.3 * H, 1.6 * W, 1.9 * H],  # wholly outside (below/right)
        [0, -2 * W, -2 * H, -1.5 * W, -1.2 * H],  # wholly outside (above/left)
        [0, 0.3 * W, 0.4 * H, 0.3 * W + 0.05, 0.4 * H + 0.07],  # tiny
        [0, 0.5 * W, 0.5 * H, 0.4 * W, 0.45 * H],               # x2 < x1: malformed
        [0, W - 0.3, H - 0.2, W + 0.9, H + 1.7],  # across the bottom-right border
        [0, -1.1, -0.9, 2.0, 2.5],                # across the top-left border
    ], dtype=torch.float64)
    special[:, 0] = torch.arange(special.shape[0]) % n
    return torch.cat([rois, special], 0)


roi_cases = [
    # name, N, C, H, W, K, output, scale, sampling ratio, aligned
    ("fpn_p2", 2, 3, 11, 13, 40, (7, 7), 0.25, 2, False),
    ("scale1", 1, 2, 9, 7, 30, (7, 7), 1.0, 2, False),
    ("adaptive", 2, 2, 12, 10, 30, (7, 7), 0.5, 0, False),
    ("aligned", 2, 3, 10, 11, 30, (7, 7), 0.5, 2, True),
    ("aligned_adaptive", 1, 2, 8, 9, 25, (3, 4), 1.0, -1, True),
    ("odd_output", 3, 4, 6, 15, 30, (3, 5), 0.5, 3, False),
    ("one_pixel_map", 1, 2, 1, 1, 10, (2, 2), 1.0, 2, False),
    ("fpn_p5", 1, 16, 25, 34, 120, (7, 7), 1.0 / 32, 2, False),
]
for (name, n, c, h, w, k, osz, scale, sr, aligned) in roi_cases:
    x64 = torch.randn(n, c, h, w, generator=g, dtype=torch.float64)
    rois64 = make_rois(g, k, n, h, w, scale)
    gout64 = torch.randn(rois64.shape[0], c, osz[0], osz[1], generator=g, dtype=torch.float64)
    for dt, dtype in DTYPES.items():
        x = x64.to(dtype).requires_grad_(True)
        rois = rois64.to(dtype)
        y = roi_align(x, rois, osz, spatial_scale=scale, sampling_ratio=sr, aligned=aligned)
        (y * gout64.to(dtype)).sum().backward()
        key = f"roi/{name}/{dt}"
        out[f"{key}/input"], out[f"{key}/rois"], out[f"{key}/grad_output"] = x.detach(), rois, gout64.to(dtype)
        out[f"{key}/output"], out[f"{key}/grad_input"] = y.detach(), x.grad
        cases["roi_align"].append({"name": key, "output_size": list(osz), "spatial_scale": scale,
                                   "sampling_ratio": sr, "aligned": aligned})

st.save(out, sys.argv[1], metadata={
    "cases": json.dumps(cases),
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
})
