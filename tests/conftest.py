import re
import shutil
from pathlib import Path

import pytest

from avgkit.models import Text

ROOT = Path(__file__).resolve().parent.parent
# shared/ lies beside the checkout, for developers and CI alike.
SEED = ROOT.parent / "shared" / "seed" / "rolverdeling-avg-corporaties-aannemers.txt"


def norm_source(s: str) -> str:
    """Letters only, in order: the PDF split words with hyphens at line ends, so hyphens and
    white space are dropped on both sides before comparing a text with the source."""
    s = s.replace("\u2018", "'").replace("\u2019", "'")
    return re.sub(r"[\s\-]+", "", s)


def html_text(html: str) -> str:
    """The visible words of an HTML fragment, white space folded (for asserting on panels)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def walk_texts(obj, path="kb"):
    """Every Text and every nl/en item reachable from a knowledge object, with its path."""
    if isinstance(obj, Text):
        yield path, obj
    elif hasattr(type(obj), "model_fields"):
        fields = type(obj).model_fields
        if "nl" in fields and "en" in fields:
            yield path, obj.text
        for name in fields:
            yield from walk_texts(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk_texts(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from walk_texts(v, f"{path}[{i}]")


@pytest.fixture
def knowledge_copy(tmp_path):
    """A writable copy of the knowledge folder, for tests that break a file on purpose."""
    dst = tmp_path / "knowledge"
    shutil.copytree(ROOT / "avgkit" / "knowledge", dst,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dst
