"""torchvision's side of the ops benchmarks (same inputs as Lumi.Benchmarks), for benchmarks/README.md.

Usage: /usr/bin/python3 benchmarks/ops_torchvision.py   (Debian's python3-torchvision; 2 threads)
Prints the median and the minimum of repeated runs.
"""
import time, torch, torchvision
from torchvision.ops import nms, roi_align
torch.set_num_threads(2)
g = torch.Generator().manual_seed(7)
xy = torch.rand(10000, 2, generator=g) * 1000; wh = torch.rand(10000, 2, generator=g) * 100 + 1
b = torch.cat([xy, xy + wh], 1); s = torch.rand(10000, generator=g)
nms(b, s, 0.5)
ts = []
for _ in range(10):
    t = time.perf_counter(); k = nms(b, s, 0.5); ts.append(time.perf_counter() - t)
print(f"torchvision {torchvision.__version__} nms 10000 boxes: median {sorted(ts)[5]*1000:.1f} ms, min {min(ts)*1000:.1f} ms, kept {len(k)}")
g = torch.Generator().manual_seed(3)
f = torch.randn(1, 256, 200, 272, generator=g)
xy = torch.rand(512, 2, generator=g) * 800; wh = torch.rand(512, 2, generator=g) * 300 + 4
r = torch.cat([torch.zeros(512, 1), xy, xy + wh], 1)
fw, fb = [], []
for _ in range(5):
    with torch.no_grad():
        t = time.perf_counter(); roi_align(f, r, (7, 7), 0.25, 2); fw.append(time.perf_counter() - t)
    x = f.detach().requires_grad_(True)
    t = time.perf_counter(); roi_align(x, r, (7, 7), 0.25, 2).sum().backward(); fb.append(time.perf_counter() - t)
print(f"torchvision roi_align 512 rois x 256 ch, 200x272: forward median {sorted(fw)[2]*1000:.0f} ms (min {min(fw)*1000:.0f}), "
      f"forward+backward median {sorted(fb)[2]*1000:.0f} ms (min {min(fb)*1000:.0f})")
