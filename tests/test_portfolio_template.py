"""The column spec, the template and the README table generated from it."""

import re
import sys
import typing
import zipfile
from pathlib import Path

import openpyxl
import pytest

from avgkit.assessment import AgreementKind
from avgkit.classifier import FACT_KEYS
from avgkit.knowledge import Knowledge, KnowledgeError, load_knowledge
from avgkit.portfolio import columns, read_portfolio
from avgkit.portfolio_template import columns_markdown, write_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "data" / "portefeuille-sjabloon.xlsx"
SEED_CLEAN = ROOT.parent / "shared" / "seed" / "bron-schoon.md"


def test_spec_covers_the_contract():
    keys = [c.key for c in columns()]
    assert [k for k in keys if k in FACT_KEYS] == list(FACT_KEYS)
    assert [c.question for c in columns() if c.question] == list(FACT_KEYS)
    assert [c.key for c in columns() if c.kind == "status"] == (
        [f"tm-0{i}" for i in range(1, 10)] + [f"om-0{i}" for i in range(1, 7)])
    kb = load_knowledge()
    assert kb.portefeuille.kinds["agreement"].choices == list(typing.get_args(AgreementKind))
    assert {a.id for a in kb.overeenkomsten.agreements} == set(typing.get_args(AgreementKind))
    assert [c.key for c in columns() if c.required] == ["id", "corporation", "contractor"]


def test_every_problem_has_its_texts():
    from avgkit.portfolio import FILE_PROBLEMS

    assert FILE_PROBLEMS <= set(load_knowledge().portefeuille.problems)


def test_measure_help_is_the_source_wording():
    if not SEED_CLEAN.exists():
        pytest.skip("shared/seed is not beside this checkout")
    source = SEED_CLEAN.read_text(encoding="utf-8")
    for col in columns():
        if col.kind == "status":
            assert f". {col.help.nl}\n" in source, col.key


def test_a_header_used_twice_in_the_spec_fails_loudly(knowledge_copy):
    path = knowledge_copy / "portefeuille.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("aliases: [opdrachtnemer, installateur]",
                                 "aliases: [opdrachtnemer, corporatie]"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="portefeuille.yaml.*also used by column"):
        Knowledge(knowledge_copy)


def test_committed_template_reads_back_as_an_empty_portfolio():
    assessments, errors = read_portfolio(TEMPLATE)
    assert assessments == [] and [e.problem for e in errors] == ["no-rows"]
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [c.header for c in columns()]
    assert ws.max_row == 1
    assert all(c.comment and c.comment.text.strip() for c in ws[1])
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "D2" not in lists  # omschrijving: free text, no list
    assert lists["G2"] == '"1,2,3,4,geen"'
    assert lists["H2"] == '"ja,nee"'
    assert len(lists) == sum(bool(load_knowledge().portefeuille.kinds[c.kind].choices)
                             for c in columns())
    help_sheet = wb["toelichting"]
    assert [r[0].value for r in help_sheet.iter_rows(min_row=2, max_row=len(columns()) + 1)] == [
        c.header for c in columns()]


def test_english_template_uses_the_keys_and_reads_back(tmp_path):
    path = write_template(tmp_path / "en.xlsx", lang="en")
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[1]] == [c.key for c in columns()]
    assert ws.title == "portfolio"
    assessments, errors = read_portfolio(path)
    assert assessments == [] and [e.problem for e in errors] == ["no-rows"]


def test_filled_in_template_is_read(tmp_path):
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb.worksheets[0]
    ws.append(["T-1", "Woonstichting De Linde", "Elektro Jansen", "", "", "", 3])
    wb.save(tmp_path / "ingevuld.xlsx")
    assessments, errors = read_portfolio(tmp_path / "ingevuld.xlsx")
    assert errors == [] and assessments[0].answers == {"data_exchange": "client_system"}


def test_readme_column_table_is_in_sync():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- portfolio-columns:start -->\n(.*?)\n<!-- portfolio-columns:end -->",
                      readme, re.S)
    assert block, "README.md lacks the portfolio column markers"
    assert block.group(1) == columns_markdown("nl"), "run python scripts/portfolio_files.py"
    assert columns_markdown("en").splitlines()[2].startswith("| `id` |")


def zip_contents(path):
    """Entry names and bytes; compressed bytes may differ between zlib versions."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_regeneration_script_runs_in_a_copy(tmp_path):
    import shutil
    import subprocess

    for sub in ("scripts", "data"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    shutil.copytree(ROOT / "avgkit", tmp_path / "avgkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    proc = subprocess.run([sys.executable, str(tmp_path / "scripts" / "portfolio_files.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in ("portefeuille-sjabloon.xlsx", "voorbeeld-portefeuille.xlsx"):
        assert zip_contents(tmp_path / "data" / name) == zip_contents(ROOT / "data" / name), (
            f"data/{name} is stale: run python scripts/portfolio_files.py")
    assert (tmp_path / "README.md").read_text() == (ROOT / "README.md").read_text()
