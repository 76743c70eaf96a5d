"""labgrader — the instructor's command line, one verb per step of the workflow.

    labgrader release [LAB ...] [--check]        solutions/ -> labs/ (or verify labs/ is current)
    labgrader publish OUT | --check [OUT]        the student repository (labs/, deeplabs, no solutions)
    labgrader check NOTEBOOK                     a student's self-check table (fast mode)
    labgrader collect SOURCE --out DIR           Canvas zip / folder / Colab downloads -> DIR
    labgrader grade LAB --submissions DIR        grade every submission (sandboxed, in parallel; --dask)
    labgrader feedback LAB [--bundle OUT]        per-student HTML feedback (and zips to hand out)
    labgrader export [--out grades.csv]          one row per student and exercise (late policy applied)
    labgrader similarity LAB                     pairs of submissions ranked by answer similarity
    labgrader stats LAB                          item analysis and score distribution (HTML)
    labgrader export --canvas | --gradescope LAB Canvas gradebook CSV, Gradescope autograder zip

Grading state lives in the course workspace (--workspace, $LABGRADER_WORKSPACE, default
~/.local/share/labgrader/<repo>), never in the repository.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import load_course


def _labs(course, requested: list[str]) -> list[str]:
    known = course.lab_ids()
    unknown = [lab for lab in requested if lab not in known]
    if unknown:
        raise SystemExit(f"labgrader: unknown lab(s) {', '.join(unknown)}; labs are: {', '.join(known)}")
    return requested or known


def cmd_release(args) -> int:
    from .release.build import ReleaseError, check_release, release

    course = load_course(args.workspace)
    labs = _labs(course, args.labs)
    try:
        if args.check:
            diffs = check_release(course, labs)
            for d in diffs:
                print(f"✗ {d}")
            if diffs:
                print("labs/ is out of date: run `labgrader release` and commit labs/.")
                return 1
            print(f"✓ labs/ matches a fresh release of {', '.join(labs)}")
            return 0
        for path in release(course, labs):
            print(f"✓ released {path.relative_to(course.repo)}")
    except ReleaseError as err:
        print(f"✗ {err}")
        return 1
    return 0


def cmd_publish(args) -> int:
    from .release.publish import PublishError, check, publish

    course = load_course(args.workspace)
    out = Path(args.out) if args.out else None
    if args.check:
        problems = check(course, out)
        for p in problems:
            print(f"✗ {p}")
        where = out or "a fresh build"
        if problems:
            print(f"{where} is not safe to hand out to students.")
            return 1
        print(f"✓ {where}: only student paths, no solution or hidden-test line, labs/ as released, "
              "a pyproject that builds deeplabs alone")
        return 0
    if out is None:
        raise SystemExit("labgrader publish: give the folder to write (OUT), or --check")
    try:
        print(f"✓ published the student repository to {publish(course, out)}")
    except PublishError as err:
        print(f"✗ {err}")
        return 1
    return 0


def cmd_check(args) -> int:
    from .check.selfcheck import print_table, self_check

    results = self_check(Path(args.notebook), timeout=args.timeout)
    print_table(results)
    return 0 if all(r.passed for r in results) else 1


def cmd_collect(args) -> int:
    from datetime import datetime, timezone

    from .collect.importer import collect, print_summary

    deadline = None
    if args.deadline:
        deadline = datetime.fromisoformat(args.deadline)
        deadline = deadline if deadline.tzinfo else deadline.replace(tzinfo=timezone.utc)
    results = collect(Path(args.source), Path(args.out), Path(args.roster) if args.roster else None, deadline,
                      Path(args.times) if args.times else None, args.zip_timezone)
    print_summary(results)
    return 0


def cmd_grade(args) -> int:
    from .grade.batch import grade_lab
    from .grade.gradebook import GradebookError
    from .grade.reference import SolutionRunError

    course = load_course(args.workspace)
    lab = _labs(course, [args.lab])[0]
    try:
        report = grade_lab(course, lab, Path(args.submissions), workers=args.workers,
                           force=args.force, sandbox_kind=args.sandbox, scheduler=args.dask,
                           notebooks=args.notebook, run_display_cells=args.run_display_cells)
    except (GradebookError, SolutionRunError) as err:
        print(f"✗ grading stopped: {err}", file=sys.stderr)
        return 2
    report.print_table()
    from .term.times import record_times

    # submission times of what was graded (from DIR/manifest.json), and the due dates, into the
    # workspace and nbgrader's gradebook; export applies the late policy from them
    record_times(course, lab, Path(args.submissions))
    return 1 if report.not_graded else 0


def cmd_feedback(args) -> int:
    from .feedback.html import generate_feedback

    course = load_course(args.workspace)
    lab = _labs(course, [args.lab])[0]
    pages = generate_feedback(course, lab)
    for path in pages:
        print(f"✓ {path}")
    if args.bundle:
        from .feedback.bundle import write_bundle

        folders = write_bundle(course, lab, Path(args.bundle), pages)
        print(f"✓ {len(folders)} student folder(s) and zip(s), and lms-upload.zip, in {args.bundle}")
    return 0


def cmd_export(args) -> int:
    from .export.csv import export_csv

    course = load_course(args.workspace)
    if args.gradescope:
        from .export.gradescope import build_bundle

        lab = _labs(course, [args.gradescope])[0]
        out = build_bundle(course, lab, Path(args.out or f"gradescope-{lab}.zip"), args.notebook)
    elif args.canvas:
        from .export.canvas import export_canvas

        out = export_canvas(course, Path(args.out or course.workspace / "canvas.csv"))
    else:
        out = export_csv(course, Path(args.out) if args.out else course.workspace / "grades.csv")
    print(f"✓ wrote {out}")
    return 0


def cmd_similarity(args) -> int:
    from .similarity.report import similarity

    course = load_course(args.workspace)
    lab = _labs(course, [args.lab])[0]
    out, pairs = similarity(course, lab, Path(args.out) if args.out else None,
                            [Path(p) for p in args.against or []], args.top)
    for pair in pairs[:5]:
        print(f"  {pair.score:>5.0%}  {pair.a} · {pair.b}")
    print(f"✓ wrote {out} ({len(pairs)} pair(s) ranked) and {out.with_suffix('.csv')}")
    return 0


def cmd_stats(args) -> int:
    from .stats.items import write_stats

    course = load_course(args.workspace)
    lab = _labs(course, [args.lab])[0]
    out = write_stats(course, lab, Path(args.out) if args.out else None)
    print(f"✓ wrote {out} and {out.with_suffix('.csv')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labgrader", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", help="course workspace (gradebook, autograded, feedback)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="generate labs/ from solutions/")
    p.add_argument("labs", nargs="*")
    p.add_argument("--check", action="store_true", help="fail if labs/ differs from a fresh release")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("publish", help="write the student repository (no solutions, no grader)")
    p.add_argument("out", nargs="?", metavar="OUT", help="folder to write (empty, or a previous publish)")
    p.add_argument("--check", action="store_true", help="prove OUT (default: a fresh build) is safe to hand out")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("check", help="run a notebook in fast mode and print its self-check table")
    p.add_argument("notebook")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("collect", help="import a Canvas zip, a folder or Colab downloads")
    p.add_argument("source", help="a .zip (Canvas 'Download submissions') or a folder")
    p.add_argument("--out", required=True, help="folder to write <student>/<notebook>.ipynb into")
    p.add_argument("--roster", help="CSV with student_id and canvas_id/login/email columns")
    p.add_argument("--deadline", help="ISO time (UTC unless given); later files are flagged late")
    p.add_argument("--times", help="explicit submission times: CSV (student|login|canvas_id, submitted_at"
                   "[, file]) or JSON (e.g. Canvas's Submissions API: user_id, submitted_at)")
    p.add_argument("--zip-timezone", default="UTC", help="zone of zip entries' DOS times when they carry "
                   "no UTC timestamp (e.g. Europe/Berlin); default UTC")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("grade", help="grade every submission of a lab")
    p.add_argument("lab")
    p.add_argument("--submissions", required=True, help="folder of .ipynb files (or <student>/ folders)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    p.add_argument("--sandbox", choices=["auto", "bwrap", "rlimit"], default="auto")
    p.add_argument("--notebook", action="append", help="grade only this notebook of the lab (repeatable)")
    p.add_argument("--run-display-cells", action="store_true",
                   help="also run the cells tagged display-only (plots, demos), which grading skips by default")
    p.add_argument("--dask", metavar="SCHEDULER", help="run on Dask: 'local' (LocalCluster) or an address "
                   "like tcp://host:8786 (e.g. a dask-jobqueue SLURMCluster)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="write per-student feedback HTML (--bundle: folders and zips to hand out)")
    p.add_argument("lab")
    p.add_argument("--bundle", metavar="OUT", help="also write OUT/<student>/ (summary + pages), OUT/<student>.zip "
                   "and OUT/lms-upload.zip (Canvas re-upload naming)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="grades to CSV, Canvas CSV, or a Gradescope autograder bundle")
    p.add_argument("--out")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--canvas", action="store_true", help="lab totals in Canvas's import format")
    kind.add_argument("--gradescope", metavar="LAB", help="build a Gradescope autograder zip for LAB")
    p.add_argument("--notebook", action="append", help="with --gradescope: only this notebook (repeatable)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("similarity", help="rank pairs of submissions by answer similarity (HTML report)")
    p.add_argument("lab")
    p.add_argument("--against", action="append", metavar="DIR", help="an earlier term's workspace or collected "
                   "folder to compare with (repeatable)")
    p.add_argument("--out", help="report path (default: <workspace>/similarity/<lab>.html)")
    p.add_argument("--top", type=int, default=30, help="pairs shown side by side")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("stats", help="item analysis: failing share per exercise and hidden check, score histogram")
    p.add_argument("lab")
    p.add_argument("--out", help="page path (default: <workspace>/stats/<lab>.html)")
    p.set_defaults(func=cmd_stats)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
