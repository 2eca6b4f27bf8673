"""JSON export/import with history (exact round trip) and create-or-update from a portfolio."""

import copy
import datetime as dt
import json

import pytest

from avgkit.assessment import Action, AgreementInPlace, Assessment
from avgkit.store import (
    ConflictError,
    Store,
    StoreError,
    export_data,
    import_data,
    upsert,
)


@pytest.fixture
def filled(tmp_path):
    with Store(tmp_path / "a.sqlite") as s:
        s.create(Assessment(id="SW-001", corporation="Woonstad <b>", contractor="Bouw & Zn"),
                 "alice")
        s.update("SW-001", {"answers.data_exchange": "order", "notes": "één\nregel"}, "bob")
        s.update("SW-001", {"checklist.risk_profile": {"data_kind": None, "data_subjects": 12},
                            "checklist.answers.tm-01": {"status": "aanwezig", "note": "=1+1"},
                            "actions": [{"what": "MFA", "due": "2024-09-01"}]}, "carol")
        s.update("SW-001", {"checklist.answers.tm-01": None, "agreement.points.vo-02": True},
                 "bob")
        s.create(Assessment(id="SW-002", status="afgerond"), "alice")
        yield s


def without_stamp(data):
    data = copy.deepcopy(data)
    data.pop("exported")
    return data


def test_round_trip_is_exact(filled, tmp_path):
    exported = export_data(filled)
    text = json.dumps(exported, ensure_ascii=False, indent=2)
    with Store(tmp_path / "b.sqlite") as other:
        report = import_data(other, json.loads(text))
        assert report.created == ["SW-001", "SW-002"] and not report.refused
        again = export_data(other)
        assert without_stamp(again) == without_stamp(exported)
        assert json.dumps(without_stamp(again), ensure_ascii=False) == \
            json.dumps(without_stamp(exported), ensure_ascii=False)
        for id in ("SW-001", "SW-002"):
            assert other.get(id) == filled.get(id)
            assert other.history(id) == filled.history(id)
            assert other.version(id) == filled.version(id)
            assert other.rebuild(id) == other.get(id)
        # as-of reads work on the imported history too
        when = filled.history("SW-001")[1].when
        assert other.as_of("SW-001", when) == filled.as_of("SW-001", when)
        # and the imported store goes on as usual
        other.update("SW-001", {"notes": "verder"}, "dave", base_version=4)
        assert other.version("SW-001") == 5


def test_the_export_keeps_null_apart_from_not_set(filled):
    history = export_data(filled, ["SW-001"])["assessments"][0]["history"]
    cleared = next(h for h in history if h["path"] == "checklist.answers.tm-01" and
                   h["version"] == 4)
    assert "new" not in cleared and cleared["old"]["status"] == "aanwezig"
    profile = next(h for h in history if h["path"] == "checklist.risk_profile")
    assert profile["new"]["data_kind"] is None and "old" not in profile


def test_export_one(filled):
    data = export_data(filled, ["SW-002"])
    assert [a["id"] for a in data["assessments"]] == ["SW-002"]
    assert data["format"] == "avgkit-export" and data["format_version"] == 1


def test_importing_again_changes_nothing_and_a_longer_history_extends(filled, tmp_path):
    early = export_data(filled)
    with Store(tmp_path / "b.sqlite") as other:
        import_data(other, early)
        assert import_data(other, early).unchanged == ["SW-001", "SW-002"]
        filled.update("SW-002", {"notes": "later"}, "erik")
        report = import_data(other, export_data(filled))
        assert report.updated == ["SW-002"] and report.unchanged == ["SW-001"]
        assert other.get("SW-002") == filled.get("SW-002")
        assert other.history("SW-002") == filled.history("SW-002")
        # An older export of an id the store has moved on with is already contained.
        assert import_data(other, early).unchanged == ["SW-001", "SW-002"]
        assert other.version("SW-002") == 2


def test_diverged_histories_are_refused_and_nothing_changes(filled, tmp_path):
    with Store(tmp_path / "b.sqlite") as other:
        import_data(other, export_data(filled))
        other.update("SW-001", {"notes": "hier"}, "x")
        filled.update("SW-001", {"notes": "daar"}, "y")
        before = other.history("SW-001")
        report = import_data(other, export_data(filled))
        assert report.unchanged == ["SW-002"]
        assert report.refused[0][0] == "SW-001" and "differ from version 5" in report.refused[0][1]
        assert other.history("SW-001") == before and other.get("SW-001").notes == "hier"


@pytest.mark.parametrize(("tamper", "needle"), [
    (lambda a: a["current"].update(notes="vervalst"), "does not lead to the stated current"),
    (lambda a: a["history"][2].update(new="vervalst"), "does not lead to the stated current"),
    (lambda a: a["history"][1].update(version=3), "versions must run"),
    (lambda a: a.update(version=9), "not at the stated version 9"),
    (lambda a: a["history"][1].update(when="gisteren"), "not an ISO-8601 time"),
    (lambda a: a["history"][1].update(when="2020-01-01T00:00:00"), "no time zone"),
    (lambda a: a["history"][2].update(when="2000-01-01T00:00:00+00:00"), "back in time"),
    (lambda a: a["history"][1].update(path="colour"), "unknown field"),
    (lambda a: a["history"][1].update(who=""), "'who' is missing"),
    (lambda a: a["history"].pop(0), "versions must run"),
    (lambda a: a["history"][1].update(path=""), "only the first entry"),
    (lambda a: a.update(id="SW-009"), "differs from"),
    (lambda a: a["current"].update(status="klaar"), "status"),
])
def test_a_tampered_assessment_is_refused_the_rest_imported(filled, tmp_path, tamper, needle):
    data = export_data(filled)
    tamper(data["assessments"][0])
    with Store(tmp_path / "b.sqlite") as other:
        report = import_data(other, data)
        assert report.created == ["SW-002"]
        assert len(report.refused) == 1 and needle in report.refused[0][1]
        assert not other.exists("SW-001") and not other.exists("SW-009")


@pytest.mark.parametrize("data", [[], {"format": "x"}, {"format": "avgkit-export"},
                                  {"format": "avgkit-export", "format_version": 1}])
def test_not_an_export(tmp_path, data):
    with Store(tmp_path / "b.sqlite") as other, pytest.raises(StoreError) as info:
        import_data(other, data)
    assert info.value.code == "invalid-import"


def test_timestamps_in_another_zone_are_normalised_to_utc(filled, tmp_path):
    data = export_data(filled, ["SW-002"])
    entry = data["assessments"][0]
    when = dt.datetime.fromisoformat(entry["history"][0]["when"])
    entry["history"][0]["when"] = when.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    with Store(tmp_path / "b.sqlite") as other:
        assert import_data(other, data).created == ["SW-002"]
        assert other.history("SW-002")[0].when == when


# -- create-or-update from a portfolio ---------------------------------------------------------

def test_upsert_creates_then_updates_only_what_the_source_gives(tmp_path):
    with Store(tmp_path / "s.sqlite") as s:
        row = Assessment(id="SW-1", corporation="Woonstad", answers={"data_exchange": "order"})
        assert upsert(s, row, "import") == ("created", 1)
        # An auditor works on it in a notebook.
        s.update("SW-1", {"notes": "bezocht", "answers.subcontractor": True,
                          "agreement.reviewed": True, "actions": [{"what": "MFA"}]}, "alice")
        # The next portfolio run: one field changed, blanks and defaults erase nothing.
        row = Assessment(id="SW-1", corporation="Woonstad", contractor="Bouw BV", description="",
                         answers={"data_exchange": "order", "subcontractor": None},
                         agreement=AgreementInPlace(kind="verwerkersovereenkomst"),
                         actions=[Action(what="MFA"), Action(what="Logging")])
        assert upsert(s, row, "import") == ("updated", 3)
        a = s.get("SW-1")
        assert a.contractor == "Bouw BV" and a.notes == "bezocht"
        assert a.answers == {"data_exchange": "order", "subcontractor": True}
        assert a.agreement.kind == "verwerkersovereenkomst" and a.agreement.reviewed is True
        assert [x.what for x in a.actions] == ["MFA", "Logging"]
        assert {c.path for c in s.history("SW-1") if c.version == 3} == \
            {"contractor", "agreement.kind", "actions"}
        assert upsert(s, row, "import") == ("unchanged", 3)


def test_upsert_reports_a_concurrent_change_as_a_conflict(tmp_path, monkeypatch):
    with Store(tmp_path / "s.sqlite") as s, Store(tmp_path / "s.sqlite") as notebook:
        s.create(Assessment(id="SW-1"), "import")
        real = s.update

        def someone_edits_first(*args, **kwargs):
            notebook.update("SW-1", {"contractor": "Ander BV"}, "alice")
            return real(*args, **kwargs)

        monkeypatch.setattr(s, "update", someone_edits_first)
        with pytest.raises(ConflictError, match="contractor"):
            upsert(s, Assessment(id="SW-1", contractor="Bouw BV"), "import")
        assert s.get("SW-1").contractor == "Ander BV"
