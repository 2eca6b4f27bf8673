"""Incidents saved in the store: round trip, history per field, merge and conflict."""

import datetime as dt

import pytest
from samples_issue7 import processor_assessment

from avgkit.breach import AMSTERDAM, Incident, IncidentStore, next_incident_id
from avgkit.store import ConflictError, Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store.sqlite")
    s.create(processor_assessment(), "tester")
    yield s
    s.close()


def make(**kw):
    data = {"id": "DL-20250329-1", "discovered_at": "2025-03-29 10:00",
            "discovered_by": "provider", "answers": {"q1": "laptop gestolen uit bus"},
            "persons_min": 10, "persons_max": 250, "data_kinds": ["naam", "adres"]}
    data.update(kw)
    return Incident(**data)


def test_round_trip_through_a_real_store_file(store, tmp_path):
    incidents = IncidentStore(store)
    v = incidents.save("SW-VO", make(), "monteur")
    assert v == 2
    again = IncidentStore(Store(tmp_path / "store.sqlite")).get("SW-VO", "DL-20250329-1")
    assert again == make()
    assert again.discovered_at == dt.datetime(2025, 3, 29, 10, 0, tzinfo=AMSTERDAM)
    assert [i.id for i in incidents.list("SW-VO")] == ["DL-20250329-1"]
    # the assessment itself is untouched otherwise
    assert store.get("SW-VO").checklist == processor_assessment().checklist


def test_changes_are_saved_per_field_with_history(store):
    incidents = IncidentStore(store)
    incidents.save("SW-VO", make(), "monteur")
    changed = make(other_party_informed_at="2025-03-29 15:00", status="gesloten")
    v = incidents.save("SW-VO", changed, "privacy officer")
    assert v == 3
    history = incidents.history("SW-VO", "DL-20250329-1")
    assert [(c.version, c.who, c.path) for c in history] == [
        (2, "monteur", "incidents.DL-20250329-1"),
        (3, "privacy officer", "incidents.DL-20250329-1.other_party_informed_at"),
        (3, "privacy officer", "incidents.DL-20250329-1.status")]
    assert history[1].new == "2025-03-29T15:00:00+01:00"
    assert incidents.save("SW-VO", changed, "privacy officer") == 3  # nothing changed
    # as it was before the second change
    old = store.rebuild("SW-VO", version=2).incidents["DL-20250329-1"]
    assert old["status"] == "open"


def test_concurrent_edits_merge_by_field_and_conflict_on_the_same_field(store):
    a, b = IncidentStore(store), IncidentStore(store)
    a.save("SW-VO", make(), "monteur")
    _, base = a.get_with_version("SW-VO", "DL-20250329-1")
    a.save("SW-VO", make(notes="politie ingelicht"), "A", base_version=base)
    merged = b.save("SW-VO", make(reporter="J. Jansen"), "B", base_version=base)
    final = a.get("SW-VO", "DL-20250329-1")
    assert (final.notes, final.reporter, merged) == ("politie ingelicht", "J. Jansen", 4)
    with pytest.raises(ConflictError):
        b.save("SW-VO", make(notes="iets anders", reporter="J. Jansen"), "B", base_version=base)


def test_an_invalid_incident_is_never_written(store):
    incidents = IncidentStore(store)
    bad = make()
    bad.__dict__["persons_min"] = 999  # bypass assignment validation, as a careless caller
    with pytest.raises(ValueError, match="persons_min"):
        incidents.save("SW-VO", bad, "x")
    assert store.version("SW-VO") == 1
    with pytest.raises(KeyError, match="no incident"):
        incidents.get("SW-VO", "DL-0")


def test_incident_ids_number_per_day():
    when = dt.datetime(2025, 3, 29, 23, 30)
    assert next_incident_id([], when) == "DL-20250329-1"
    assert next_incident_id(["DL-20250329-1", "DL-20250329-2"], when) == "DL-20250329-3"
