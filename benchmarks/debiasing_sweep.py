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
    ns: dict = {}
    for cell in nb.cells:
        source = cell.source
        if cell.get("id") == "experiment":  # its definitions (losses, report_for), not its loop
            source = source.split("\nresults = []")[0]
        if cell.cell_type == "code" and cell.get("id") != "install":
            exec(compile(source, f"<cell {cell.get('id')}>", "exec"), ns)
        if cell.get("id") == "experiment":
            break

    cfg = dataclasses.replace(ns["cfg"], **_pairs(args.set))
    data_cfg = dataclasses.replace(ns["data_cfg"], size=cfg.image_size, tone_imbalance=cfg.tone_imbalance,
                                   **_pairs(args.data))
    make_faces = ns["make_faces"]
    start = time.perf_counter()
    train_set = make_faces(cfg.n_train, seed=0, config=data_cfg)
    test_set = make_faces(cfg.n_test, seed=1, config=data_cfg, balanced=True)
    x_train, y_train = train_set.tensors()
    x_test, y_test = test_set.tensors()
    tone_train = torch.from_numpy(train_set.attrs["skin_tone"])
    ns.update(cfg=cfg, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
              tone_test=torch.from_numpy(test_set.attrs["skin_tone"]))
    print(cfg, data_cfg, sep="\n")
    print(f"data: {len(x_train)} train, {len(x_test)} test in {time.perf_counter() - start:.0f} s", flush=True)

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
