"""What the kernel and the grader agree on about records: one home for both sides.

The kernel side (deeplabs.grading) publishes each record as a display message whose data
holds RECORD_MIME; the grader's runner takes those messages off the running cell
(labgrader.grade.runner) and sets ACTIVE_ENV and SEED_ENV in the kernel's environment
(labgrader.grade.execute). Plain constants, no imports: the grader reads them without torch.
"""
ACTIVE_ENV = "DEEPLABS_GRADER"        # set: records are published; unset: record() does nothing
SEED_ENV = "DEEPLABS_GRADER_SEED"     # the course's secret seed, in the kernel's environment only
RECORD_MIME = "application/vnd.deeplabs.record+json"
MAX_RECORD_BYTES = 4_000_000          # a probe output is a few tensors, never a dataset
TENSOR_KEY = "__tensor__"             # marks an encoded tensor: {TENSOR_KEY: dtype, "shape": [...], "data": [...]}
FLOAT_KEY = "__float__"               # a float strict JSON cannot hold: {FLOAT_KEY: "nan" | "inf" | "-inf"}
NON_FINITE = ("nan", "inf", "-inf")   # how NaN and the infinities are written, alone or in a tensor's data
