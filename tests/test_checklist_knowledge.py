"""beveiliging.yaml: the source's 15 measures word for word, factors resting on source sentences,
every text in Dutch and English, our judgement marked as ours, and loud when broken."""

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEED, norm_source, walk_texts

from avgkit.checklist import PROFILE_KEYS, load_custom
from avgkit.knowledge import Knowledge, KnowledgeError, load_knowledge

EXAMPLE = ROOT / "data" / "eigen-maatregelen.yaml"


@pytest.fixture(scope="module")
def bev():
    return load_knowledge().beveiliging


@pytest.fixture(scope="module")
def raw_seed():
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    return SEED.read_text(encoding="utf-8")




def _seed_measures(raw: str, heading: str, stop: str) -> list[str]:
    """The checkbox lines (☐) under one heading of Bijlage 2 in the raw source."""
    start = raw.index(heading, raw.index("Bijlage 2: Overzicht met beveiligingsmaatregelen"))
    block = raw[start + len(heading): raw.index(stop, start)]
    return [line.strip().lstrip("\u2610").strip() for line in block.splitlines()
            if line.strip().startswith("\u2610")]


def test_the_fifteen_measures_are_the_sources_words_exactly(bev, raw_seed):
    technical = _seed_measures(raw_seed, "Technische beveiligingsmaatregelen",
                               "Organisatorische beveiligingsmaatregelen")
    organisational = _seed_measures(raw_seed, "Organisatorische beveiligingsmaatregelen",
                                    "Bijlage 3")
    assert len(technical) == 9 and len(organisational) == 6
    ours = {m.id: m.nl for m in bev.measures}
    assert [ours[f"tm-{i:02d}"] for i in range(1, 10)] == technical
    assert [ours[f"om-{i:02d}"] for i in range(1, 7)] == organisational
    assert {m.id: m.category for m in bev.measures} == {
        **{f"tm-{i:02d}": "technisch" for i in range(1, 10)},
        **{f"om-{i:02d}": "organisatorisch" for i in range(1, 7)}}


def test_every_quote_is_a_sentence_of_the_source(bev, raw_seed):
    clean = SEED.with_name("bron-schoon.md").read_text(encoding="utf-8")
    # The raw text carries footnote numbers inside sentences ("gegevens10."); the de-interleaved
    # copy has them apart, so a quote must stand whole in one of the two.
    haystack = norm_source(raw_seed) + "|" + norm_source(clean)
    assert len(bev.quotes) >= 10
    for qid, quote in bev.quotes.items():
        assert norm_source(quote.nl) in haystack, qid
    # the sentence about large organisations is there in full
    assert "Van een grote organisatie wordt meer verwacht" in bev.quotes["organisatie"].nl


def test_each_factor_rests_on_a_source_sentence_and_covers_the_profile(bev):
    assert tuple(f.key for f in bev.factors) == PROFILE_KEYS
    for f in bev.factors:
        assert f.quotes and f.citations, f.key
        assert all(q in bev.quotes for q in f.quotes)
    kinds = {f.key: {o.value: o.citations for o in f.options} for f in bev.factors}
    assert list(kinds["data_kind"]) == ["normaal", "bijzonder", "gevoelig"]
    assert kinds["data_kind"]["bijzonder"] == ["art. 9 AVG"]
    assert "art. 10 AVG" in kinds["data_kind"]["gevoelig"]
    assert list(kinds["organisation_size"]) == ["klein", "middelgroot", "groot"]
    factor_quotes = {f.key: f.quotes for f in bev.factors}
    assert "betrokkenen" in factor_quotes["data_subjects"]
    assert "bewaren" in factor_quotes["retention"]
    assert "doel" in factor_quotes["purpose"]


def test_our_judgement_is_marked_as_ours(bev):
    assert all(r.ours for r in bev.risk_rules)
    assert all(r.ours for r in bev.severity_rules)
    assert all(r.ours for r in bev.verdict_rules)
    assert "ons oordeel" in bev.ours_note.nl and "our judgement" in bev.ours_note.en
    assert "onze koppeling" in bev.iso_note.nl and "our mapping" in bev.iso_note.en
    for m in bev.measures:
        assert m.iso27002 and all(ref in bev.iso27002_controls for ref in m.iso27002), m.id
        if m.note:
            assert m.note.nl.startswith("Onze opmerking") and m.note.en.startswith("Our remark")


def test_iso_mapping_of_the_issue_examples(bev):
    iso = {m.nl: m.iso27002 for m in bev.measures}
    assert "7.7" in iso["Clean desk policy"]
    assert "7.14" in iso["Oude documenten op juiste manier vernietigen"]
    assert "8.7" in iso["Up-to-date virusscanner op elke laptop, pc en tablet"]
    assert bev.iso27002_controls["8.7"].en == "Protection against malware"




# Texts the source itself words in English, or names that are the same in both languages.
SAME_IN_BOTH = {"Clean desk policy", "laag", "midden", "hoog"}


def test_every_text_is_in_dutch_and_english(bev):
    texts = list(walk_texts(bev, "beveiliging")) + list(walk_texts(load_custom(EXAMPLE), "eigen"))
    assert len(texts) > 120
    for path, text in texts:
        assert text.nl.strip() and text.en.strip(), path
        assert text.nl != text.en or text.nl in SAME_IN_BOTH or len(text.nl) < 8, path
    for m in bev.measures:  # the parts an auditor reads per measure
        assert m.text.en and m.evidence.nl and m.evidence.en


def _break(folder: Path, old: str, new: str, count: int = 1) -> None:
    path = folder / "beveiliging.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("when: {factor: purpose, equals: beoordeling-betrokkenen}",
     "when: {factor: purpose, equals: beoordeeling}", "'beoordeeling' is not an option"),
    ("when: {factor: data_subjects, at_least: 1000}",
     "when: {factor: data_subjects, equals: veel}", "a count: use at_least"),
    ('    iso27002: ["7.7"]\n', '    iso27002: ["7.77"]\n', "measures.9.iso27002"),
    ('    iso27002: ["7.7"]\n', '    iso27002: ["5.12"]\n', "'5.12' is not in iso27002_controls"),
    ("  - id: om-06\n", "  - id: om-07\n", "expected the ids tm-01"),
    ("    min_level: midden\n    ours: true\n    quotes: [doel]\n",
     "    min_level: midden\n    raise: 1\n    ours: true\n    quotes: [doel]\n",
     "exactly one of min_level, raise"),
    ("    quotes: [bewaren]\n    citations: [\"art. 5",
     "    quotes: [bewaaren]\n    citations: [\"art. 5", "unknown quote 'bewaaren'"),
    ("  - id: oordeel-op-orde\n    verdict: voldoende\n",
     "  - id: oordeel-op-orde\n    when: {findings: true}\n    verdict: voldoende\n",
     "the last rule must have no condition"),
    ("      nl: Een verwachte maatregel ontbreekt.\n      en: An expected measure is missing.\n",
     "      nl: Een verwachte maatregel ontbreekt.\n", "severity_rules.2.text"),
])
def test_a_broken_knowledge_file_names_the_file_and_the_problem(knowledge_copy, old, new, needle):
    _break(knowledge_copy, old, new)
    with pytest.raises(KnowledgeError) as err:
        Knowledge(knowledge_copy)
    assert "beveiliging.yaml" in str(err.value) and needle in str(err.value)


def test_a_missing_measure_is_rejected(knowledge_copy):
    path = knowledge_copy / "beveiliging.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - id: tm-09\n"), text.index("  - id: om-01\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeError, match="measures"):
        Knowledge(knowledge_copy)


def test_the_example_own_measures_file_is_valid_and_for_field_work():
    own = load_custom(EXAMPLE)
    ids = [m.id for m in own.measures]
    assert ids == ["eigen-tablets", "eigen-fotos-in-woningen", "eigen-sleutels",
                   "eigen-berichtenapps", "eigen-zzp"]
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert raw["file"] == "eigen-maatregelen"
