"""The training runs that some visible checks read, redone small for a blind round's proofs.

Most visible checks are the check_*() calls of an exercise's test cell and need nothing else. Four
read what the notebook's training cell made (losses, a trained model, test accuracy); `context`
makes that run here at fast-mode size with the answer under proof, and returns the names the
check reads and the check call to run (None: the test cell's own call is enough).

    from benchmarks.blind.visible_runs import context, NEEDS_TRAINING   # proofs.main's defaults
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

REPO = Path(__file__).resolve().parents[2]

PRIMER, FACES = "01_music_rnn/01_pytorch_primer", "02_face_debiasing/01_face_detection"
LLM, ADVERSARIAL = "03_llm_finetuning/03_llm_finetuning", "05_adversarial/05_adversarial"

# {notebook: exercises whose visible check trains something}: a mutant's check there is optional.
NEEDS_TRAINING = {PRIMER: {"ex6_train"}, FACES: {"ex2_train"}, LLM: {"ex9_train"}}


def training_check_call(name: str) -> str:
    """The last check_training(...) line of the STUDENT notebook's training cell (id "train")."""
    nb = json.loads((REPO / "labs" / f"{name}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and cell.get("id") == "train":
            calls = [line for line in "".join(cell["source"]).splitlines() if line.startswith("check_training(")]
            if calls:
                return calls[-1]
    raise LookupError(f"no check_training call in the training cell of {name}")


# ----------------------------------------------------------------------------- lab 01, lab 02
def primer_training(ns: dict) -> dict:
    from torch.utils.data import DataLoader

    from deeplabs.primer.data import load_digits_split
    train_set, test_set = load_digits_split(limit=600)
    torch.manual_seed(0)
    epochs = 8
    model = ns["MLP"](64, 64, 10)
    losses = ns["train"](model, DataLoader(train_set, batch_size=32, shuffle=True), epochs=epochs, lr=0.2)
    model.eval()
    x, y = test_set.tensors
    with torch.no_grad():
        accuracy = (model(x).argmax(-1) == y).float().mean().item()
    return {"losses": losses, "test_accuracy": accuracy, "epochs": epochs}


def face_training(ns: dict) -> dict:
    cfg = ns["cfg"]
    data_cfg = ns["FaceConfig"](size=cfg.image_size, tone_imbalance=cfg.tone_imbalance)
    x_train, y_train = ns["make_faces"](cfg.n_train, seed=0, config=data_cfg).tensors()
    x_test, y_test = ns["make_faces"](cfg.n_test, seed=1, config=data_cfg, balanced=True).tensors()
    torch.manual_seed(0)
    model = ns["FaceCNN"](cfg.n_filters, cfg.image_size)
    losses = ns["train_classifier"](model, x_train, y_train, cfg.epochs, cfg.batch_size, cfg.lr, seed=0)
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x_test[i:i + 512]) for i in range(0, len(x_test), 512)])
    return {"losses": losses, "test_accuracy": ((logits > 0).float() == y_test).float().mean().item()}


# ----------------------------------------------------------------------------- lab 03
def tiny_llama(seed: int = 0, tied: bool = False) -> nn.Module:
    from contextlib import redirect_stdout
    from io import StringIO

    from deeplabs.llm.checks import tiny_llama as build
    with redirect_stdout(StringIO()):
        return build(seed=seed, tied=tied)


def lm_batches(ns: dict, n: int, seed: int) -> list:
    """n short examples (lengths 4-6, the first two labels masked), collated in pairs by the answer."""
    g = torch.Generator().manual_seed(seed)
    examples = []
    for i in range(n):
        ids = torch.randint(1, 32, (4 + i % 3,), generator=g).tolist()
        examples.append({"input_ids": ids, "labels": [-100] * 2 + ids[2:]})
    return [ns["collate"](examples[i:i + 2], 0) for i in range(0, n, 2)]


def lora_llama(ns: dict, seed: int = 0) -> nn.Module:
    """A tiny Llama with the answer's LoRA layers on q/v (B drawn non-zero, so they matter at once)."""
    model = tiny_llama(seed=seed)
    torch.manual_seed(seed)
    ns["add_lora"](model, ("q_proj", "v_proj"), lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.1)
    return model


def llm_training(ns: dict) -> dict:
    """3 optimiser steps of the answer's train_lora on a tiny LoRA Llama, as the training cell calls it."""
    model = lora_llama(ns)
    batches = lm_batches(ns, 12, 4)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    steps_seen = []
    losses = ns["train_lora"](model, batches, opt, ns["causal_lm_loss"], 2, "cpu",
                              on_step=lambda step, loss: steps_seen.append(step))
    return {"losses": losses, "batches": batches, "model": model, "cfg": SimpleNamespace(accum_steps=2),
            "steps_seen": steps_seen}


# ----------------------------------------------------------------------------- lab 05
_CNN: dict = {}


def adversarial_model() -> dict:
    """A SmallCNN-shaped net trained briefly on 2000 Fashion-MNIST images (seconds), and test images."""
    if not _CNN:
        from deeplabs.fashion_mnist import as_tensors, load_fashion_mnist
        x_train, y_train = as_tensors(load_fashion_mnist("train", limit=2000))
        x_test, y_test = as_tensors(load_fashion_mnist("test", limit=256))
        torch.manual_seed(0)
        net = nn.Sequential(nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
                            nn.Linear(32 * 7 * 7, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(2):
            for i in range(0, len(x_train), 64):
                opt.zero_grad()
                F.cross_entropy(net(x_train[i:i + 64]), y_train[i:i + 64]).backward()
                opt.step()
        _CNN.update(standard=net.eval(), x_test=x_test, y_test=y_test)
    return dict(_CNN)


def context(ns: dict, name: str, gid: str) -> tuple[dict, str] | None:
    """(names the visible check of `gid` reads, the check call), or None for the test cell's own call."""
    from tests.adapters import visible_checks

    if (name, gid) == (PRIMER, "ex6_train"):
        return primer_training(ns), visible_checks(name)[gid]
    if (name, gid) == (FACES, "ex2_train"):
        return face_training(ns), visible_checks(name)[gid]
    if (name, gid) == (LLM, "ex9_train"):
        return llm_training(ns), training_check_call(name)
    if name == ADVERSARIAL and gid in ("ex3_pgd", "ex4_targeted"):
        return adversarial_model(), visible_checks(name)[gid]
    return None
