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


def test_controller_processor_gives_the_verwerkersovereenkomst_with_all_articles(vo_docx):
    headings = [p.text for p in vo_docx.paragraphs if p.style.name.startswith("Heading")]
    articles = [h for h in headings if re.match(r"^\d+\. ", h)]
    assert articles == ["1. Definities",
                        "2. Totstandkoming, duur en beëindiging van deze Verwerkersovereenkomst",
                        "3. Verwerken Persoonsgegevens", "4. Beveiligen Persoonsgegevens",
                        "5. Exporteren Persoonsgegevens", "6. Geheimhouding", "7. Datalekken",
                        "8. Aansprakelijkheid", "9. Teruggave Persoonsgegevens en bewaartermijn",
                        "10. Slotbepalingen"]
    numbers = [p.text.split("\t")[0] for p in vo_docx.paragraphs if re.match(r"^\d+\.\d+\t",
                                                                           p.text)]
    assert len(numbers) == 44 and numbers[0] == "1.1" and numbers[-1] == "10.3"
    assert "7.3" in numbers
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
    for placeholder in ("[NAAM BEDRIJF]", "[INVOEREN DATUM]", "[PLAATS]",
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


def test_bijlage_2_table_matches_the_checklist(vo_docx):
    a = processor_assessment()
    expected = {m["id"]: m["status_label"]["nl"] for m in
                assess(a.checklist, a.actions).to_dict()["measures"]}
    rows = {}
    for table in vo_docx.tables:
        if table.rows[0].cells[0].text == "Nr.":
            assert [c.text for c in table.rows[0].cells] == [
                "Nr.", "Maatregel", "Status", "Toelichting", "Acties"]
            rows.update({r.cells[0].text: r for r in table.rows[1:]})
    assert set(rows) == set(expected) and len(rows) == 15
    for mid, row in rows.items():
        assert row.cells[2].text == expected[mid], mid
    assert rows["tm-01"].cells[3].text == "Defender op alle laptops"
    assert rows["om-01"].cells[3].text == "geen kantoorwerkplekken"
    assert "USB-sticks met versleuteling aanschaffen" in rows["tm-02"].cells[4].text
    assert rows["tm-01"].cells[1].text == "Up-to-date virusscanner op elke laptop, pc en tablet"


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
    assert "8.1" not in [e.number for e in draft.elements]


def test_two_controllers_get_a_recommended_agreement_based_on_the_same_model():
    draft = build_draft(two_controllers_assessment())
    assert draft.kind == "verwerkingsverantwoordelijkenovereenkomst"
    assert draft.title == "Verwerkingsverantwoordelijkenovereenkomst"
    text = draft.text()
    assert "Gebaseerd op het model uit Bijlage 2 van de bron" in text
    assert "De bron beveelt een verwerkingsverantwoordelijkenovereenkomst alleen aan" in text
    assert "Onze opmerking" in text
    assert "Medeverantwoordelijke te weten Bouwbedrijf De Steen" in text


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
    rows = {r.cells[0].text: r for t in doc.tables if t.rows[0].cells[0].text == "Nr."
            for r in t.rows[1:]}
    assert rows["eigen-tablets"].cells[2].text == "gedeeltelijk"
    assert rows["eigen-tablets"].cells[3].text == "MDM volgt"
