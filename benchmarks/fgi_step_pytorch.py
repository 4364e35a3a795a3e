# PyTorch eager reference of one FGI training step (teacher + student + CWC + AFC + DARM), a copy of
# ../shared/bench/fgi_step_pytorch.py with a CPU mode, so ours and PyTorch's can be compared on one machine.
# Usage: python3 benchmarks/fgi_step_pytorch.py [--device cpu|cuda] [--batch B] [--size H] [--threads N]
#                                              [--iterations I] [--warmup W] [modes...]
# On the CPU the modes are fp32 (default) and fp32-cl; peak memory is the process's peak RSS.
import argparse, resource, time, math, torch, torch.nn as nn, torch.nn.functional as F
ap = argparse.ArgumentParser()
ap.add_argument('--device', default='cuda'); ap.add_argument('--batch', type=int, default=8)
ap.add_argument('--size', type=int, default=224); ap.add_argument('--threads', type=int, default=0)
ap.add_argument('--iterations', type=int, default=20); ap.add_argument('--warmup', type=int, default=3)
ap.add_argument('modes', nargs='*')
args = ap.parse_args()
dev = args.device; cuda = dev.startswith('cuda'); B, H, L, D = args.batch, args.size, 16, 768
iters = args.iterations
modes = args.modes or (['fp32', 'tf32', 'bf16', 'tf32-cl'] if cuda else ['fp32'])
if args.threads > 0: torch.set_num_threads(args.threads)
def sync():
    if cuda: torch.cuda.synchronize()

def norm(c): return nn.GroupNorm(4, c)
class TwoConv(nn.Sequential):
    def __init__(s, i, o):
        super().__init__(nn.Conv2d(i, o, 3, padding=1), norm(o), nn.LeakyReLU(0.1), nn.Conv2d(o, o, 3, padding=1), norm(o), nn.LeakyReLU(0.1))
class Down(nn.Sequential):
    def __init__(s, i, o): super().__init__(nn.MaxPool2d(2), TwoConv(i, o))
class UpCat(nn.Module):
    def __init__(s, i, c, o, halves=True):
        super().__init__(); u = i // 2 if halves else i
        s.up = nn.ConvTranspose2d(i, u, 2, stride=2); s.convs = TwoConv(c + u, o)
    def forward(s, x, skip): return s.convs(torch.cat([skip, s.up(x)], 1))
class Proj(nn.Sequential):
    def __init__(s, c): super().__init__(nn.Conv2d(c, c, 1), nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, 1), nn.BatchNorm2d(c))
class Fusion(nn.Module):
    def __init__(s, c, hw):
        super().__init__(); s.pos = nn.Parameter(torch.randn(1, hw * hw, c) * 0.02); s.kv = nn.Linear(D, c)
        s.att = nn.MultiheadAttention(c, 8, batch_first=True); s.ln = nn.LayerNorm(c)
    def forward(s, x, t):
        b, c, h, w = x.shape; q = x.flatten(2).transpose(1, 2) + s.pos; kv = s.kv(t)
        a, _ = s.att(q, kv, kv, need_weights=False)
        return x + s.ln(q + a).transpose(1, 2).reshape(b, c, h, w)
class UNet(nn.Module):
    def __init__(s, f, text):
        super().__init__(); s.conv_0 = TwoConv(3, f[0])
        s.downs = nn.ModuleList([Down(f[i], f[i + 1]) for i in range(4)])
        s.upcat_4 = UpCat(f[4], f[3], f[3]); s.upcat_3 = UpCat(f[3], f[2], f[2]); s.upcat_2 = UpCat(f[2], f[1], f[1]); s.upcat_1 = UpCat(f[1], f[0], f[5], halves=False)
        s.text = text
        if text: s.fuse = nn.ModuleList([Fusion(f[i + 1], H >> (i + 1)) for i in range(4)])
        s.proj = nn.ModuleList([Proj(f[i + 1]) for i in range(4)])
        s.head = nn.Sequential(nn.Conv2d(f[5], f[5], 1), nn.LeakyReLU(0.1), nn.Conv2d(f[5], f[5], 1)); s.cls = nn.Conv2d(f[5], 2, 1)
    def forward(s, x, t=None):
        x0 = s.conv_0(x); xs = [x0]; feats = []
        h = x0
        for i in range(4):
            h = s.downs[i](h)
            if s.text: h = s.fuse[i](h, t)
            d = s.proj[i](h); feats.append(d)
            xs.append(d + h if s.text else h)
        u = s.upcat_4(xs[4], xs[3]); u = s.upcat_3(u, xs[2]); u = s.upcat_2(u, xs[1]); u = s.upcat_1(u, xs[0])
        return s.cls(s.head(u)), feats
class Student(UNet):
    def __init__(s):
        super().__init__((32, 64, 128, 256, 512, 32), False)
        s.adapt = nn.ModuleList([nn.Sequential(nn.Conv2d(c, 2 * c, 1), nn.BatchNorm2d(2 * c), nn.ReLU()) for c in (64, 128, 256, 512)])
    def forward(s, x, t=None):
        lo, feats = super().forward(x); return lo, [a(f) for a, f in zip(s.adapt, feats)]

def cutmix_params(b):
    lam = torch.distributions.Beta(4.0, 4.0).sample((b,)).to(dev); side = (torch.sqrt(1 - lam) * H).long()
    cy = torch.randint(H // 8, H, (b,), device=dev); cx = torch.randint(H // 8, H, (b,), device=dev)
    yy = torch.arange(H, device=dev).view(1, H, 1); xx = torch.arange(H, device=dev).view(1, 1, H)
    box = ((yy - cy.view(-1, 1, 1)).abs() * 2 <= side.view(-1, 1, 1)) & ((xx - cx.view(-1, 1, 1)).abs() * 2 <= side.view(-1, 1, 1))
    return box.unsqueeze(1), torch.randperm(b, device=dev)
def mix(x, p): box, perm = p; return torch.where(box, x[perm], x)
def crc(inp, tgt, tp=0.8, tn=0.2):
    p = tgt.softmax(1); pm, y = p.max(1); pn = p.min(1).values
    ce = F.cross_entropy(inp, y, reduction='none'); pos = pm >= tp
    lpos = (pm * ce)[pos].mean() if pos.any() else inp.sum() * 0
    q = inp.softmax(1).gather(1, (1 - y).unsqueeze(1)).squeeze(1); neg = pn < tn
    lneg = (pn * -torch.log((1 - q).clamp_min(1e-6)))[neg].mean() if neg.any() else inp.sum() * 0
    return lpos + lneg
def darm(img, lab, hc, bc, ratio=0.3):
    dis = hc != bc; n = int(dis.sum()); k = max(1, int(ratio * n / 42))  # ~42 px per 3..10 square on average
    if n == 0: return img, lab
    idx = dis.flatten().nonzero().squeeze(1); pick = idx[torch.randint(0, idx.numel(), (k,), device=dev)]
    b = pick // (H * H); yx = pick % (H * H); y = yx // H; x = yx % H; r = torch.randint(1, 6, (k,), device=dev)
    m = torch.zeros(img.shape[0], 1, H, H, device=dev)
    m[b, 0, y, x] = r.float(); m = F.max_pool2d(m, 11, 1, 5) > 0  # approximate square stamps
    return img.masked_fill(m, 0), lab.masked_fill(m, 0)

def run(mode):
    torch.manual_seed(0)
    if cuda: torch.backends.cuda.matmul.allow_tf32 = mode != 'fp32'; torch.backends.cudnn.allow_tf32 = mode != 'fp32'; torch.backends.cudnn.benchmark = True
    T = UNet((64, 128, 256, 512, 1024, 128), True).to(dev); S = Student().to(dev)
    cl = mode.endswith('-cl')
    if mode.startswith('compile'): T = torch.compile(T); S = torch.compile(S)
    if cl: T = T.to(memory_format=torch.channels_last); S = S.to(memory_format=torch.channels_last)
    oT = torch.optim.SGD(T.parameters(), 1e-2, momentum=0.9, nesterov=True, weight_decay=4e-4); oS = torch.optim.SGD(S.parameters(), 1e-2, momentum=0.9, nesterov=True, weight_decay=4e-4)
    x = torch.randn(B, 3, H, H, device=dev); t = torch.randn(B, L, D, device=dev)
    if cl: x = x.contiguous(memory_format=torch.channels_last)
    gz = torch.rand(B, 1, H, H, device=dev); hc = (gz >= 0.5).float(); bc = (gz >= 0.3).float()
    ac = torch.autocast('cuda' if cuda else 'cpu', dtype=torch.bfloat16, enabled=mode.startswith('bf16') or mode == 'compile-bf16')
    def step(it):
        oT.zero_grad(set_to_none=True); oS.zero_grad(set_to_none=True)
        w = math.exp(-5 * (1 - min(it, 4000) / 4000) ** 2)
        xm, lm = darm(x, bc, hc, bc)
        with ac:
            zt, ft = T(x, t); zs, fs = S(xm)
            lt = F.binary_cross_entropy_with_logits(zt[:, 1:].float(), hc); ls = F.binary_cross_entropy_with_logits(zs[:, 1:].float(), lm)
            afc = sum((1 - F.cosine_similarity(a.float(), b.detach().float(), 1)).mean() for a, b in zip(fs, ft)) / 4
            p = cutmix_params(B); xn = mix(x, p) + (torch.rand_like(x) * 0.4 - 0.2)
            zt2, _ = T(xn, t); zs2, _ = S(xn)
            c1 = crc(zt2.float(), mix(zs.detach().float(), p)); c2 = crc(zs2.float(), mix(zt.detach().float(), p))
            loss = lt + ls + w * (c1 + c2) + 0.1 * w * 0.5 * afc
        loss.backward(); oT.step(); oS.step(); return loss
    for i in range(args.warmup): step(i)
    sync()
    if cuda: torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter(); c0 = time.process_time()
    for i in range(iters): l = step(100 + i)
    sync(); dt = time.perf_counter() - t0; cpu = time.process_time() - c0
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    kind = '(gpu)' if cuda else '(rss)'
    print(f'RESULT pytorch {torch.__version__} FGI step {mode} B={B} {H}x{H}: {iters * B / dt:.1f} img/s, {dt / iters * 1000:.1f} ms/iter, cpu {cpu / iters:.2f} s/iter, peak {peak:.2f} GiB {kind}, loss {l.item():.4f}, params T {sum(p.numel() for p in T.parameters()) / 1e6:.1f}M S {sum(p.numel() for p in S.parameters()) / 1e6:.1f}M', flush=True)
    del T, S, oT, oS
    if cuda: torch.cuda.empty_cache()
print(torch.cuda.get_device_name() if cuda else f'cpu, {torch.get_num_threads()} threads', flush=True)
for m in modes:
    try: run(m)
    except Exception as e: print(f'FAIL {m}: {type(e).__name__}: {str(e)[:200]}', flush=True)
