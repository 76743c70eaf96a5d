"""Lab 03's LoRA (from the solution notebook's answer cells) against the `peft` library.

The solution code is taken from solutions/03_llm_finetuning/ and executed here, so no
solution lives in the deeplabs package: same weights in, same outputs out.
"""
from __future__ import annotations

import copy
import math

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tests.conftest import REPO
from tests.fixtures.llm.tiny import tiny_model
from tests.sample_class import answers_of

peft = pytest.importorskip("peft")
NOTEBOOK = REPO / "solutions" / "03_llm_finetuning" / "03_llm_finetuning.ipynb"
R, ALPHA, TARGETS = 4, 12.0, ("q_proj", "v_proj", "down_proj")


@pytest.fixture(scope="module")
def solution():
    answers = answers_of(nbformat.read(NOTEBOOK, as_version=4))
    namespace = {"torch": torch, "nn": nn, "F": F, "math": math}
    for grade_id in ("ex4_lora_layer", "ex5_merge", "ex6_inject"):
        exec(answers[grade_id], namespace)
    return namespace


def _both(solution, seed=0):
    """The same tiny Llama with our LoRA and with peft's, sharing random (non-zero) A and B."""
    base = tiny_model(vocab_size=40, seed=seed)
    ours = solution["add_lora"](copy.deepcopy(base), TARGETS,
                                lambda linear: solution["LoRALinear"](linear, r=R, alpha=ALPHA, dropout=0.1))
    config = peft.LoraConfig(r=R, lora_alpha=ALPHA, lora_dropout=0.1, target_modules=list(TARGETS))
    theirs = peft.get_peft_model(copy.deepcopy(base), config)
    g = torch.Generator().manual_seed(seed + 1)
    ours_layers = {n: m for n, m in ours.named_modules() if isinstance(m, solution["LoRALinear"])}
    for name, layer in ours_layers.items():
        peft_layer = theirs.get_submodule("base_model.model." + name)
        with torch.no_grad():
            layer.lora_A.copy_(torch.randn(layer.lora_A.shape, generator=g) * 0.3)
            layer.lora_B.copy_(torch.randn(layer.lora_B.shape, generator=g) * 0.3)
            peft_layer.lora_A["default"].weight.copy_(layer.lora_A)
            peft_layer.lora_B["default"].weight.copy_(layer.lora_B)
    return base, ours.eval(), theirs.eval(), ours_layers


def test_same_weights_same_outputs_as_peft(solution):
    base, ours, theirs, layers = _both(solution)
    assert len(layers) == 2 * len(TARGETS)
    ids = torch.randint(0, 40, (3, 9), generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        expected, got = theirs(ids).logits, ours(ids).logits
        assert not torch.allclose(got, base(ids).logits, atol=1e-3), "the adapters should change the output"
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_same_gradients_as_peft(solution):
    _, ours, theirs, layers = _both(solution, seed=3)
    ids = torch.randint(0, 40, (2, 7), generator=torch.Generator().manual_seed(6))
    ours(ids).logits.square().mean().backward()
    theirs(ids).logits.square().mean().backward()
    for name, layer in layers.items():
        peft_layer = theirs.get_submodule("base_model.model." + name)
        torch.testing.assert_close(layer.lora_B.grad, peft_layer.lora_B["default"].weight.grad, rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(layer.lora_A.grad, peft_layer.lora_A["default"].weight.grad, rtol=1e-4, atol=1e-6)


def test_same_trainable_parameters_as_peft(solution):
    _, ours, theirs, _ = _both(solution)
    trainable, total = solution["count_parameters"](ours)
    peft_trainable, peft_total = theirs.get_nb_trainable_parameters()
    assert (trainable, total) == (peft_trainable, peft_total)


def test_fresh_adapters_start_as_the_base_model_like_peft(solution):
    base = tiny_model(vocab_size=40, seed=7)
    ours = solution["add_lora"](copy.deepcopy(base), TARGETS,
                                lambda linear: solution["LoRALinear"](linear, r=R, alpha=ALPHA))
    ids = torch.randint(0, 40, (2, 5), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        torch.testing.assert_close(ours(ids).logits, base(ids).logits)
    layer = next(m for m in ours.modules() if isinstance(m, solution["LoRALinear"]))
    bound = 1 / math.sqrt(layer.lora_A.shape[1])  # kaiming_uniform(a=sqrt(5)) on (r, in), as peft does
    assert layer.lora_A.abs().max() <= bound and layer.lora_A.std() > bound / 4


def test_merge_matches_peft_merge_and_unload(solution):
    _, ours, theirs, layers = _both(solution, seed=2)
    merged_peft = theirs.merge_and_unload()
    for layer in layers.values():
        solution["merge"](layer)
        solution["merge"](layer)  # a second merge must change nothing
    for name, layer in layers.items():
        torch.testing.assert_close(layer.base.weight, merged_peft.get_submodule(name).weight, rtol=1e-5, atol=1e-6)
    ids = torch.randint(0, 40, (2, 6), generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        torch.testing.assert_close(ours(ids).logits, merged_peft(ids).logits, rtol=1e-5, atol=1e-5)
