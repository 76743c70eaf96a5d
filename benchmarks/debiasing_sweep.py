"""Lab 02 part 2 outside the notebook: baseline vs DB-VAE vs an oracle, per seed (docs/results.md).

    python benchmarks/debiasing_sweep.py --seeds 0 1 2 [--mode full] [--threads 2] \
        [--set augment=False] [--data tone_imbalance=0.01] [--variants baseline oracle dbvae]

Runs the solution notebook's own code (every code cell before the experiment) so the models,
losses, resampling and training loop are exactly the lab's; `--set` overrides the notebook's
`Config`, `--data` the generator's `FaceConfig`. The oracle is the baseline trained with faces
resampled by their true skin tone (every tone drawn equally often): no resampling that works
without labels should beat it, so its gap is the floor for the DB-VAE.
"""
from __future__ import annotations

import argparse
import ast
import os
import time
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions/02_face_debiasing/02_dbvae.ipynb"


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _pairs(items: list[str]) -> dict:
    return {k: _value(v) for k, v in (item.split("=", 1) for item in items)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--mode", default="full", choices=["full", "fast"])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE", help="notebook Config")
    parser.add_argument("--data", nargs="*", default=[], metavar="FIELD=VALUE", help="FaceConfig")
    parser.add_argument("--variants", nargs="+", default=["baseline", "oracle", "dbvae"],
                        choices=["baseline", "oracle", "dbvae"])
    args = parser.parse_args()
    os.environ.update(DEEPLABS_MODE=args.mode, MPLBACKEND="Agg")
    os.environ.pop("CI", None)

    import dataclasses

    import nbformat
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the notebook's own config cell builds the data, with our overrides spliced into it
    overrides = {"cfg = Config()": f"cfg = dataclasses.replace(Config(), **{_pairs(args.set)!r})",
                 "tone_imbalance=cfg.tone_imbalance)": f"tone_imbalance=cfg.tone_imbalance, **{_pairs(args.data)!r})"}
    ns: dict = {"dataclasses": dataclasses}
    start = time.perf_counter()
    for cell in nb.cells:
        source = cell.source
        if cell.get("id") == "config":
            for old, new in overrides.items():
                assert old in source, f"the config cell no longer has {old!r}"
                source = source.replace(old, new)
        if cell.get("id") == "experiment":  # its definitions (losses, report_for), not its loop
            source = source.split("\nresults = []")[0]
        if cell.cell_type == "code" and cell.get("id") != "install":
            exec(compile(source, f"<cell {cell.get('id')}>", "exec"), ns)
        if cell.get("id") == "experiment":
            break
    print(f"notebook code and data in {time.perf_counter() - start:.0f} s", flush=True)

    cfg, x_train, y_train = ns["cfg"], ns["x_train"], ns["y_train"]
    tone_train = ns["tone_train"]
    faces = y_train == 1
    counts = torch.bincount(tone_train[faces], minlength=10).float()
    oracle_weights = torch.ones(len(x_train))
    oracle_weights[faces] = (1.0 / counts)[tone_train[faces]]
    oracle_weights[faces] *= faces.sum() / oracle_weights[faces].sum()

    train, device = ns["train"], ns["device"]
    gaps: dict[str, list[float]] = {v: [] for v in args.variants}
    for seed in args.seeds:
        for variant in args.variants:
            t0 = time.perf_counter()
            torch.manual_seed(seed)
            if variant == "dbvae":
                model = ns["DBVAE"](cfg.latent_dim, cfg.n_filters).to(device)
                train(model, ns["dbvae_loss"], x_train, y_train, cfg.epochs, cfg.batch_size, cfg.lr,
                      weights_fn=ns["face_weights"], seed=seed)
            else:
                model = ns["Classifier"](cfg.n_filters).to(device)
                weights_fn = (lambda m: oracle_weights) if variant == "oracle" else None
                train(model, ns["classifier_loss"], x_train, y_train, cfg.epochs, cfg.batch_size, cfg.lr,
                      weights_fn=weights_fn, seed=seed)
            report = ns["report_for"](variant, model)
            gaps[variant].append(report.gap)
            per_tone = " ".join(f"{a:.3f}" for a in report.per_group)
            print(f"seed {seed} {report}  [{per_tone}]  {time.perf_counter() - t0:.0f} s", flush=True)
    print("mean gap over seeds: " + ", ".join(f"{v} {np.mean(g):.4f}" for v, g in gaps.items()))
    if "baseline" in gaps and "dbvae" in gaps:
        print(f"DB-VAE / baseline gap ratio: {np.mean(gaps['dbvae']) / np.mean(gaps['baseline']):.2f}")


if __name__ == "__main__":
    main()
