"""Draft agreements: the right model per outcome, parties filled, placeholders marked, Bijlage 2
matching the checklist, and hostile names kept as data in DOCX and HTML."""

import re
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from samples_issue7 import (
    joint_assessment,
    processor_assessment,
    two_controllers_assessment,
)

from avgkit.assessment import Assessment
from avgkit.checklist import assess
from avgkit.drafts import (
    DraftError,
    build_draft,
    render_docx,
    render_html,
    save_draft,
    write_draft,
)

HOSTILE = '<script>alert("x")</script> & "Co" [NAAM] {id} =1+1'


@pytest.fixture(scope="module")
def vo_docx(tmp_path_factory):
    path = tmp_path_factory.mktemp("draft") / "vo.docx"
    render_docx(build_draft(processor_assessment()), path)
    return Document(str(path))


def _paragraphs(doc):
    return [p.text for p in doc.paragraphs]


def _numbered(doc, level):
    """Paragraphs in Word's own numbering at this level (articles 0, clauses 1), with the
    number Word will show, counted as Word counts."""
    out, article, clause = [], 0, 0
    for p in doc.paragraphs:
        numpr = p._p.pPr.numPr if p._p.pPr is not None else None
        if numpr is None or numpr.numId is None:
            continue
        if numpr.ilvl.val == 0:
            article, clause = article + 1, 0
            if level == 0:
                out.append(f"{article}. {p.text}")
        else:
            clause += 1
            if level == 1:
                out.append((f"{article}.{clause}", p.text))
    return out


def test_controller_processor_gives_the_verwerkersovereenkomst_with_all_articles(vo_docx):
    headings = [p.text for p in vo_docx.paragraphs if p.style.name.startswith("Heading")]
    articles = _numbered(vo_docx, 0)
    assert articles == ["1. Definities",
                        "2. Totstandkoming, duur en beëindiging van deze Verwerkersovereenkomst",
                        "3. Verwerken Persoonsgegevens", "4. Beveiligen Persoonsgegevens",
                        "5. Exporteren Persoonsgegevens", "6. Geheimhouding", "7. Datalekken",
                        "8. Aansprakelijkheid", "9. Teruggave Persoonsgegevens en bewaartermijn",
                        "10. Slotbepalingen", "11. Aanvullende bepalingen (art. 28 AVG)"]
    numbers = [n for n, _ in _numbered(vo_docx, 1)]
    assert len(numbers) == 44 + 8 and numbers[0] == "1.1" and numbers[43] == "10.3"
    assert numbers[-1] == "11.8" and "7.3" in numbers
    assert any(h.startswith("Bijlage 1:") for h in headings)
    assert any(h.startswith("Bijlage 2:") for h in headings)
    assert any(h.startswith("Bijlage 3:") for h in headings)
    text = "\n".join(_paragraphs(vo_docx))
    assert "Verwerker mag geen melding van een Datalek aan de Toezichthouder doen" in text
    # the seven questions of Bijlage 3
    assert sum(1 for p in _paragraphs(vo_docx) if re.match(r"^[1-7]\.\t", p)) >= 7


def test_parties_and_description_are_filled_in(vo_docx):
    text = "\n".join(_paragraphs(vo_docx))
    assert ("Verwerkingsverantwoordelijke te weten Woonstede, statutair gevestigd te [PLAATS]"
            in text)
    assert "Verwerker te weten Enquêtebureau Vraagraak, statutair" in text
    assert ("Overeenkomst met betrekking tot tevredenheidsenquête onder huurders gesloten"
            in text)
    assert "Ondertekend voor en namens Woonstede" in text
    assert "Ondertekend voor en namens Enquêtebureau Vraagraak" in text
    assert "[OMSCHRIJVING]" not in text


def test_open_placeholders_stay_and_are_marked(vo_docx):
    marked = [r.text for p in vo_docx.paragraphs for r in p.runs
              if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert all(r.bold for p in vo_docx.paragraphs for r in p.runs
               if r.font.highlight_color == WD_COLOR_INDEX.YELLOW)
    for placeholder in ("[INVOEREN DATUM]", "[PLAATS]",
                        "[NAAM EN/OF NAAM BESTUURDER]", "[DATUM]", "[BEDRAG]",
                        "[invoeren naam contactpersoon of afdeling]", "[IN TE VULLEN]"):
        assert placeholder in marked, placeholder
    assert marked.count("[BEDRAG]") == 2
    # every bracketed text in the document is a marked run (nothing open goes unmarked)
    for p in vo_docx.paragraphs:
        for r in p.runs:
            if re.fullmatch(r"\[[^\]]+\]", r.text):
                assert r.font.highlight_color == WD_COLOR_INDEX.YELLOW, r.text
    # signature lines the source leaves blank are marked to be completed
    text = "\n".join(_paragraphs(vo_docx))
    for label in ("Naam:", "Functie:", "Datum en plaats:", "Handtekening:"):
        assert f"{label} [IN TE VULLEN]" in text


def test_bijlage_1_is_filled_from_the_assessment(vo_docx):
    fields = {row.cells[0].text: row.cells[1].text for t in vo_docx.tables
              if len(t.columns) == 2 for row in t.rows}
    assert fields["Verwerkingsverantwoordelijke:"] == "Woonstede"
    assert fields["Verwerker:"] == "Enquêtebureau Vraagraak"
    assert fields["Beschrijving verwerkingsactiviteiten door Verwerker:"] == (
        "tevredenheidsenquête onder huurders")
    assert fields["Verwerkingsdoelen:"] == "tevredenheidsonderzoek onder huurders"
    assert fields["Sub-Verwerkers:"] == "Geen (volgens de beoordeling)"
    assert "gevoelig" in fields["Verwerkte Persoonsgegevens:"]
    assert "5000" in fields["Verwerkte Persoonsgegevens:"]
    assert fields["Locatie verwerkingen:"] == "[IN TE VULLEN]"
    assert fields["Bewaartermijn:"] == "na-opdracht: 3 maanden"


def _tables(doc, first_header):
    return [t for t in doc.tables if [c.text for c in t.rows[0].cells][:3] == first_header]


def test_bijlage_2_lists_commitments_and_the_gaps_go_to_a_worksheet(vo_docx):
    """Issue 10: a contract that records 'afwezig' records that the controller accepts the gap.
    Bijlage 2 lists what the processor commits to; the checklist's gaps are in a worksheet that
    says it is not part of the agreement."""
    a = processor_assessment()
    measures = {m["id"]: m for m in assess(a.checklist, a.actions).to_dict()["measures"]}
    commitments = {r.cells[0].text: r for t in _tables(vo_docx, ["Nr.", "Maatregel", "Afspraak"])
                   for r in t.rows[1:]}
    assert set(commitments) == set(measures) and len(commitments) == 15
    for mid, row in commitments.items():
        if measures[mid]["status"] == "nvt":
            assert "Niet van toepassing" in row.cells[2].text
            assert "geen kantoorwerkplekken" in row.cells[2].text
        else:
            assert row.cells[2].text == "Verwerker neemt deze maatregel en houdt hem in stand."
    assert commitments["tm-01"].cells[1].text == (
        "Up-to-date virusscanner op elke laptop, pc en tablet")
    (sheet,) = _tables(vo_docx, ["Nr.", "Maatregel", "Stand"])
    gaps = {r.cells[0].text: r for r in sheet.rows[1:]}
    assert set(gaps) == {m for m, x in measures.items()
                         if x["status"] in ("gedeeltelijk", "afwezig", "open")}
    assert gaps["tm-02"].cells[2].text == "nog te nemen"
    assert "USB-sticks met versleuteling aanschaffen" in gaps["tm-02"].cells[4].text
    assert gaps["tm-05"].cells[3].text == "geen MFA"
    text = "\n".join(p.text for p in vo_docx.paragraphs)
    assert "geen onderdeel van de overeenkomst" in text
    cells = " ".join(c.text for t in vo_docx.tables for r in t.rows for c in r.cells)
    assert "afwezig" not in text + cells
    # the worksheet comes after the agreement's own annexes
    headings = [p.text for p in vo_docx.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index(next(h for h in headings if h.startswith("Werkblad"))) > \
        headings.index(next(h for h in headings if h.startswith("Bijlage 3")))


def test_joint_controllers_get_the_modelregeling_with_annexes():
    draft = build_draft(joint_assessment())
    assert draft.kind == "regeling-gezamenlijke-verantwoordelijkheid"
    text = draft.text()
    assert "Medeverantwoordelijke te weten Woonstede" in text
    assert "Medeverantwoordelijke te weten Installatiebedrijf Warmte" in text
    assert "6.3 Partijen doen elk voor dat deel" in text
    assert "Bijlage 1: overzicht met verwerkingen" in text
    assert "Bijlage 2: proces rondom het melden van Datalekken" in text
    assert "Wie is voor welk deel verantwoordelijk: [IN TE VULLEN]" in text
    # the source gives no signature block for this model: said, and left open
    assert "Slotbepalingen en ondertekening: [IN TE VULLEN]" in text
    assert "9.1" not in [e.number for e in draft.elements]


def test_two_controllers_get_a_verstrekkingsovereenkomst_of_ours_not_the_joint_model():
    """Issue 10: signed, the joint-controller Modelregeling would be evidence of joint control."""
    draft = build_draft(two_controllers_assessment())
    assert draft.kind == "verwerkingsverantwoordelijkenovereenkomst"
    assert draft.title == "Verstrekkingsovereenkomst persoonsgegevens Bouwbedrijf De Steen"
    text = draft.text()
    for word in ("Medeverantwoordelijke", "Gezamenlijke verantwoordelijkheid", "Modelregeling"):
        assert word not in text, word
    assert "van avgkit, niet van de bron" in text and "beveelt" in text
    assert "Woonstede, statutair gevestigd te [PLAATS]" in text
    assert "hierna te noemen: ‘Verstrekker’" in text and "‘Ontvanger’" in text
    for needle in ("Doel van de verstrekking", "Grondslag", "Eigen verantwoordelijkheid",
                   "Informatie aan de bewoners", "Beveiliging", "Datalekken",
                   "Bewaren en vernietigen", "geen gezamenlijke verwerkingsverantwoordelijken",
                   "artikel 14 AVG"):
        assert needle in text, needle
    assert "Ondertekend voor en namens Bouwbedrijf De Steen" in text


def test_no_agreement_or_undetermined_roles_are_clear_errors():
    with pytest.raises(DraftError, match="nog niet vast te stellen"):
        build_draft(Assessment(id="X1"))
    none = Assessment(id="X2", answers={"data_exchange": "other",
                                        "provider_processes_personal_data": False})
    with pytest.raises(DraftError, match="geen overeenkomst nodig"):
        build_draft(none)
    with pytest.raises(DraftError, match="needs no agreement"):
        build_draft(none, lang="en")


def test_english_draft_translates_around_the_same_structure():
    draft = build_draft(processor_assessment(), lang="en")
    text = draft.text()
    assert "7.3 The Processor may not notify a Data Breach" in text
    assert "Controller, namely Woonstede, having its registered office in [PLACE]" in text
    assert "Signed for and on behalf of Enquêtebureau Vraagraak" in text
    assert "[AMOUNT]" in draft.placeholders()


def test_unknown_parties_stay_open():
    draft = build_draft(processor_assessment(corporation="", contractor=""))
    assert draft.placeholders().count("[STATUTAIRE NAAM]") == 4


def test_hostile_names_are_escaped_in_html_and_never_marked_as_placeholders(tmp_path):
    a = processor_assessment(corporation=HOSTILE, contractor="Evil\x00\x07 B.V.",
                             description="<img src=x onerror=alert(1)>")
    draft = build_draft(a)
    page = render_html(draft)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Co&#34;" in page
    assert '<mark class="placeholder">[NAAM]</mark>' not in page  # a value, not a placeholder
    assert "{id}" in page  # not treated as a format field
    assert '<mark class="placeholder">[PLAATS]</mark>' in page
    # values from the assessment are shown as filled in, apart from the source's text
    assert 'te weten <span class="filled">&lt;script&gt;' in page
    # DOCX: control characters dropped, the rest kept as text
    path = write_draft(draft, tmp_path / "evil.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Verwerker te weten Evil B.V., statutair" in text
    assert HOSTILE in text


def test_html_is_one_self_contained_page(tmp_path):
    path = write_draft(build_draft(joint_assessment()), tmp_path / "gv.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    with pytest.raises(ValueError, match="format must be"):
        write_draft(build_draft(joint_assessment()), tmp_path / "gv.pdf")


def test_save_draft_for_a_notebook_button_with_own_measures(tmp_path):
    custom = Path(__file__).resolve().parent.parent / "data" / "eigen-maatregelen.yaml"
    checklist = {**processor_assessment().checklist,
                 "answers": {**processor_assessment().checklist["answers"],
                             "eigen-tablets": {"status": "gedeeltelijk", "note": "MDM volgt"}}}
    a = processor_assessment(checklist=checklist)
    with pytest.raises(ValueError, match="eigen-tablets"):
        build_draft(a)  # an own measure needs its measures file
    path = save_draft(a, tmp_path / "out", "docx", custom=custom)
    assert path == tmp_path / "out" / "SW-VO-verwerkersovereenkomst.docx"
    doc = Document(str(path))
    (sheet,) = _tables(doc, ["Nr.", "Maatregel", "Stand"])
    rows = {r.cells[0].text: r for r in sheet.rows[1:]}
    assert rows["eigen-tablets"].cells[2].text == "deels genomen"
    assert rows["eigen-tablets"].cells[3].text == "MDM volgt"
