"""Which cells of a report notebook reach the report (issue 12: the notebook is the report).

- "notebook-only" cells (about the notebook itself) never do;
- markdown tagged "lang-nl" / "lang-en" reaches only the report in that language;
- every other cell does: an organisation's own markdown cell shows in every report.
Code is never shown (the export leaves every input out).
"""

from __future__ import annotations

import nbformat

LANG_TAG = "lang-"


def report_cells(nb: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    def keep(cell) -> bool:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "notebook-only" in tags:
            return False
        langs = {t[len(LANG_TAG):] for t in tags if t.startswith(LANG_TAG)}
        return not langs or lang in langs

    nb.cells = [c for c in nb.cells if keep(c)]
    return nb
