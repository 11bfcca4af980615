"""Every shipped procedure deploys, and every form key of its tasks resolves."""
import json

import pytest

from engine import procedures
from engine.catalogue import load_procedure_folder

from .conftest import PROCESSES

FOLDERS = sorted(p for p in PROCESSES.iterdir() if (p / "procedure.json").exists())


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_shipped_procedure_deploys_with_its_forms(demo, admin_ctx, folder):
    assert "deployed version 1" in load_procedure_folder(admin_ctx, folder)
    code = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))["code"]
    version = procedures.get_version(admin_ctx.session, code, 1)
    forms = procedures.version_forms(admin_ctx.session, version)
    assert version.user_tasks, "a procedure without human steps"
    for task in version.user_tasks:
        assert task["candidate_groups"], task
        assert task["form_key"] is None or task["form_key"] in forms
