"""`avgkit classify` as a user runs it: through the installed console script."""

import json
import subprocess
import sys

import pytest

from avgkit.cli import main


def run(*args):
    """Run `avgkit` in a fresh process (python -m avgkit is the console script's entry point)."""
    return subprocess.run([sys.executable, "-m", "avgkit", *args], capture_output=True,
                          text=True, timeout=60)


def test_console_script_form_three_in_dutch():
    proc = run("classify", "--form", "3")
    assert proc.returncode == 0, proc.stderr
    assert "Aannemer/installateur: gezamenlijke verwerkingsverantwoordelijke" in proc.stdout
    assert "Regeling gezamenlijke verantwoordelijkheid (verplicht; art. 26 lid 1 AVG" in proc.stdout
    assert "[Handleiding AVG (AP), p. 33" in proc.stdout


def test_json_output_with_variant_and_answers(capsys):
    assert main(["classify", "--form", "0", "--variant", "B",
                 "--answer", "provider_processes_personal_data=ja",
                 "--answer", "processing_is_primary_purpose=yes",
                 "--answer", "on_behalf_of_client=true", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["provider_role"] == "PROCESSOR" and data["client_role"] == "CONTROLLER"
    assert data["variants"][0]["code"] == "B"


def test_english_with_obligations(capsys):
    assert main(["classify", "--form", "1", "--lang", "en", "--obligations"]) == 0
    out = capsys.readouterr().out
    assert "Contractor/installer: controller" in out
    assert "vv-15" in out and "art. 35 AVG" in out


@pytest.mark.parametrize(("args", "needle"), [
    (["--form", "7"], "expected a form 1-4"),
    (["--answer", "subcontractor=misschien"], "expected ja/nee"),
    (["--answer", "nonsense=ja"], "unknown question 'nonsense'"),
    (["--answer", "subcontractor"], "KEY=VALUE"),
])
def test_bad_arguments_exit_2_with_a_message(capsys, args, needle):
    assert main(["classify", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
