"""Insert the Reflect questions of reflect_questions.json into solutions/ (issue 14; run once).

    .venv/bin/python docs/drafts/insert_reflect_questions.py && .venv/bin/labgrader release

After each notebook's Reflect heading cell: per question a locked markdown cell (id
`reflect-qN`) and a manually graded markdown answer cell (id `reflect-qN-answer`, nbgrader
`solution` + `grade` + `points`, grade id `reflect_qN`) holding the model answer and the rubric
between the mark-scheme markers. The heading cell loses the bullets that became graded questions
and says which questions are graded. Idempotent: a notebook that has the cells already is skipped.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
DRAFT = Path(__file__).with_name("reflect_questions.json")
INTRO = ("The written answers below are graded by hand after the deadline (the self-check does not cover\n"
         "them): answer each in its own cell. The other questions are for you to explore.")

# the heading cell's bullets that the graded questions replace (removed from the heading cell),
# and what the heading cell says of the rest
REPLACED = {
    "01_music_rnn/01_pytorch_primer": [
        "- Which pairs of digits does the model confuse, and why might that be?\n",
        "- Train with `lr=2.0` and with `lr=0.01`. What happens to the loss curve in each case?\n"],
    "01_music_rnn/02_music_generation": [
        "- Generate ten tunes at temperature 0.3 and ten at 1.3. How do the valid-tune rate and the music\n"
        "  change? Why does a low temperature often loop on one phrase?\n"],
    "02_face_debiasing/01_face_detection": [
        "- Which skin tones does the detector fail most, and how does that follow the training counts?\n",
        "- Retrain with `tone_imbalance=1.0` (balanced training). Does the gap close? What does that tell\n"
        "  you about where the bias comes from?\n"],
    "02_face_debiasing/02_dbvae": [
        "- Which faces get the highest resampling probabilities? Only dark skin, or also unusual lighting,\n"
        "  hats, poses? Is that good or bad?\n"],
    "03_llm_finetuning/03_llm_finetuning": [
        "- The labels mask the prompt. Remove the mask (labels = input ids): what does the model now\n"
        "  learn as well, and is that useful?\n"],
    "04_diffusion/01_diffusion_fashion_mnist": [
        "- Plot class accuracy and Fréchet distance against the guidance scale. Why does the distance get\n"
        "  *worse* again at large $w$ while accuracy keeps rising?\n",
        "- Why does predicting $\\varepsilon$ make the loss equally hard at every $t$, "
        "while predicting $x_0$ would not?"],
    "05_adversarial/05_adversarial": [
        "- In full mode adversarial training costs clean accuracy (89.5% → 78.8% when we ran it; fast mode\n"
        "  trains too little to show it). Why would robustness cost accuracy on clean images? Which classes\n"
        "  lose the most (compare per-class accuracies)?\n",
        "- Read the robustness curves beyond the ε used in training. What happens at ε = 0.2, and does an\n"
        "  image perturbed that much still show the same garment?\n"],
}


def nbgrader(grade_id: str, *, locked: bool, solution: bool, grade: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def insert(name: str, questions: list[dict]) -> bool:
    path = REPO / "solutions" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    if any(c.get("id", "").startswith("reflect-q") for c in nb.cells):
        return False
    heading = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "markdown" and c.source.startswith(questions[0]["after_heading"] + "\n")]
    assert len(heading) == 1, (name, heading)
    at = heading[0]
    cell = nb.cells[at]
    text = cell.source
    for bullet in REPLACED[name]:
        assert bullet in text, (name, bullet)
        text = text.replace(bullet, "")
    title, rest = text.split("\n\n", 1)
    cell.source = f"{title}\n\n{INTRO}\n\n{rest.strip()}"
    new = []
    for q in questions:
        n = q["grade_id"].removeprefix("reflect_q")
        assert q["grade_id"] == f"reflect_q{n}" and f"({q['points']:g} points)" in q["question"], q
        new.append(nbformat.v4.new_markdown_cell(
            q["question"], id=f"reflect-q{n}",
            metadata=nbgrader(f"{q['grade_id']}_question", locked=True, solution=False, grade=False)))
        new.append(nbformat.v4.new_markdown_cell(
            q["model_answer"] + "\n\n=== BEGIN MARK SCHEME ===\n" + q["rubric"] + "\n=== END MARK SCHEME ===",
            id=f"reflect-q{n}-answer",
            metadata=nbgrader(q["grade_id"], locked=False, solution=True, grade=True, points=q["points"])))
    nb.cells[at + 1:at + 1] = new
    nbformat.write(nb, path)
    return True


def main() -> None:
    draft = json.loads(DRAFT.read_text())
    for lab, notebooks in draft.items():
        if lab.startswith("_"):
            continue
        for notebook, questions in notebooks.items():
            done = insert(f"{lab}/{notebook}", questions)
            ids = ", ".join(f"{q['grade_id']} ({q['points']:g})" for q in questions)
            print(f"{lab}/{notebook}: {ids}" + ("" if done else " — already there, skipped"))


if __name__ == "__main__":
    main()
