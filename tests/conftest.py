import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def knowledge_copy(tmp_path):
    """A writable copy of the knowledge folder, for tests that break a file on purpose."""
    dst = tmp_path / "knowledge"
    shutil.copytree(ROOT / "avgkit" / "knowledge", dst,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dst
