"""Notebook -> one self-contained HTML report: no code, no prompts, no external requests."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from avgkit import __version__

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass over the finished page.

    That pass (a parse and a re-serialisation, ~60 % of an export) only adds alt text to images
    without one and tabindex to JupyterLab-style input and output areas (`.jp-Cell-inputWrapper`,
    `.jp-OutputArea-output`); the report template produces neither, so the page is the same
    markup. Everything else is HTMLExporter's own code path."""

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.cache
def _exporter() -> HTMLExporter:
    # One exporter per process: building one costs ~50 ms, converting with it ~8 ms.
    exporter = ReportExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="avgkit_report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


@functools.cache
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def clean_for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What a manager should see: outputs only, no stderr (kernel paths, warnings), and cell ids
    numbered by position so that the same content always gives the same page."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index}"
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
    return nb


def notebook_to_html(nb: nbformat.NotebookNode, title: str, lang: str = "nl") -> str:
    resources = {"avgkit": {"title": title, "lang": lang, "css": _css(), "version": __version__}}
    body, _ = _exporter().from_notebook_node(clean_for_report(nb), resources=resources)
    return body
