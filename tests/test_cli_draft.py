"""`avgkit draft`: from a real store file to a DOCX or HTML file, and its errors."""

import subprocess
import sys

import pytest
from docx import Document
from samples_issue7 import joint_assessment, processor_assessment

from avgkit.assessment import Assessment
from avgkit.store import Store


def avgkit(*args, cwd):
    return subprocess.run([sys.executable, "-m", "avgkit", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as s:
        s.create(processor_assessment(), "tester")
        s.create(joint_assessment(corporation="<b>Woon & Co</b>"), "tester")
        s.create(Assessment(id="SW-OPEN"), "tester")
    return path


def test_draft_docx_with_default_name(store, tmp_path):
    done = avgkit("draft", "SW-VO", "--store", str(store), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "SW-VO-verwerkersovereenkomst.docx"
    assert done.stdout.strip() == path.name and path.exists()
    doc = Document(str(path))
    assert doc.core_properties.title == "Verwerkersovereenkomst Enquêtebureau Vraagraak"
    assert any("Verwerker te weten Enquêtebureau Vraagraak" in p.text for p in doc.paragraphs)


def test_draft_html_from_the_suffix_in_english(store, tmp_path):
    out = tmp_path / "gv.html"
    done = avgkit("draft", "SW-GV", "--store", str(store), "-o", str(out), "--lang", "en",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;Woon &amp; Co&lt;/b&gt;" in page and "<b>Woon" not in page
    assert "Arrangement between joint controllers" in page


@pytest.mark.parametrize("args, status, message", [
    (["SW-OPEN"], 2, "nog niet vast te stellen"),
    (["SW-NONE"], 1, "niet gevonden"),
    (["SW-VO", "--format", "pdf"], 2, "invalid choice"),
    (["SW-VO", "-o", "missing/dir/x.docx"], 2, "does not exist"),
])
def test_draft_errors(store, tmp_path, args, status, message):
    done = avgkit("draft", *args, "--store", str(store), cwd=tmp_path)
    assert done.returncode == status and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_draft_without_a_store(tmp_path):
    done = avgkit("draft", "SW-VO", "--store", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert done.returncode == 1 and "geen avgkit-opslag" in done.stderr
    assert not (tmp_path / "none.sqlite").exists()
