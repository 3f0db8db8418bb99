from django.utils import translation

from kam.core.audit import created, diff, history_of, record_event, snapshot


def test_diff_keeps_only_what_changed():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
    assert diff({}, {"a": 1}) == {"a": [None, 1]}


def test_a_snapshot_names_related_records_readably(lan):
    assert snapshot(lan, ["team", "is_kam"]) == {"team": "Nhóm A", "is_kam": True}


def test_history_lists_a_records_events_newest_first_with_field_labels(lan, admin):
    record_event(
        subject=lan, verb="user.updated", by=admin, changes={"email": ["a@x.vn", "b@x.vn"]}
    )
    record_event(subject=lan, verb="user.updated", by=admin, changes={"full_name": ["A", "B"]})
    events = list(history_of(lan))
    assert [event.changes for event in events] == [
        {"full_name": ["A", "B"]},
        {"email": ["a@x.vn", "b@x.vn"]},
    ]
    with translation.override("en"):
        assert events[0].readable_changes == [("Full name", "A", "B")]
    with translation.override("vi"):
        assert events[0].readable_changes[0][0] != "Full name"
    assert events[0].actor == admin


def test_history_belongs_to_one_record(lan, hoa, admin):
    record_event(subject=hoa, verb="user.updated", by=admin)
    assert list(history_of(lan)) == []


def test_history_reads_flags_as_yes_no_and_choices_by_their_label(lan, admin):
    record_event(
        subject=lan,
        verb="user.updated",
        by=admin,
        changes={"is_kam": [True, False], "language": ["vi", "en"]},
    )
    with translation.override("en"):
        assert history_of(lan)[0].readable_changes == [
            ("Key Account Manager", "yes", "no"),
            ("Language", "Vietnamese", "English"),
        ]


def test_a_new_records_history_lists_only_the_values_it_was_given():
    assert created(
        {"full_name": "Lan", "email": "", "team": None, "is_kam": False, "is_active": True}
    ) == {
        "full_name": [None, "Lan"],
        "is_active": [None, True],
    }
