"""Fixtures for Lumi's PyTorch state-dict reader (tests/Lumi.Models.Tests/Checkpoints).

Run with Debian's interpreter (torch 1.13, torchvision 0.14):

    /usr/bin/python3 tests/reference/torch_files.py OUT_DIR

Writes, for each case, the file in PyTorch's zip format (`<case>.zip.pt`), in the legacy pre-1.6
format (`<case>.legacy.pt`) and the expected tensors as contiguous safetensors
(`<case>.expected.safetensors`), plus `<case>.json` with what safetensors cannot hold
(requires_grad, `_metadata` versions). Also a malicious pickle in both containers, truncated
files, and the Faster R-CNN key lists before and after torchvision's pre-0.13 renaming.
"""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402


def save_both(obj, out, case):
    torch.save(obj, os.path.join(out, f"{case}.zip.pt"))
    torch.save(obj, os.path.join(out, f"{case}.legacy.pt"), _use_new_zipfile_serialization=False)


def expected(sd, out, case, extra=None):
    st.save({k: v.detach().contiguous() for k, v in sd.items()}, os.path.join(out, f"{case}.expected.safetensors"))
    info = {
        "keys": list(sd.keys()),
        "requires_grad": [k for k, v in sd.items() if v.requires_grad],
        "metadata": {p: m.get("version") for p, m in getattr(sd, "_metadata", {}).items()},
    }
    info.update(extra or {})
    with open(os.path.join(out, f"{case}.json"), "w") as f:
        json.dump(info, f, indent=1)


def basic(out):
    torch.manual_seed(1)
    sd = OrderedDict()
    sd["f64"] = torch.randn(2, 3, dtype=torch.float64)
    sd["f32"] = torch.randn(4, 5)
    sd["i64"] = torch.tensor([-(2 ** 40), -1, 0, 7, 2 ** 62])
    sd["i32"] = torch.tensor([[-5, 3], [2 ** 30, 0]], dtype=torch.int32)
    sd["bool"] = torch.tensor([True, False, True, True])
    sd["u8"] = torch.tensor([0, 1, 128, 255], dtype=torch.uint8)
    sd["half"] = torch.randn(3, 2).half()
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.empty(0, 3)
    # A non-contiguous view: a transposed matrix (its whole storage is saved, with strides).
    sd["transposed"] = torch.arange(12, dtype=torch.float32).reshape(3, 4).t()
    # A strided slice: every other column.
    sd["strided"] = torch.arange(24, dtype=torch.float32).reshape(4, 6)[:, ::2]
    # Two tensors sharing one storage at different offsets.
    base = torch.arange(20, dtype=torch.float32) * 0.5
    sd["shared_a"] = base[2:8]
    sd["shared_b"] = base[5:15].view(2, 5)
    # A parameter that requires grad (torch.save of a state dict with keep_vars=True).
    sd["param"] = torch.nn.Parameter(torch.randn(3, 3))
    sd._metadata = OrderedDict([("", {"version": 1}), ("fpn", {"version": 2}), ("rpn.head", {"version": 1})])
    save_both(sd, out, "basic")
    expected(sd, out, "basic")


def resnet18(out):
    torch.manual_seed(2)
    model = torchvision.models.resnet18()
    # Non-trivial batch-norm statistics.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
            m.num_batches_tracked.fill_(17)
    sd = model.state_dict()
    save_both(sd, out, "resnet18")
    expected(sd, out, "resnet18")


def wrapped(out):
    """Training checkpoints that hold the state dict under "model" or "state_dict"."""
    torch.manual_seed(4)
    sd = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4)).state_dict()
    save_both({"epoch": 3, "model": sd, "lr": 0.01, "history": [1.5, 2.5], "name": "run", "done": True}, out, "wrapped_model")
    save_both({"state_dict": sd, "step": 1000, "best": None}, out, "wrapped_state_dict")
    expected(sd, out, "wrapped")


class _StorageView:
    """Stands for a view of the root storage, pickled as a persistent id with view metadata."""

    def __init__(self, view_key, offset, numel):
        self.view = (view_key, offset, numel)


class _OldTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, OrderedDict())

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, self.args


def legacy_views(out):
    """The legacy format as torch < 1.x wrote storage views: ('storage', type, root_key, location, root_numel,
    (view_key, offset, view_numel)). torch 1.13 still reads these; it no longer writes them, so write one by hand."""
    root = torch.arange(12, dtype=torch.float32) * 0.25

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _StorageView):
                return ("storage", torch.FloatStorage, "root", "cpu", 12, obj.view)
            return None

    def write(path, sd):
        with open(path, "wb") as f:
            pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
            pickle.dump(1001, f, protocol=2)
            pickle.dump({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
            Pickler(f, protocol=2).dump(sd)
            pickle.dump(["root"], f, protocol=2)
            f.write(struct.pack("<q", 12))
            f.write(root.numpy().tobytes())

    v1, v2 = _StorageView("view1", 2, 6), _StorageView("view2", 6, 6)
    path = os.path.join(out, "views.legacy.pt")
    write(path, OrderedDict([("a", _OldTensor(v1, 1, (2, 2), (2, 1))), ("b", _OldTensor(v2, 0, (3,), (2,))),
                             ("c", _OldTensor(v1, 0, (6,), (1,)))]))
    # A tensor reaching past the end of its storage view (element 2 + 3 + 3 = 8 of a 6-element view).
    write(os.path.join(out, "out_of_bounds.legacy.pt"), OrderedDict([("bad", _OldTensor(v1, 3, (4,), (1,)))]))
    loaded = torch.load(path)
    assert torch.equal(loaded["a"], torch.tensor([[0.75, 1.0], [1.25, 1.5]])), loaded["a"]
    expected(loaded, out, "views")


def malicious(out):
    # GLOBAL os.system, then REDUCE with ("echo pwned",): a plain pickle that would run a command.
    payload = b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
    with zipfile.ZipFile(os.path.join(out, "malicious.zip.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")
    with open(os.path.join(out, "malicious.legacy.pt"), "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
        f.write(payload)
    # Sanity: torch's own unpickler with weights_only would refuse too; the plain one would run it.
    assert payload.startswith(b"\x80\x02cos\nsystem\n")


def truncated(out):
    for fmt in ("zip", "legacy"):
        with open(os.path.join(out, f"basic.{fmt}.pt"), "rb") as f:
            data = f.read()
        with open(os.path.join(out, f"truncated.{fmt}.pt"), "wb") as f:
            f.write(data[: len(data) * 2 // 3])


def fasterrcnn_keys(out):
    """Current (0.13+) Faster R-CNN keys, and the pre-0.13 names torchvision's loader upgrades."""
    torch.manual_seed(3)
    model = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None)
    sd = model.state_dict()
    old = OrderedDict()
    for k, v in sd.items():
        name = k
        for block in ("inner_blocks", "layer_blocks"):
            for i in range(4):
                for t in ("weight", "bias"):
                    if k == f"backbone.fpn.{block}.{i}.0.{t}":
                        name = f"backbone.fpn.{block}.{i}.{t}"
        for t in ("weight", "bias"):
            if k == f"rpn.head.conv.0.0.{t}":
                name = f"rpn.head.conv.{t}"
        old[name] = v
    # torchvision's own loader must accept the old names (no version in the metadata = pre-0.13).
    check = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None)
    check.load_state_dict(old, strict=True)
    assert torch.equal(check.rpn.head.conv[0][0].weight, model.rpn.head.conv[0][0].weight)
    with open(os.path.join(out, "fasterrcnn_keys.json"), "w") as f:
        json.dump({"current": list(sd.keys()), "pre_0_13": list(old.keys())}, f, indent=1)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    basic(out)
    resnet18(out)
    wrapped(out)
    legacy_views(out)
    malicious(out)
    truncated(out)
    fasterrcnn_keys(out)


if __name__ == "__main__":
    main()
