"""torchvision side of the prediction speed comparison (benchmarks/predict_speed.sh).

prepare OUT_DIR N: builds fasterrcnn_resnet50_fpn with seeded random weights (frozen batch norm eps 0, 91 outputs,
as torchvision's COCO model), saves them as a .pth for `lumi checkpoint import`, and writes N 640x480 JPEG photos-like
images (smooth noise and rectangles) into OUT_DIR/images.
torchvision OUT_DIR: loads the same weights and predicts every image of the folder the plain way - PIL decode,
to_tensor, eager forward (the model's own resize to 800), two threads - after one warm-up image; writes images/s.
"""
import functools
import glob
import json
import os
import sys
import time

import torch
from PIL import Image
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops import FrozenBatchNorm2d
from torchvision.transforms.functional import to_tensor


def build():
    torch.manual_seed(0)
    backbone = resnet_fpn_backbone(backbone_name="resnet50", weights=None,
                                   norm_layer=functools.partial(FrozenBatchNorm2d, eps=0.0), trainable_layers=3)
    return FasterRCNN(backbone, num_classes=91)


def prepare(out, count):
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    model = build()
    torch.save(model.state_dict(), os.path.join(out, "weights.pth"))
    g = torch.Generator().manual_seed(1)
    for i in range(count):
        base = torch.nn.functional.interpolate(torch.rand(1, 3, 12, 16, generator=g), size=(480, 640), mode="bilinear")[0]
        for _ in range(4):
            x, y = int(torch.randint(0, 500, (1,), generator=g)), int(torch.randint(0, 360, (1,), generator=g))
            base[:, y:y + 100, x:x + 120] = torch.rand(3, 1, 1, generator=g)
        pixels = (base.clamp(0, 1) * 255).byte().permute(1, 2, 0).numpy()
        Image.fromarray(pixels).save(os.path.join(out, "images", f"img{i:03d}.jpg"), quality=90)


def run_torchvision(out):
    torch.set_num_threads(2)
    model = build()
    model.load_state_dict(torch.load(os.path.join(out, "weights.pth")))
    model.eval()
    files = sorted(glob.glob(os.path.join(out, "images", "*.jpg")))

    def predict(path):
        with torch.no_grad():
            image = to_tensor(Image.open(path).convert("RGB"))
            detections = model([image])[0]
            keep = detections["scores"] >= 0.5
            return int(keep.sum())

    predict(files[0])  # warm-up
    start = time.perf_counter()
    for f in files:
        predict(f)
    seconds = time.perf_counter() - start
    result = {"images": len(files), "seconds": seconds, "images_per_s": len(files) / seconds,
              "threads": torch.get_num_threads(), "torch": torch.__version__}
    json.dump(result, open(os.path.join(out, "torchvision.json"), "w"))
    print(json.dumps(result))


if sys.argv[1] == "prepare":
    prepare(sys.argv[2], int(sys.argv[3]))
else:
    run_torchvision(sys.argv[2])
