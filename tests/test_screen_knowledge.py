"""Issue 11: every DPIA item of knowledge/dpia.yaml checked against the transcription of its
source (knowledge/bronnen/dpia-bronnen.md): the AP's list (Stcrt. 2019, 64418) with its 17
categories, the nine WP248 rev.01 criteria and art. 35(3) AVG. The transcription says per line
what is verbatim ([letterlijk], [en]) and what is avgkit's summary ([samenvatting]); the YAML may
only call verbatim what the transcription calls verbatim."""

import re

import pytest

from avgkit.knowledge import KNOWLEDGE_DIR, load_knowledge

KB = load_knowledge()
SOURCE = (KNOWLEDGE_DIR / KB.dpia.transcription).read_text(encoding="utf-8")


def section(title_start: str) -> dict[str, dict[str, str]]:
    """The '### ' blocks of one '## ' section: heading -> {marker: text}."""
    part = next(p for p in SOURCE.split("\n## ") if p.startswith(title_start))
    blocks = {}
    for block in part.split("\n### ")[1:]:
        head, *lines = block.strip().split("\n")
        blocks[head.strip()] = {m.group(1): m.group(2).strip() for line in lines
                                if (m := re.match(r"^\[([^\]]+)\] (.*)$", line))}
    return blocks


AP = section("AP: Besluit")
WP = section("WP248 rev.01")
ART35 = section("AVG art. 35 lid 3")


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_ap_list_has_its_17_categories_in_order():
    assert len(AP) == 17 == len(KB.dpia.ap_list.items)
    assert [int(h.split(".")[0]) for h in AP] == list(range(1, 18))
    assert "Stcrt. 2019, 64418" in KB.dpia.ap_list.source


@pytest.mark.parametrize("item", KB.dpia.ap_list.items, ids=lambda i: i.id)
def test_each_ap_category_matches_the_transcription(item):
    block = AP[f"{item.number}. {item.nl}"]  # the category's name, verbatim
    assert item.en == block["en, onze vertaling"]
    assert item.summary is True and "samenvatting" in block and "letterlijk" not in block
    assert one_line(item.description.nl) == block["samenvatting"]
    assert any(f"categorie {item.number}" in c for c in item.citations)


@pytest.mark.parametrize("item", KB.dpia.criteria.items, ids=lambda i: i.id)
def test_each_wp248_criterion_matches_the_transcription(item):
    block = WP[f"{item.number}. {item.nl}"]  # the criterion's name, verbatim
    assert item.en == block["en"]
    assert item.summary is True and one_line(item.description.nl) == block["samenvatting"]
    assert f"criterium {item.number}" in item.citations[0]
    assert item.facts_any


def test_nine_criteria_and_the_two_criteria_rule():
    assert len(WP) == 9 == len(KB.dpia.criteria.items)
    assert KB.dpia.threshold == 2
    assert "two criteria would require a DPIA" in SOURCE


@pytest.mark.parametrize("item", KB.dpia.art35.items, ids=lambda i: i.id)
def test_each_art_35_3_case_is_verbatim(item):
    block = ART35[item.letter]
    assert item.summary is False and one_line(item.nl) == block["letterlijk"]
    assert item.citations == [f"art. 35 lid 3 onder {item.letter} AVG"]


def test_summaries_are_marked_as_ours_wherever_they_are_shown():
    from avgkit.assessment import Assessment, ScreeningAnswers
    from avgkit.screen import render_html, screen

    a = Assessment(id="X", screening=ScreeningAnswers(facts={"health": True,
                                                             "large_scale": True}))
    page = render_html(screen(a), "nl")
    assert "Gezondheidsgegevens" in page and "(samenvatting van avgkit)" in page


def test_every_lawfulness_rule_and_fact_is_bilingual_with_citations():
    for rule in KB.rechtmatigheid.rules:
        assert rule.citations and rule.text.nl and rule.text.en
    for fact in KB.rechtmatigheid.facts:
        assert fact.text.nl.endswith("?") and fact.text.en.endswith("?")
