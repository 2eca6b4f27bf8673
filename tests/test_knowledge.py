"""The knowledge base: complete, bilingual, faithful to the source, and loud when broken."""


import pytest
from conftest import SEED, norm_source, walk_texts

from avgkit.knowledge import Knowledge, KnowledgeError, load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def seed():
    """The raw source, plus its de-interleaved copy: the PDF's table cells came out interleaved
    with their neighbours in the raw text, so a cell is found whole only in bron-schoon.md."""
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    clean = SEED.with_name("bron-schoon.md")
    return "|".join(norm_source(p.read_text(encoding="utf-8")) for p in (SEED, clean))




def test_every_item_has_dutch_and_english_text(kb):
    texts = [t for stem in ("samenwerkingsvormen", "varianten", "begrippen", "verplichtingen",
                            "overeenkomsten", "vragen", "regels")
             for t in walk_texts(getattr(kb, stem), stem)]
    assert len(texts) > 150
    for path, text in texts:
        assert text.nl.strip() and text.en.strip(), path
        assert text.nl != text.en or len(text.nl) < 12, f"{path}: not translated"


def test_four_forms_and_three_variants_with_the_sources_roles(kb):
    forms = {f.number: f for f in kb.samenwerkingsvormen.forms}
    assert {n: (f.provider_role, f.client_role) for n, f in forms.items()} == {
        1: ("CONTROLLER", "CONTROLLER"), 2: ("CONTROLLER", "CONTROLLER"),
        3: ("JOINT_CONTROLLER", "JOINT_CONTROLLER"), 4: ("CONTROLLER", "CONTROLLER")}
    variants = {v.code: (v.provider_role, v.client_role) for v in kb.varianten.variants}
    assert variants == {"A": ("CONTROLLER", "NONE"), "B": ("CONTROLLER", "NONE"),
                        "C": ("CONTROLLER", "CONTROLLER")}


def test_dutch_texts_are_the_sources_words(kb, seed):
    items = [*kb.samenwerkingsvormen.forms, *kb.varianten.variants]
    checked = 0
    for item in items:
        for text in (item.description, *item.argumentation):
            assert norm_source(text.nl) in seed, f"{item.id}: {text.nl[:60]}…"
            checked += 1
    for group in kb.verplichtingen.groups:
        if group.id == "gezamenlijke-verwerkingsverantwoordelijken":
            continue  # sentences of the AP quote, checked through the quote below
        without_box = seed.replace("(zieookkaderhieronder)", "")
        for o in group.items:
            assert norm_source(o.nl).rstrip(";.") in without_box, o.id
            checked += 1
    for p in kb.overeenkomsten.verwerkersovereenkomst_contents.points:
        assert norm_source(p.nl).rstrip(";.") in seed, p.id
        checked += 1
    for quote in kb.samenwerkingsvormen.quotes.values():
        assert norm_source(quote.nl) in seed
    assert checked == 4 * 1 + 3 + sum(len(f.argumentation) for f in items) + 15 + 12 + 14


def test_obligations_have_every_bullet_with_its_article(kb):
    controller = kb.obligation_group("verwerkingsverantwoordelijke")
    processor = kb.obligation_group("verwerker")
    assert len(controller.items) == 15 and len(processor.items) == 12
    arts = {o.id: o.citations for o in (*controller.items, *processor.items)}
    assert arts["vv-01"] == ["art. 5 lid 1 sub a AVG"]
    assert arts["vv-10"] == ["art. 33 AVG", "art. 34 AVG"]
    assert arts["vw-02"] == ["art. 28 lid 2 AVG", "art. 28 lid 4 AVG"]
    assert arts["vw-12"] == ["art. 44 AVG"]
    for o in (*controller.items, *processor.items):
        assert o.citations and all("AVG" in c or "WP29" in c for c in o.citations), o.id


def test_fourteen_contract_points_with_optional_ones_marked_as_our_reading(kb):
    contents = kb.overeenkomsten.verwerkersovereenkomst_contents
    assert [p.number for p in contents.points] == list(range(1, 15))
    assert [p.number for p in contents.points if p.optional] == [1, 14]
    assert "onze lezing" in contents.optional_note.nl


def test_knowledge_is_loaded_once(kb):
    assert load_knowledge() is kb


def test_broken_yaml_names_the_file(knowledge_copy):
    path = knowledge_copy / "varianten.yaml"
    path.write_text(path.read_text().replace("variants:", "variants: [", 1))
    with pytest.raises(KnowledgeError) as err:
        Knowledge(knowledge_copy)
    assert "varianten.yaml" in str(err.value)


def test_missing_english_text_names_file_and_key(knowledge_copy):
    path = knowledge_copy / "verplichtingen.yaml"
    text = path.read_text()
    line = ("        en: Personal data are processed lawfully, fairly and in a transparent manner"
            " in relation to the data subject.\n")
    broken = text.replace(line, "", 1)
    assert broken != text
    path.write_text(broken)
    with pytest.raises(KnowledgeError) as err:
        Knowledge(knowledge_copy)
    assert "verplichtingen.yaml" in str(err.value) and "groups.0.items.0.en" in str(err.value)


def test_unknown_key_is_rejected(knowledge_copy):
    path = knowledge_copy / "overeenkomsten.yaml"
    path.write_text(path.read_text().replace("    necessity: required\n",
                                             "    necesity: required\n", 1))
    with pytest.raises(KnowledgeError) as err:
        Knowledge(knowledge_copy)
    assert "overeenkomsten.yaml" in str(err.value) and "agreements.0" in str(err.value)


def test_a_missing_form_is_rejected(knowledge_copy):
    path = knowledge_copy / "samenwerkingsvormen.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("  - id: vorm-4")])
    with pytest.raises(KnowledgeError, match="forms"):
        Knowledge(knowledge_copy)


def test_a_premise_on_an_unknown_question_is_rejected(knowledge_copy):
    path = knowledge_copy / "samenwerkingsvormen.yaml"
    path.write_text(path.read_text().replace("joint_determination: false",
                                             "jiont_determination: false", 1))
    with pytest.raises(KnowledgeError, match="jiont_determination"):
        Knowledge(knowledge_copy)
