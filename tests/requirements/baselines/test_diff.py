"""The pure diff: hand-made snapshots, hand-computed expectations."""

from __future__ import annotations

from tmse.requirements.baselines.diff import diff, diff_fields, diff_links
from tmse.requirements.baselines.snapshot import (
    SnapshotItem,
    canonical_json,
    json_safe,
    snapshot_digest,
)


def _link(direction: str, other: int, state: str = "valid", kind: str = "requirement") -> dict:
    return {
        "direction": direction,
        "link_type": "derives",
        "type": kind,
        "id": other,
        "state": state,
    }


def _item(rid: int, links: list[dict] | None = None, **fields: object) -> SnapshotItem:
    base = {"id": rid, "title": f"R{rid}", "status": "approved", "version": 1}
    return SnapshotItem(rid, base | fields, links or [])


def test_identical_snapshots_have_no_differences() -> None:
    a = [_item(1, effort_days=5), _item(2, [_link("out", 1)])]
    result = diff(a, list(a))
    assert (result.added, result.removed, result.changed, result.unchanged) == ([], [], [], 2)


def test_added_removed_and_changed_fields() -> None:
    before = [_item(1), _item(2, effort_days=5), _item(3)]
    after = [_item(2, effort_days=8, title="Two"), _item(3), _item(4)]
    result = diff(before, after)
    assert [i.requirement_id for i in result.added] == [4]
    assert [i.requirement_id for i in result.removed] == [1]
    assert result.unchanged == 1
    [change] = result.changed
    assert change.requirement_id == 2 and change.title == "Two"
    assert change.fields == {
        "effort_days": {"before": 5, "after": 8},
        "title": {"before": "R2", "after": "Two"},
    }
    as_dict = result.as_dict()
    assert as_dict["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
    assert as_dict["added"] == [{"requirement_id": 4, "title": "R4", "status": "approved"}]


def test_bookkeeping_fields_are_not_changes_and_numbers_compare_by_value() -> None:
    before = [_item(1, version=1, updated_at="2026-01-01T00:00:00+00:00", effort_days=5)]
    after = [_item(1, version=7, updated_at="2026-03-01T00:00:00+00:00", effort_days=5.0)]
    assert diff(before, after).changed == []
    assert diff_fields({"flag": True}, {"flag": 1}) == {"flag": {"before": True, "after": 1}}


def test_a_field_present_on_one_side_only_is_a_change_from_or_to_none() -> None:
    assert diff_fields({"a": 1}, {"a": 1, "score": 2.5}) == {
        "score": {"before": None, "after": 2.5}
    }
    assert diff_fields({"custom": {"area": "x"}}, {"custom": {"area": "y"}}) == {
        "custom": {"before": {"area": "x"}, "after": {"area": "y"}}
    }


def test_links_added_removed_and_state_changed() -> None:
    before = [_link("out", 2), _link("in", 3), _link("out", 9, kind="service")]
    after = [_link("out", 2, state="suspect"), _link("out", 9, kind="service"), _link("in", 4)]
    added, removed, changed = diff_links(before, after)
    assert added == [_link("in", 4)]
    assert removed == [_link("in", 3)]
    assert changed == [
        _link("out", 2, state="suspect") | {"state_before": "valid", "state_after": "suspect"}
    ]
    result = diff([_item(1, before)], [_item(1, after)])
    assert result.changed[0].fields == {} and len(result.changed[0].links_added) == 1


def test_json_safe_values_and_canonical_digest() -> None:
    import datetime as dt
    from decimal import Decimal

    assert json_safe(Decimal("5.00")) == 5 and json_safe(Decimal("2.50")) == 2.5
    when = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert json_safe(when) == "2026-05-01T02:00:00+00:00"
    assert json_safe({"d": dt.date(2026, 1, 2), "l": (1, Decimal("1.5"))}) == {
        "d": "2026-01-02",
        "l": [1, 1.5],
    }
    assert canonical_json({"b": 1, "a": "需求"}) == '{"a":"需求","b":1}'
    signed_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    items = [_item(2), _item(1)]
    digest = snapshot_digest("BL", 3, signed_at, items)
    # Order of items does not matter; name, approver, time and any field do.
    assert digest == snapshot_digest("BL", 3, signed_at, list(reversed(items)))
    assert digest != snapshot_digest("BL2", 3, signed_at, items)
    assert digest != snapshot_digest("BL", 4, signed_at, items)
    assert digest != snapshot_digest("BL", 3, signed_at + dt.timedelta(seconds=1), items)
    assert digest != snapshot_digest("BL", 3, signed_at, [_item(2), _item(1, title="x")])
    assert len(digest) == 64


def test_diff_of_thousands_finds_each_added_removed_and_changed_one() -> None:
    before = [_item(i, [_link("out", i + 1)], effort_days=i % 13) for i in range(5000)]
    after = [
        _item(i, [_link("out", i + 1)], effort_days=(i % 13) + (i % 10 == 0))
        for i in range(100, 5100)
    ]
    result = diff(before, after)
    assert (len(result.added), len(result.removed)) == (100, 100)
    assert len(result.changed) == 490  # every tenth of 100..4999
