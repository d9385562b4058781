"""The checks modules of the assignments declared as folders (see :mod:`crmkit.teach.assignment_folders`).

Each module lists ``EXERCISES`` (the questions, their references computed with
:mod:`crmkit.analytics` on the student's world and truth, and their typical mistakes) and,
for questions scored against the truth, ``BENCHMARKS`` (the naive forecast on the observed
tables each is scored against).
"""
