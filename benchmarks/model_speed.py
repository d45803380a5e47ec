"""torchvision side of the R50-FPN speed comparison (benchmarks/model_speed.sh).

Builds fasterrcnn_resnet50_fpn as it is fine-tuned from pretrained weights (frozen batch norm,
3 trainable stages), writes its weights and one 800x1088 input for Lumi, then times the eval
forward pass and one SGD training step with 2 threads. Usage: model_speed.py OUT_DIR REPEATS forward|train
"""
import functools
import json
import os
import statistics
import sys
import time

import torch
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops import FrozenBatchNorm2d

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import st  # noqa: E402

torch.set_num_threads(2)
out = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
mode = sys.argv[3] if len(sys.argv) > 3 else "forward"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
backbone = resnet_fpn_backbone(backbone_name="resnet50", weights=None,
                               norm_layer=functools.partial(FrozenBatchNorm2d, eps=0.0), trainable_layers=3)
model = FasterRCNN(backbone, num_classes=91)
model.transform.resize = lambda image, target=None: (image, target)
g = torch.Generator().manual_seed(1)
image = torch.nn.functional.interpolate(torch.rand(1, 3, 100, 136, generator=g), size=(800, 1088), mode="bilinear")[0]
boxes = torch.tensor([[100.0, 120.0, 400.0, 500.0], [500.0, 300.0, 900.0, 700.0], [50.0, 600.0, 250.0, 780.0]])
labels = torch.tensor([1, 18, 3])
st.save(model.state_dict(), os.path.join(out, "weights.safetensors"))
st.save({"image": image, "boxes": boxes, "labels": labels}, os.path.join(out, "input.safetensors"))


def timed(fn):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


result_path = os.path.join(out, "torchvision.json")
result = json.load(open(result_path)) if os.path.exists(result_path) else {}
result.update({"threads": torch.get_num_threads(), "torch": torch.__version__})
if mode == "forward":
    model.eval()
    with torch.no_grad():
        result["forward_s"] = timed(lambda: model([image]))

model.train()
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.001, momentum=0.9)


def step():
    optimizer.zero_grad()
    losses = model([image], [{"boxes": boxes, "labels": labels}])
    sum(losses.values()).backward()
    optimizer.step()


if mode == "train":
    result["train_step_s"] = timed(step)
with open(result_path, "w") as f:
    json.dump(result, f)
print(json.dumps(result))
