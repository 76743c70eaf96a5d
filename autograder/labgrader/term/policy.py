"""Due dates, the late policy and per-student extensions: what a submission time costs.

Due dates and the policy live in the repository's pyproject.toml, extensions in the course
workspace (they name students, so they are not tracked):

    [tool.labgrader.due]
    "01_music_rnn" = "2026-10-09T23:59:00+00:00"              # the whole lab
    "01_music_rnn/part2_generation" = "2026-10-16T23:59:00"     # one notebook due apart (UTC if no zone)

    [tool.labgrader.late_policy]
    grace_minutes = 15        # up to this late counts as on time (upload delays)
    penalty_per_day = 0.10    # share of the notebook's score lost per started day late
    max_penalty = 0.50        # the cap on that share
    refuse_after_days = 7     # later than this many days: scored 0 ("refused"); 0 refuses any late work
    of = "score"              # the penalty is a share of the earned "score" or of the "max" points

    <workspace>/extensions.csv: student,lab,due,reason[,notebook]

A term's own dates can live in <workspace>/term.toml instead ([due] and [late_policy] tables,
same keys): they override the repository's, so one repository serves many terms.

Days late are counted from the (extended) due date and rounded up once past the grace period:
16 minutes late with 15 minutes' grace is one day late. A notebook without a known submission
time is never penalised; export says "no time" so someone looks.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path


def parse_time(text: str) -> datetime:
    """An ISO time (a trailing Z allowed); UTC when it names no zone."""
    value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def term_settings(course) -> dict:
    """[tool.labgrader] due/late_policy, with <workspace>/term.toml's tables laid over them."""
    import tomllib

    settings = course.settings()
    merged = {"due": dict(settings.get("due", {})), "late_policy": dict(settings.get("late_policy", {}))}
    path = course.workspace / "term.toml"
    if path.is_file():
        with open(path, "rb") as fh:
            term = tomllib.load(fh)
        merged["due"].update(term.get("due", {}))
        if "late_policy" in term:
            merged["late_policy"] = dict(term["late_policy"])
    return merged


@dataclass(frozen=True)
class LatePolicy:
    grace_minutes: float = 0.0
    penalty_per_day: float = 0.0
    max_penalty: float = 1.0
    refuse_after_days: float | None = None
    of: str = "score"

    @classmethod
    def from_settings(cls, settings: dict) -> "LatePolicy":
        raw = dict(settings.get("late_policy", {}))
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise SystemExit(f"labgrader: unknown late_policy setting(s) {', '.join(sorted(unknown))}")
        policy = cls(**raw)
        if policy.of not in ("score", "max"):
            raise SystemExit('labgrader: late_policy.of must be "score" or "max"')
        if not (0 <= policy.penalty_per_day and 0 <= policy.max_penalty <= 1 and policy.grace_minutes >= 0):
            raise SystemExit("labgrader: late_policy needs penalty_per_day >= 0, 0 <= max_penalty <= 1, "
                             "grace_minutes >= 0")
        return policy

    def days_late(self, submitted: datetime, due: datetime) -> int:
        late = submitted - due
        if late <= timedelta(minutes=self.grace_minutes):
            return 0
        return math.ceil(late / timedelta(days=1))

    def share(self, days: int) -> tuple[float, bool]:
        """(share of the score lost, refused) for a submission `days` days late."""
        if days <= 0:
            return 0.0, False
        if self.refuse_after_days is not None and days > self.refuse_after_days:
            return 1.0, True
        return min(self.max_penalty, days * self.penalty_per_day), False


@dataclass(frozen=True)
class Extension:
    student: str
    lab: str
    due: datetime
    reason: str
    notebook: str = ""       # empty: every notebook of the lab


def load_extensions(path: Path) -> list[Extension]:
    if not path.is_file():
        return []
    out = []
    with open(path, newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out.append(Extension(row["student"].strip(), row["lab"].strip(), parse_time(row["due"]),
                                     (row.get("reason") or "").strip(), (row.get("notebook") or "").strip()))
            except (KeyError, ValueError, AttributeError) as err:
                raise SystemExit(f"labgrader: {path} line {line}: needs student,lab,due[,reason,notebook] "
                                 f"with an ISO due time ({type(err).__name__}: {err})") from err
    return out


@dataclass
class Lateness:
    due: datetime | None          # the student's due date (extension applied), None: no due date
    submitted: datetime | None    # None: no trustworthy time known
    days: int = 0
    share: float = 0.0            # share of the score lost
    refused: bool = False
    extension: str = ""           # the reason, when an extension applied

    @property
    def status(self) -> str:
        if self.due is None:
            return "no due date"
        if self.submitted is None:
            return "no time"
        if self.refused:
            return f"refused ({self.days} d late)"
        return f"{self.days} d late" if self.days else "on time"

    def penalty(self, score: float, max_score: float) -> float:
        base = max_score if not self.refused and self._of == "max" else score
        return round(min(score, self.share * base), 4)

    _of: str = "score"


class Term:
    """Due dates, policy and extensions of a course, asked per (student, lab, notebook)."""

    def __init__(self, settings: dict, extensions: list[Extension]):
        self.policy = LatePolicy.from_settings(settings)
        self.due = {key: parse_time(value) for key, value in settings.get("due", {}).items()}
        self.extensions = extensions

    @classmethod
    def of(cls, course) -> "Term":
        return cls(term_settings(course), load_extensions(course.workspace / "extensions.csv"))

    def due_date(self, lab: str, notebook: str = "") -> datetime | None:
        return self.due.get(f"{lab}/{notebook}") or self.due.get(lab)

    def student_due(self, student: str, lab: str, notebook: str = "") -> tuple[datetime | None, str]:
        """(due date with the student's extension, the extension's reason or "")."""
        due = self.due_date(lab, notebook)
        for ext in self.extensions:   # a notebook's own extension wins over the lab's
            if ext.student == student and ext.lab == lab and ext.notebook == notebook and notebook:
                return ext.due, ext.reason
        for ext in self.extensions:
            if ext.student == student and ext.lab == lab and not ext.notebook:
                return ext.due, ext.reason
        return due, ""

    def lateness(self, student: str, lab: str, notebook: str, submitted: datetime | None) -> Lateness:
        due, reason = self.student_due(student, lab, notebook)
        result = Lateness(due, submitted, extension=reason, _of=self.policy.of)
        if due is not None and submitted is not None:
            result.days = self.policy.days_late(submitted, due)
            result.share, result.refused = self.policy.share(result.days)
        return result
