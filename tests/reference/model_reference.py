"""torchvision oracle for Lumi's Faster R-CNN (Debian's python3-torchvision 0.14).

Builds torchvision Faster R-CNN models from fixed seeds, with frozen batch norms holding
non-trivial statistics and a classifier scaled so detections are confident and varied, runs them
on fixed images and records what Lumi must reproduce:

  <case>.weights.safetensors  the state dict (torchvision key names)
  <case>.io.safetensors       inputs, backbone+FPN features, RPN proposals, detections,
                              training targets, the four losses and the sampled anchor/proposal masks
  <case>.json                 the model configuration of the case
  keys.json                   state-dict key names and shapes of every backbone depth

The transform's resize is disabled (images are fed at their final size): Lumi resizes outside
the model (shared/DESIGN.md §1), and the resize rule is checked on its own.
Usage: /usr/bin/python3 model_reference.py OUT_DIR
"""
import collections
import functools
import json
import re
import os
import sys

import torch
import torchvision
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops import FrozenBatchNorm2d

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

torch.set_num_threads(2)


class RecordingSampler:
    """Wraps a BalancedPositiveNegativeSampler and keeps the masks it chose."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = []

    def __call__(self, labels):
        pos, neg = self.inner(labels)
        self.calls.append(([p.clone() for p in pos], [n.clone() for n in neg]))
        return pos, neg


def build(case):
    torch.manual_seed(case["seed"])
    if case["frozen"]:
        norm = functools.partial(FrozenBatchNorm2d, eps=case["eps"])
        trainable = 3
    else:
        norm = functools.partial(torch.nn.BatchNorm2d, eps=case["eps"])
        trainable = 5
    backbone = resnet_fpn_backbone(backbone_name=case["backbone"], weights=None, norm_layer=norm,
                                   trainable_layers=trainable)
    model = FasterRCNN(backbone, num_classes=case["num_classes"] + 1, min_size=800, max_size=1333)
    g = torch.Generator().manual_seed(case["seed"] + 1)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (FrozenBatchNorm2d, torch.nn.BatchNorm2d)):
                c = m.running_mean.numel()
                m.weight.copy_(torch.rand(c, generator=g) * 0.6 + 0.7)
                m.bias.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=g) * 0.6 + 0.7)
        # Objectness that varies clearly between anchors, and a classifier whose softmax is peaky.
        model.rpn.head.cls_logits.weight.normal_(0, case["rpn_std"], generator=g)
        model.rpn.head.cls_logits.bias.normal_(0, 0.5, generator=g)
        model.rpn.head.bbox_pred.weight.normal_(0, 0.02, generator=g)
        model.roi_heads.box_predictor.cls_score.weight.normal_(0, case["cls_std"], generator=g)
        model.roi_heads.box_predictor.cls_score.bias.normal_(0, 1.0, generator=g)
        model.roi_heads.box_predictor.bbox_pred.weight.normal_(0, 0.01, generator=g)
    model.transform.resize = lambda image, target=None: (image, target)
    return model.to(case["dtype"])


def images_and_targets(case):
    g = torch.Generator().manual_seed(case["seed"] + 2)
    images, targets = [], []
    for (h, w) in case["sizes"]:
        # Smooth blobs on noise: structure for the convolutions to respond to.
        img = torch.rand(3, h, w, generator=g) * 0.3
        boxes, labels = [], []
        for _ in range(3):
            bw = int(torch.randint(24, w // 2, (1,), generator=g))
            bh = int(torch.randint(24, h // 2, (1,), generator=g))
            x1 = int(torch.randint(0, w - bw, (1,), generator=g))
            y1 = int(torch.randint(0, h - bh, (1,), generator=g))
            color = torch.rand(3, 1, 1, generator=g)
            img[:, y1:y1 + bh, x1:x1 + bw] = color * 0.7 + 0.3 * img[:, y1:y1 + bh, x1:x1 + bw]
            boxes.append([x1, y1, x1 + bw, y1 + bh])
            labels.append(int(torch.randint(1, case["num_classes"] + 1, (1,), generator=g)))
        images.append(img.to(case["dtype"]))
        targets.append({"boxes": torch.tensor(boxes, dtype=case["dtype"]), "labels": torch.tensor(labels)})
    return images, targets


def run(case, out):
    name = case["name"]
    model = build(case)
    images, targets = images_and_targets(case)
    io = {}
    for i, img in enumerate(images):
        io[f"image_{i}"] = img
        io[f"target_boxes_{i}"] = targets[i]["boxes"]
        io[f"target_labels_{i}"] = targets[i]["labels"]

    model.eval()
    with torch.no_grad():
        image_list, _ = model.transform(images)
        io["transformed"] = image_list.tensors
        features = model.backbone(image_list.tensors)
        for i, (k, v) in enumerate(features.items()):
            io[f"feature_{i}"] = v
        proposals, _ = model.rpn(image_list, features)
        for i, p in enumerate(proposals):
            io[f"proposals_{i}"] = p
        detections = model(images)
        for i, d in enumerate(detections):
            io[f"det_boxes_{i}"] = d["boxes"]
            io[f"det_scores_{i}"] = d["scores"]
            io[f"det_labels_{i}"] = d["labels"]

    if case["losses"]:
        model.train()
        rpn_sampler = RecordingSampler(model.rpn.fg_bg_sampler)
        roi_sampler = RecordingSampler(model.roi_heads.fg_bg_sampler)
        model.rpn.fg_bg_sampler = rpn_sampler
        model.roi_heads.fg_bg_sampler = roi_sampler
        torch.manual_seed(case["seed"] + 3)
        losses = model(images, targets)
        for k, v in losses.items():
            io[k] = v.detach().reshape(1)
        for prefix, sampler in (("rpn", rpn_sampler), ("roi", roi_sampler)):
            pos, neg = sampler.calls[0]
            for i in range(len(pos)):
                io[f"{prefix}_pos_{i}"] = pos[i]
                io[f"{prefix}_neg_{i}"] = neg[i]

    st.save({k: v for k, v in model.state_dict().items()}, os.path.join(out, f"{name}.weights.safetensors"))
    if case.get("pth"):
        save_pth(model, os.path.join(out, name))
    st.save(io, os.path.join(out, f"{name}.io.safetensors"))
    meta = {k: v for k, v in case.items() if k != "dtype"}
    meta["dtype"] = str(case["dtype"]).replace("torch.", "")
    meta["num_images"] = len(images)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(meta, f, indent=1)
    n = sum(int(d["boxes"].shape[0]) for d in detections)
    print(f"{name}: {n} detections, losses: " +
          (", ".join(f"{k}={float(v):.4f}" for k, v in losses.items()) if case["losses"] else "-"))


def save_pth(model, stem):
    """As torchvision publishes weights: the legacy format with pre-0.13 key names; and the zip format with today's."""
    sd = model.state_dict()
    torch.save(sd, stem + ".zip.pth")
    old = collections.OrderedDict()
    for k, v in sd.items():
        k = re.sub(r"^(backbone\.fpn\.(inner|layer)_blocks\.\d+)\.0\.", r"\1.", k)
        k = re.sub(r"^rpn\.head\.conv\.0\.0\.", "rpn.head.conv.", k)
        old[k] = v
    old._metadata = collections.OrderedDict((m, dict(v)) for m, v in sd._metadata.items())
    for m in ("backbone.fpn", "rpn.head"):
        old._metadata[m]["version"] = 1
    torch.save(old, stem + ".legacy.pth", _use_new_zipfile_serialization=False)


CASES = [
    dict(name="r18_frozen_f64", backbone="resnet18", frozen=True, eps=1e-5, num_classes=5, seed=11,
         dtype=torch.float64, sizes=[(256, 320), (224, 288)], losses=True, rpn_std=0.05, cls_std=0.2),
    dict(name="r50_frozen_f64", backbone="resnet50", frozen=True, eps=0.0, num_classes=4, seed=12,
         dtype=torch.float64, sizes=[(224, 256)], losses=True, rpn_std=0.05, cls_std=0.2),
    dict(name="r18_bn_f64", backbone="resnet18", frozen=False, eps=1e-5, num_classes=3, seed=13,
         dtype=torch.float64, sizes=[(192, 256)], losses=False, rpn_std=0.05, cls_std=0.2),
    dict(name="r18_frozen_f32", backbone="resnet18", frozen=True, eps=1e-5, num_classes=8, seed=14,
         dtype=torch.float32, sizes=[(320, 416), (288, 352), (256, 256)], losses=False, rpn_std=0.05, cls_std=0.2),
    # torchvision's published COCO layout: 91 outputs, frozen batch norm with epsilon 0, legacy .pth with old key names.
    dict(name="r50_coco_f32", backbone="resnet50", frozen=True, eps=0.0, num_classes=90, seed=15,
         dtype=torch.float32, sizes=[(224, 288)], losses=False, rpn_std=0.05, cls_std=0.2, pth=True),
]


def keys(out):
    result = {}
    for arch in ("resnet18", "resnet34", "resnet50", "resnet101"):
        for frozen in (True, False):
            norm = FrozenBatchNorm2d if frozen else torch.nn.BatchNorm2d
            backbone = resnet_fpn_backbone(backbone_name=arch, weights=None, norm_layer=norm,
                                           trainable_layers=3 if frozen else 5)
            model = FasterRCNN(backbone, num_classes=91)
            result[f"{arch}_{'frozen' if frozen else 'bn'}"] = {
                "state": {k: list(v.shape) for k, v in model.state_dict().items()},
                "trainable": [k for k, p in model.named_parameters() if p.requires_grad],
            }
    with open(os.path.join(out, "keys.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for case in CASES:
        run(case, out)
    keys(out)
