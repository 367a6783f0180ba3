"""Train the MRZ line recogniser (OCR-B, 37 characters, CTC) on generated strips and export
it to ONNX for idreader's runtime, which needs no torch.

    make train-mrz   # = .venv-train/bin/python training/train_mrz_recogniser.py

The data comes from ``idreader.synth.mrz_lines.render_strip`` (nothing is downloaded); a
seed fixes it. Short strips (6-16 characters) keep training cheap: the network is fully
convolutional with a small receptive field, so it reads whole lines the same way.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from idreader.synth.mrz_lines import ALPHABET, STRIP_HEIGHT, render_strip

OUT = Path(__file__).resolve().parents[1] / "src/idreader/ocr/data/mrz_ocrb.onnx"
MIN_CHARS, MAX_CHARS, MAX_WIDTH = 6, 16, 448
CHUNK = 250


def render_chunk(job: tuple[int, int]) -> tuple[np.ndarray, list[str], np.ndarray]:
    seed, n = job
    rng = np.random.default_rng(seed)
    images = np.zeros((n, STRIP_HEIGHT, MAX_WIDTH), np.uint8)
    widths, texts = np.zeros(n, np.int32), []
    for i in range(n):
        strip, text = render_strip(rng, int(rng.integers(MIN_CHARS, MAX_CHARS + 1)))
        strip = strip[:, :MAX_WIDTH]
        images[i, :, : strip.shape[1]] = strip
        images[i, :, strip.shape[1] :] = strip[:, -1:]  # pad with the edge, as at run time
        widths[i] = strip.shape[1]
        texts.append(text)
    return images, texts, widths


def make_data(n: int, seed: int, workers: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    jobs = [(seed * 100_003 + k, min(CHUNK, n - k * CHUNK)) for k in range(-(-n // CHUNK))]
    with mp.get_context("spawn").Pool(workers) as pool:
        parts = pool.map(render_chunk, jobs)
    images = np.concatenate([p[0] for p in parts])
    return images, [t for p in parts for t in p[1]], np.concatenate([p[2] for p in parts])


def conv(cin: int, cout: int, pool: tuple[int, int] | None = None) -> list[nn.Module]:
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return [*layers, nn.MaxPool2d(pool)] if pool else layers


class LineNet(nn.Module):
    """(B, 1, 32, W) grey in [0, 1] -> (B, W/4, 38) probabilities; class 0 is the blank."""

    def __init__(self, classes: int = len(ALPHABET) + 1) -> None:
        super().__init__()
        self.cnn = nn.Sequential(
            *conv(1, 16, (2, 2)), *conv(16, 32, (2, 2)), *conv(32, 48),
            *conv(48, 48, (2, 1)), *conv(48, 64, (2, 1)), *conv(64, 64, (2, 1)),
        )  # fmt: skip
        self.seq = nn.Sequential(
            nn.Conv1d(64, 96, 5, padding=2), nn.BatchNorm1d(96), nn.ReLU(),
            nn.Conv1d(96, 96, 5, padding=2), nn.BatchNorm1d(96), nn.ReLU(),
        )  # fmt: skip
        self.head = nn.Conv1d(96, classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.seq(self.cnn(x).squeeze(2))).permute(0, 2, 1).softmax(-1)


def as_input(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images).float().div_(255.0).unsqueeze(1)


def targets(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    flat = [ALPHABET.index(c) + 1 for t in texts for c in t]
    return torch.tensor(flat), torch.tensor([len(t) for t in texts])


def greedy(probs: torch.Tensor) -> list[str]:
    out = []
    for row in probs.argmax(-1).tolist():
        chars = [ALPHABET[k - 1] for i, k in enumerate(row) if k and (i == 0 or row[i - 1] != k)]
        out.append("".join(chars))
    return out


@torch.no_grad()
def exact_rate(model: LineNet, images: np.ndarray, texts: list[str]) -> float:
    model.eval()
    batches = (as_input(images[k : k + 256]) for k in range(0, len(texts), 256))
    reads = [r for x in batches for r in greedy(model(x))]
    return sum(r == t for r, t in zip(reads, texts, strict=True)) / len(texts)


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.workers)
    start = time.time()
    images, texts, widths = make_data(args.samples, args.seed, args.workers)
    val_images, val_texts, _ = make_data(args.val, args.seed + 1, args.workers)
    print(f"data: {len(texts)} + {len(val_texts)} strips, {time.time() - start:.0f} s", flush=True)
    model = LineNet()
    steps = args.epochs * (len(texts) // args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps, pct_start=0.15)
    ctc = nn.CTCLoss(zero_infinity=True)
    rng = np.random.default_rng(args.seed)
    for epoch in range(args.epochs):
        model.train()
        order, losses = rng.permutation(len(texts)), []
        for k in range(len(texts) // args.batch):
            idx = np.sort(order[k * args.batch : (k + 1) * args.batch])
            width = int(-(-widths[idx].max() // 4) * 4)
            log_probs = model(as_input(images[idx, :, :width])).clamp_min(1e-8).log()
            log_probs = log_probs.permute(1, 0, 2)
            target, lengths = targets([texts[i] for i in idx])
            frames = torch.full((len(idx),), log_probs.shape[0], dtype=torch.long)
            loss = ctc(log_probs, target, frames, lengths)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        rate = exact_rate(model, val_images, val_texts)
        print(f"epoch {epoch + 1}: loss {np.mean(losses):.3f}, validation exact {rate:.3f}, "
              f"{time.time() - start:.0f} s", flush=True)  # fmt: skip
    export(model, args.out)


def export(model: LineNet, out: Path) -> None:
    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 1, STRIP_HEIGHT, 256), str(out), input_names=["x"],
        output_names=["probs"], dynamic_axes={"x": {0: "batch", 3: "width"},
        "probs": {0: "batch", 1: "frames"}}, opset_version=17, dynamo=False,
    )  # fmt: skip
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=64_000)
    parser.add_argument("--val", type=int, default=2_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    train(parser.parse_args())


if __name__ == "__main__":
    main()
