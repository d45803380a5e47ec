"""Oracle for Lumi's one resize rule (shared/DESIGN.md §1): torchvision's GeneralizedRCNNTransform resize.

Usage: python3 resize_reference.py OUT.safetensors

For each case, a seeded random uint8 image (3, h, w) is stored as `<name>.input` (U8), the result of
torchvision's own `_resize_image_and_masks` on `input / 255` as `<name>.output` (F32), and torchvision's
`resize_boxes` of a few boxes both ways as `<name>.boxes` (F32 [K, 4], in the original image),
`<name>.boxes_resized` (original -> resized) and `<name>.boxes_back` (resized -> original).
The cases (name, h, w, min_size, max_size) are in the metadata key "cases" as JSON.
"""
import json
import sys

import torch
from torchvision.models.detection.transform import _resize_image_and_masks, resize_boxes

from st import save

CASES = [
    # name, height, width, min_size, max_size
    ("upscale", 37, 53, 100, 1333),            # s = 100/37, fractional in both axes
    ("downscale", 240, 320, 96, 1333),         # s = 0.4
    ("odd_down", 333, 517, 200, 1333),         # fractional downscale
    ("tall", 301, 122, 800, 1333),             # non-square, upscale limited by max_size
    ("wide_max", 60, 700, 100, 400),           # long side binds
    ("identity", 96, 160, 96, 1333),           # s = 1: no resampling
    ("tiny", 1, 1, 16, 1333),                  # a single pixel
    ("tiny2x3", 2, 3, 20, 1333),
    ("thin", 3, 90, 24, 200),                  # long side binds, 3 rows
    ("voc_like", 375, 500, 800, 1333),         # a typical VOC image at torchvision's defaults
]


def main(out):
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(20240607)
    tensors = {}
    for name, h, w, min_size, max_size in CASES:
        image = torch.randint(0, 256, (3, h, w), generator=g, dtype=torch.uint8)
        x = image.float().div(255)
        y, _ = _resize_image_and_masks(x, float(min_size), float(max_size), None, None)
        tensors[f"{name}.input"] = image
        tensors[f"{name}.output"] = y.contiguous()
        k = 5
        x1 = torch.rand(k, generator=g) * (w - 1)
        y1 = torch.rand(k, generator=g) * (h - 1)
        x2 = x1 + torch.rand(k, generator=g) * (w - x1)
        y2 = y1 + torch.rand(k, generator=g) * (h - y1)
        boxes = torch.stack([x1, y1, x2, y2], dim=1)
        resized = tuple(y.shape[-2:])
        tensors[f"{name}.boxes"] = boxes
        tensors[f"{name}.boxes_resized"] = resize_boxes(boxes, (h, w), resized)
        tensors[f"{name}.boxes_back"] = resize_boxes(boxes, resized, (h, w))
    save(tensors, out, metadata={"cases": json.dumps(CASES), "torch": torch.__version__})


if __name__ == "__main__":
    main(sys.argv[1])
