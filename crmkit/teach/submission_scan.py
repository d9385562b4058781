"""Find code in a submission that reaches into the checker instead of answering.

The student's checks hold no right answer, but the kit's own code is installed in the
student's kernel: a submission could call an exercise's reference computation, read the
checker's private attributes, or decode answers itself. The grader does not forbid such
code (it runs in the sandbox either way) but **flags** it for the instructor to read, in
the ``flags`` column of ``totals.csv``. The scan reads the code cells as text: it is a
tripwire for the obvious, and says so; a determined student can hide code from any scan,
which is why the values are graded from the instructor's key and never in the kernel.
"""

from __future__ import annotations

import re

__all__ = ["suspicious_calls", "PATTERNS"]

#: What is flagged, with the words the flag uses. Private names are matched after a dot
#: (``checks._view``), dunders that list an object's insides, and the kit's modules that
#: hold the exercises, the answers' codec or the grader.
PATTERNS = (
    (r"\.\s*_[A-Za-z]\w*", "reads a private attribute"),
    (r"\b(__dict__|__closure__|__code__|__globals__)\b|\bvars\s*\(|\bgetattr\s*\(|\binspect\b|\bgc\.",
     "looks inside objects (__dict__, vars, getattr, inspect, gc)"),
    (r"\.\s*(expected|answer_key|reference|mistake_answers|validate)\s*\(|\.\s*reference\b",
     "calls a reference or answer-key method"),
    ((r"\bteach\s*\.\s*(answer_codec|assignment_library|exercise_set|exercises|grading|forecast_score|"
      r"assignment_checks|views)\b|\bfrom\s+crmkit\.teach\s+import\b"
      r"|\b(get_assignment|ASSIGNMENTS|RFM_BASICS|ExerciseSet|decode_answer|encode_answer|answer_codec)\b"),
     "uses the kit's exercise, answer or grading code"),
    (r"\b(eval|exec|compile|__import__)\s*\(|\bimportlib\b", "runs code built at run time"),
)
_COMPILED = tuple((re.compile(pattern), words) for pattern, words in PATTERNS)


def suspicious_calls(notebook: dict, limit: int = 5) -> list[str]:
    """What the notebook's code cells do that the checker's internals would explain, one
    short note per kind (with the first cell and line where it is seen).

    >>> nb = {"cells": [{"cell_type": "code", "source": "x = checks._forms\\nchecks.check('q', x)"},
    ...                 {"cell_type": "code", "source": "import crmkit.teach.answer_codec as c"}]}
    >>> suspicious_calls(nb)
    ["reads a private attribute (cell 1: 'x = checks._forms')", "uses the kit's exercise, answer or grading code (cell 2: 'import crmkit.teach.answer_codec as c')"]
    >>> suspicious_calls({"cells": [{"cell_type": "code", "source": "df.groupby('a').size()"}]})
    []
    """
    notes = []
    for pattern, words in _COMPILED:
        for number, cell in enumerate(notebook.get("cells", []), start=1):
            if cell.get("cell_type") != "code" or not isinstance(cell.get("source"), str):
                continue
            found = pattern.search(cell["source"])
            if found:  # the line it is on, which the instructor reads to judge
                start = cell["source"].rfind("\n", 0, found.start()) + 1
                line = cell["source"][start:].split("\n", 1)[0].strip()
                notes.append(f"{words} (cell {number}: {line[:60]!r})")
                break
    return notes[:limit]
