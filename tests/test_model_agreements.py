"""The model agreements as data: complete, numbered as in the source, verbatim, translated."""

import re
from pathlib import Path

import pytest
import yaml
from conftest import SEED, norm_source, walk_texts

from avgkit.knowledge import Knowledge, KnowledgeError, load_knowledge
from avgkit.knowledge.schema import PLACEHOLDER


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    return norm_source(SEED.read_text(encoding="utf-8"))


VO_CLAUSES = {1: 9, 2: 4, 3: 6, 4: 7, 5: 1, 6: 2, 7: 4, 8: 5, 9: 3, 10: 3}
MR_CLAUSES = {1: 8, 2: 4, 3: 7, 4: 1, 5: 2, 6: 4, 7: 3}


def test_verwerkersovereenkomst_has_articles_1_to_10_with_their_sub_articles(kb):
    vo = kb.verwerkersovereenkomst
    assert {a.number: len(a.clauses) for a in vo.articles} == VO_CLAUSES
    assert [a.title.nl for a in vo.articles][:2] == [
        "Definities", "Totstandkoming, duur en beëindiging van deze Verwerkersovereenkomst"]
    assert [x.id for x in vo.annexes] == ["bijlage-1", "bijlage-2", "bijlage-3"]
    assert [s.party for s in vo.signatures] == ["controller", "processor"]


def test_modelregeling_has_articles_1_to_7_as_in_the_source(kb):
    mr = kb.modelregeling
    assert {a.number: len(a.clauses) for a in mr.articles} == MR_CLAUSES
    assert mr.annex("bijlage-2").reuse == "verwerkersovereenkomst/bijlage-3"
    assert mr.signatures == []  # the source's text ends at 7.3; nothing invented


def test_the_articles_the_deadlines_rest_on(kb):
    vo, mr = kb.verwerkersovereenkomst, kb.modelregeling
    assert "binnen een termijn van 24 uur" in vo.clause("7.1").nl
    assert vo.clause("7.3").nl.startswith("Verwerker mag geen melding van een Datalek aan de "
                                          "Toezichthouder doen")
    assert "elkaar hierover informeren binnen 24 uur" in mr.clause("6.1").nl
    for d in kb.datalekken.deadlines:
        if d.clause:
            stem, number = d.clause.split("/")
            getattr(kb, stem).clause(number)  # exists
    for n in kb.datalekken.notices.values():
        if n.clause:
            stem, number = n.clause.split("/")
            getattr(kb, stem).clause(number)


def test_bijlage_1_fields_and_bijlage_3_seven_questions(kb):
    vo = kb.verwerkersovereenkomst
    fields = [b.id for b in vo.annex("bijlage-1").blocks if b.kind == "field"]
    assert fields == ["activities", "purposes", "controller", "processor", "subprocessors",
                      "personal_data", "location", "retention"]
    questions = [b for b in vo.annex("bijlage-3").blocks if b.kind == "question"]
    assert [q.id for q in questions] == [f"q{i}" for i in range(1, 8)]
    assert "minimum en maximum" in questions[2].help.nl


def _model_texts(model):
    for block in model.front:
        yield block.nl
    if model.title:
        yield model.title.nl
    for article in model.articles:
        yield article.title.nl
        if article.intro:
            yield article.intro.nl
        for clause in article.clauses:
            yield clause.nl
    for sig in model.signatures:
        yield sig.title.nl
        yield sig.on_behalf.nl
        yield from (f.nl for f in sig.fields)
    if model.closing:
        yield model.closing.nl
    for annex in model.annexes:
        if annex.reuse or annex.note:  # an annex the source names but does not give
            continue
        yield annex.title.nl
        for block in annex.blocks:
            yield block.nl
            if block.help:
                yield block.help.nl
        yield from (g.nl for g in annex.groups.values())


@pytest.mark.parametrize("stem", ["verwerkersovereenkomst", "modelregeling"])
def test_dutch_texts_are_the_sources_words(kb, seed, stem):
    texts = list(_model_texts(getattr(kb, stem)))
    assert len(texts) > 40
    for text in texts:
        assert norm_source(text) in seed, f"{stem}: not in the source: {text[:70]}…"


@pytest.mark.parametrize("stem", ["verwerkersovereenkomst", "modelregeling"])
def test_placeholders_stay_in_the_translation(kb, stem):
    model = getattr(kb, stem)
    items = [*model.front, *(c for a in model.articles for c in a.clauses)]
    for item in items:
        nl, en = re.findall(PLACEHOLDER, item.nl), re.findall(PLACEHOLDER, item.en)
        assert len(nl) == len(en), item.nl
        assert item.nl != item.en
    open_ones = [p for item in items for p in re.findall(PLACEHOLDER, item.nl)]
    assert {"[STATUTAIRE NAAM]", "[PLAATS]", "[DATUM]", "[OMSCHRIJVING]",
            "[BEDRAG]"} <= set(open_ones)


def _break(folder: Path, stem: str, edit) -> Path:
    path = folder / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_translation_that_drops_a_placeholder_fails_loudly(knowledge_copy):
    def drop(data):
        data["articles"][7]["clauses"][2]["en"] = "The processor owes a penalty."
    _break(knowledge_copy, "verwerkersovereenkomst", drop)
    with pytest.raises(KnowledgeError) as err:
        Knowledge(knowledge_copy)
    assert "verwerkersovereenkomst.yaml" in str(err.value)
    assert "articles.7.clauses.2" in str(err.value) and "placeholders" in str(err.value)


def test_misnumbered_clauses_fail_loudly(knowledge_copy):
    def renumber(data):
        data["articles"][6]["clauses"][2]["number"] = "7.4"
    _break(knowledge_copy, "verwerkersovereenkomst", renumber)
    with pytest.raises(KnowledgeError, match="articles.6.*numbered"):
        Knowledge(knowledge_copy)


def test_missing_model_file_is_named(knowledge_copy):
    (knowledge_copy / "modelregeling.yaml").unlink()
    with pytest.raises(KnowledgeError, match="modelregeling.yaml.*file not found"):
        Knowledge(knowledge_copy)




def test_every_text_of_the_new_files_is_bilingual(kb):
    stems = ("verwerkersovereenkomst", "modelregeling", "concepten", "datalekken", "register")
    texts = [t for stem in stems for t in walk_texts(getattr(kb, stem), stem)]
    assert len(texts) > 250
    for path, text in texts:
        assert text.nl.strip() and text.en.strip(), path
        assert text.nl != text.en or len(text.nl) < 16, f"{path}: not translated"
