"""One settings object: legal defaults, validated where they are made, and
overridden per procedure."""
from dataclasses import replace
from datetime import time

import pytest

from api.config import from_env
from engine.kernel.context import Ctx
from engine.people.directory import create_user, update_user
from engine.kernel.settings import SettingError, Settings, with_policy


def test_the_law_s_defaults():
    settings = Settings()
    assert settings.office_hours == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    assert (settings.supplement_window, settings.late_supplement) == ("3d", "refuse")
    assert settings.transfer_cutoff == time(15, 0)
    assert (settings.remind_at, settings.escalate_after, settings.extension_notice) == (
        0.75, "1d", "1d")


def test_settings_come_from_the_environment(tmp_path):
    config = from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_LATE_SUPPLEMENT": "flag",
                       "MOTCUA_OFFICE_HOURS": "08:00-12:00,13:30-17:30",
                       "MOTCUA_TRANSFER_CUTOFF": "16:00", "MOTCUA_SUPPLEMENT_WINDOW": "5d"})
    settings = config.SETTINGS
    assert settings.late_supplement == "flag" and settings.supplement_window == "5d"
    assert settings.office_hours[1] == (time(13, 30), time(17, 30))
    assert settings.transfer_cutoff == time(16, 0)


@pytest.mark.parametrize("variable, value", [
    ("MOTCUA_LATE_SUPPLEMENT", "maybe"), ("MOTCUA_OFFICE_HOURS", "17:00-07:30"),
    ("MOTCUA_OFFICE_HOURS", "07:30-11:30,11:00-17:00"), ("MOTCUA_TRANSFER_CUTOFF", "3pm"),
    ("MOTCUA_SUPPLEMENT_WINDOW", "three days"), ("MOTCUA_REMIND_AT", "1.5"),
    ("MOTCUA_ESCALATE_AFTER", "-1d")])
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    with pytest.raises(RuntimeError, match=variable):
        from_env({"MOTCUA_DATA_DIR": str(tmp_path), variable: value})


def test_a_procedure_s_policy_wins_and_is_checked():
    policy = with_policy(Settings(), {"supplement_window": "5d", "fee": 100,
                                      "escalation": {"remind_at": 0.5, "escalate_after": None}})
    assert (policy.supplement_window, policy.remind_at, policy.escalate_after) == (
        "5d", 0.5, None)
    with pytest.raises(SettingError, match="supplement_window"):
        with_policy(Settings(), {"supplement_window": "soon"})
    with pytest.raises(SettingError, match="escalation"):
        with_policy(Settings(), {"escalation": {"remind": 1}})


def test_passwords_are_hashed_by_the_context_s_method(admin_ctx):
    user = create_user(admin_ctx, "hashed", "a-long-enough-password")
    assert user.password_hash.startswith("pbkdf2:sha256:1000$")  # TestConfig's fast one
    other = Ctx(admin_ctx.session, admin_ctx.clock, admin_ctx.actor, settings=replace(
        admin_ctx.settings, password_hash_method="pbkdf2:sha256:2000"))
    user = update_user(other, "hashed", password="another-long-password")
    assert user.password_hash.startswith("pbkdf2:sha256:2000$")
