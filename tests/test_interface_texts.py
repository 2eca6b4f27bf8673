"""Every interface text the code and templates ask for exists in interface.yaml, in both
languages; a missing one fails loudly with the file and the key."""

import re

import pytest
from conftest import ROOT

from avgkit.knowledge import KnowledgeError, load_knowledge
from avgkit.presentation import Labels

SOURCES = [*(ROOT / "avgkit" / "widgets").glob("*.py"), ROOT / "avgkit" / "presentation.py",
           ROOT / "avgkit" / "report.py"]
TEMPLATES = list((ROOT / "avgkit" / "templates").glob("*.j2"))


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        code = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'\bt\[\s*"([a-z0-9_]+)"\s*\]', code))
        keys |= set(re.findall(r'\bt\.format\(\s*"([a-z0-9_]+)"', code))
    for path in TEMPLATES:
        keys |= set(re.findall(r"\bt\.([a-z0-9_]+)", path.read_text(encoding="utf-8")))
    return keys - {"format"}


def test_every_label_used_exists_in_both_languages():
    labels = load_knowledge().interface.labels
    keys = used_keys()
    assert len(keys) > 60
    missing = sorted(keys - set(labels))
    assert not missing, f"interface.yaml lacks labels: {missing}"
    for key in keys:
        assert labels[key].nl.strip() and labels[key].en.strip(), key


def test_a_missing_label_names_the_file_and_key():
    with pytest.raises(KnowledgeError, match=r"interface.yaml.*labels.geen_label"):
        Labels("nl")["geen_label"]


def test_interface_texts_say_they_are_ours():
    kb = load_knowledge()
    assert "niet van de bron" in kb.interface.note.nl
    for remark_id, remark in kb.interface.remarks.items():
        assert remark.citations, remark_id
