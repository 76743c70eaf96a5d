"""The lab 03 style data set and the offline judges."""
from __future__ import annotations

import json

import pytest

from deeplabs.llm.data import CLOSER, OPENER, general_text, load_style_pairs, pirate, plain_pairs
from deeplabs.llm.judge import StyleJudge, llm_judge, rule_score, rule_score_one


def test_at_least_500_pairs_split_by_instruction_and_small():
    train, test = load_style_pairs()
    assert len(train) + len(test) >= 500
    assert 0.1 < len(test) / (len(train) + len(test)) < 0.2
    assert not {r["instruction"] for r in train} & {r["instruction"] for r in test}
    assert len({q for q, _ in plain_pairs()}) == len(plain_pairs()), "duplicate instructions"
    assert len(json.dumps(train + test)) < 1_000_000


def test_the_data_is_deterministic():
    assert load_style_pairs() == load_style_pairs()


def test_every_response_is_the_pirate_transform_of_its_plain_answer():
    train, test = load_style_pairs()
    for row in train + test:
        assert row["response"] == pirate(row["plain"])
        assert row["response"].startswith(OPENER) and row["response"].endswith(CLOSER)


@pytest.mark.parametrize("plain, styled", [
    ("Yes, your ship is ready.", "Arr! Aye, yer ship be ready. Yo ho ho!"),
    ("Hello my friend, you are sailing.", "Arr! Ahoy me matey, ye be sailin'. Yo ho ho!"),
    ("Stop the boats!", "Arr! Avast the ships! Yo ho ho!"),
])
def test_pirate_transform(plain, styled):
    assert pirate(plain) == styled


def test_rule_score_separates_styled_from_plain():
    train, _ = load_style_pairs()
    assert rule_score([r["response"] for r in train]) == pytest.approx(100.0)
    assert rule_score([r["plain"] for r in train]) < 5.0
    assert rule_score(general_text()) < 5.0
    assert rule_score_one("Arr! You are right.") == pytest.approx(1 / 3)
    assert rule_score([]) == 0.0


def test_embedding_judge_generalises_to_held_out_answers():
    train, test = load_style_pairs()
    judge = StyleJudge.fit([r["response"] for r in train[::4]], [r["plain"] for r in train[::4]])
    assert judge.accuracy([r["response"] for r in test], [r["plain"] for r in test]) >= 0.95
    assert judge.score([r["response"] for r in test]) > 80
    assert judge.score(general_text()) < 20


def test_llm_judge_is_optional(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert llm_judge(["Arr! Ye be right. Yo ho ho!"]) is None


def test_llm_judge_failure_is_reported_not_raised(monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "not-a-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert llm_judge(["Arr!"], timeout_s=2) is None
    assert "LLM judge unavailable" in capsys.readouterr().out
