"""Issue 10: drafts a lawyer accepts as a starting point. art. 28 beyond the source's 14 points
as supplementary clauses of ours, sub-processor authorisation inside the agreement, the joint
regeling's art. 26 additions, the source's caveat, and a DOCX that reads as a contract (A4, Word
numbering, header and page numbers, dated properties, no broken words)."""

import datetime as dt
import shutil
import subprocess

import pytest
from docx import Document
from docx.shared import Cm
from samples_issue7 import (
    PROCESSOR_FACTS,
    joint_assessment,
    processor_assessment,
    two_controllers_assessment,
)

from avgkit.drafts import build_draft, render_docx, render_html

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def vo():
    return build_draft(processor_assessment(), today=TODAY)


@pytest.fixture(scope="module")
def vo_doc(vo, tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "vo.docx"
    render_docx(vo, path)
    return path


def test_verwerkersovereenkomst_covers_what_art_28_requires_beyond_the_14_points(vo):
    text = vo.text()
    assert "Aanvulling van avgkit, niet in het model van de bron" in text
    clauses = {e.number: "".join(s.text for s in e.runs) for e in vo.elements
               if e.kind == "clause"}
    assert "categorieën Betrokkenen" in clauses["11.1"]
    assert "onmiddellijk in kennis" in clauses["11.3"]  # unlawful instruction, 28(3) last para
    assert "gegevensbeschermingseffectbeoordeling" in clauses["11.4"]
    assert "art. 28 lid 3 sub f AVG" in clauses["11.4"]
    assert "naar keuze van Verwerkingsverantwoordelijke" in clauses["11.5"]
    assert "art. 28 lid 3 sub g AVG" in clauses["11.5"]
    assert "specifieke schriftelijke toestemming" in clauses["11.6"]
    assert "volledig aansprakelijk" in clauses["11.7"]


def test_a_sub_processor_is_authorised_inside_the_verwerkersovereenkomst():
    a = processor_assessment(answers={**PROCESSOR_FACTS, "subcontractor": True,
                                      "own_purposes_use": False, "returns_corrections": False})
    text = build_draft(a).text()
    assert "sub-verwerker" in text and "artikel 11.6 en 11.7" in text
    assert "Variant B is een eigen verwerking" not in text


def test_joint_regeling_has_the_art_26_additions_and_flags_its_liability_clause():
    draft = build_draft(joint_assessment())
    text = draft.text()
    clauses = {e.number: "".join(s.text for s in e.runs) for e in draft.elements
               if e.kind == "clause"}
    assert "artikelen 13 en 14 AVG" in clauses["8.1"]  # who informs the residents
    assert "aanspreekpunt" in clauses["8.2"]
    assert "wezenlijke inhoud" in clauses["8.3"] and "art. 26 lid 2 AVG" in clauses["8.3"]
    assert "passende technische en organisatorische maatregelen" in clauses["8.4"]
    i = next(i for i, e in enumerate(draft.elements) if e.kind == "clause" and e.number == "7.1")
    flag = "".join(s.text for s in draft.elements[i + 1].runs)
    assert draft.elements[i + 1].kind == "note"
    assert flag.startswith("Correctie door avgkit") and "art. 82 lid 4 AVG" in flag
    assert "gv-03" in flag
    assert "Aanvulling van avgkit" in text


@pytest.mark.parametrize("make", [processor_assessment, joint_assessment,
                                  two_controllers_assessment])
def test_every_draft_shows_the_sources_caveat_and_authors(make):
    draft = build_draft(make())
    for text in (draft.text(), render_html(draft)):
        assert "een leidraad" in text and "Aedes, Bouwend Nederland en Techniek Nederland" in text


def test_unknown_names_stay_placeholders_never_onbekend():
    draft = build_draft(processor_assessment(corporation="Onbekend", contractor="?",
                                             description="onbekend"))
    text = draft.text()
    assert "Onbekend" not in text and "onbekend" not in text.replace("Onbekende", "")
    assert draft.placeholders().count("[STATUTAIRE NAAM]") == 4
    assert draft.title == "Verwerkersovereenkomst [NAAM BEDRIJF]"


def test_docx_is_a4_numbered_with_header_footer_and_todays_properties(vo_doc):
    doc = Document(str(vo_doc))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    header = " ".join(p.text for p in section.header.paragraphs)
    assert "CONCEPT" in header and "avgkit" in header and "SW-VO" in header
    assert "2026-11-30" in header
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    props = doc.core_properties
    assert props.author == "avgkit" and props.last_modified_by == "avgkit"
    assert props.created.date() == TODAY and props.modified.date() == TODAY
    assert props.title == "Verwerkersovereenkomst Enquêtebureau Vraagraak"
    # articles and clauses in Word's own numbering, no typed numbers
    numbered = [p for p in doc.paragraphs
                if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered) == 11 + 52
    assert not any(p.text.startswith("1.1\t") for p in doc.paragraphs)
    # tables have a fixed grid wide enough for 'tm-02' and long Dutch words
    for table in doc.tables:
        widths = [c.width for c in table.columns]
        assert all(w is not None and w >= Cm(1.7) for w in widths), widths
        assert sum(widths) <= Cm(16.05)


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice and poppler-utils are not installed")
def test_docx_renders_on_a4_without_broken_words(vo_doc, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(vo_doc)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "vo.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    for word in ("medewerkerstelefoon", "toegangsmechanisme", "tm-02", "om-06",
                 "Verwerkingsverantwoordelijke:"):
        assert word in text, word
    assert "CONCEPT" in text and "Pagina 1 /" in text
