"""grade: assemble -> sandboxed run -> compare with the solution's run -> gradebook.

How points are decided (see docs/grading.md): the student's kernel only computes outputs
for inputs the grader picks (deeplabs.grading.record); the solution notebook is run the same
way; this process compares the two and writes nbgrader's gradebook. Nothing the student's
code does inside its kernel can change the comparison.
"""
