"""labgrader: release, check, grade, feedback and export for the deeplabs course.

The folders are the instructor's verbs, in workflow order:
    release/   solutions/ -> labs/ (nbgrader generate_assignment + our verification)
    check/     a student's self-check table
    grade/     assemble -> sandboxed run -> compare with the solution's run -> gradebook
    feedback/  per-student HTML (nbgrader generate_feedback)
    export/    grades as CSV
"""
__version__ = "0.1.0"
