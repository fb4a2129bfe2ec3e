"""Throughput of advanti's hot paths: prints samples per second (no pass/fail; speed targets live here, not in tests).

    python benchmarks/throughput.py [--device cpu|cuda] [--threads N] [--model small_cnn|preact_resnet18]
"""
import argparse, time
import torch, torch.nn.functional as F
from advanti.models import SmallCNN, PreActResNet18
from advanti.perturb import perturb

def rate(fn, batch: int, repeats: int) -> float:
    fn()  # warm-up
    if torch.cuda.is_available(): torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats): fn()
    if torch.cuda.is_available(): torch.cuda.synchronize()
    return batch * repeats / (time.perf_counter() - start)

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--model", default="small_cnn", choices=["small_cnn", "preact_resnet18"])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.model == "small_cnn": model, shape = SmallCNN(1, 10), (1, 8, 8)
    else: model, shape = PreActResNet18(10), (3, 32, 32)
    model = model.to(args.device)
    x = torch.rand(args.batch, *shape, device=args.device); y = torch.randint(0, 10, (args.batch,), device=args.device)
    signed = torch.where(torch.arange(args.batch, device=args.device) % 4 == 0, -0.2, 0.2)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    def clean_step():
        opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
    def pgd_step():
        xa = perturb(model, x, y, 0.2, steps=10, step_size=0.05)
        opt.zero_grad(); F.cross_entropy(model(xa), y).backward(); opt.step()
    def mixed_perturb():
        perturb(model, x, y, signed, steps=10, objective=("trades_kl", "ce"))
    print(f"device={args.device} threads={torch.get_num_threads()} model={args.model} batch={args.batch}")
    for name, fn in (("clean SGD step", clean_step), ("PGD-10 AT step", pgd_step), ("mixed signed perturb (10 steps)", mixed_perturb)):
        print(f"{name:34s} {rate(fn, args.batch, args.repeats):10.0f} samples/s")

if __name__ == "__main__": main()
