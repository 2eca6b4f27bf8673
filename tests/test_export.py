"""The report export is nbconvert's HTML export minus its BeautifulSoup pass: the same page."""

from __future__ import annotations

from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat import v4

from avgkit.batch import export


def test_report_export_is_the_html_exporters_page(monkeypatch):
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("## Bevindingen\n\nEerst de **uitkomst** & <acties>."),
        v4.new_code_cell("show.findings(report)", outputs=[v4.new_output(
            "display_data", data={"text/html": '<section class="f"><p>Ontbreekt</p>'
                                               '<img alt="grafiek" src="data:,"></section>',
                                  "text/plain": "<section>"})]),
        v4.new_code_cell("print('x')", outputs=[v4.new_output("stream", name="stdout",
                                                              text="x <b>\n")]),
    ])
    ours = export.notebook_to_html(nb, title="T & <t>", lang="nl")
    export._exporter.cache_clear()
    monkeypatch.setattr(export, "ReportExporter", HTMLExporter)
    try:
        nbconvert_page = export.notebook_to_html(nb, title="T & <t>", lang="nl")
    finally:
        export._exporter.cache_clear()
    assert "tabindex" not in nbconvert_page  # the pass added nothing to this template's page
    assert str(BeautifulSoup(ours, features="html.parser")) == nbconvert_page
    assert "Ontbreekt" in ours and "<title>T &amp; &lt;t&gt;</title>" in ours
