"""Custom fields: defined by administrators per requirement type, validated on every input,
filtered and sorted in SQL on both databases."""

from __future__ import annotations

from tests.helpers import Account

FIELDS = "/api/v1/requirements/custom-fields"
REQS = "/api/v1/requirements"


def _fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in response.json()["errors"]]


def test_custom_fields_story(client, make_account, admin: Account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager", username="pat")
    definitions = [
        {
            "key": "tier",
            "label_en": "Customer tier",
            "label_zh": "客户等级",
            "kind": "single_select",
            "options": ["gold", "silver", "bronze"],
            "required": True,
            "types": ["feature"],
        },
        {"key": "target_date", "label_en": "Target date", "label_zh": "目标日期", "kind": "date"},
        {"key": "seats", "label_en": "Seats", "kind": "number"},
        {
            "key": "regions",
            "label_en": "Regions",
            "kind": "multi_select",
            "options": ["cn", "eu", "us"],
        },
        {"key": "sponsor", "label_en": "Sponsor", "kind": "user"},
        {"key": "note", "label_en": "Note", "kind": "text"},
    ]
    assert client.post(FIELDS, json=definitions[0], headers=pm.headers).status_code == 403
    for definition in definitions:
        response = client.post(FIELDS, json=definition, headers=admin.headers)
        assert response.status_code == 201, response.text
    duplicate = client.post(FIELDS, json=definitions[1], headers=admin.headers)
    assert duplicate.status_code == 409
    no_options = client.post(
        FIELDS, json={"key": "x", "label_en": "X", "kind": "single_select"}, headers=admin.headers
    )
    assert no_options.status_code == 422 and _fields(no_options) == ["options"]
    bad_key = client.post(
        FIELDS, json={"key": "Bad Key", "label_en": "X", "kind": "text"}, headers=admin.headers
    )
    assert bad_key.status_code == 422 and _fields(bad_key) == ["key"]

    # Every value is checked against its definition, all faults in one 422.
    bad = client.post(
        REQS,
        json={
            "title": "Bad values",
            "custom": {
                "target_date": "31/12/2026",
                "seats": "many",
                "regions": ["cn", "mars"],
                "sponsor": "nobody",
                "colour": "red",
            },
        },
        headers=pm.headers,
    )
    assert bad.status_code == 422
    assert sorted(_fields(bad)) == [
        "custom.colour",
        "custom.regions",
        "custom.seats",
        "custom.sponsor",
        "custom.target_date",
        "custom.tier",  # required for features
    ]

    def create(title: str, type_: str = "feature", **custom):  # type: ignore[no-untyped-def]
        response = client.post(
            REQS, json={"title": title, "type": type_, "custom": custom}, headers=pm.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    a = create(
        "A", tier="gold", target_date="2027-03-01", seats="120", regions=["eu", "cn"], sponsor="pat"
    )
    b = create("B", tier="silver", target_date="2026-12-01", seats=8.5, regions="us")
    c = create("C", "bug", seats=1000)  # tier applies to features only: not required here
    d = create("D", tier="gold")
    assert a["custom"] == {
        "tier": "gold",
        "target_date": "2027-03-01",
        "seats": 120,
        "regions": ["cn", "eu"],
        "sponsor": "pat",
    }
    assert b["custom"]["regions"] == ["us"] and b["custom"]["seats"] == 8.5
    wrong_type = client.post(
        REQS, json={"title": "E", "type": "bug", "custom": {"tier": "gold"}}, headers=pm.headers
    )
    assert wrong_type.status_code == 422 and _fields(wrong_type) == ["custom.tier"]

    def ids(query: str) -> list[int]:
        response = client.get(f"{REQS}?{query}", headers=pm.headers)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert ids("cf.tier=gold&sort=id") == [a["id"], d["id"]]
    assert ids("cf.regions=cn") == [a["id"]]
    assert ids("cf.regions=us&cf.tier=silver") == [b["id"]]
    assert ids("cf.seats=120") == [a["id"]]
    assert ids("cf.sponsor=pat") == [a["id"]]
    # Sorting: empty values last either way, ties by id; numbers sort as numbers.
    assert ids("sort=cf.target_date") == [b["id"], a["id"], c["id"], d["id"]]
    assert ids("sort=-cf.target_date") == [a["id"], b["id"], c["id"], d["id"]]
    assert ids("sort=cf.seats") == [b["id"], a["id"], c["id"], d["id"]]
    assert ids("sort=-cf.seats") == [c["id"], a["id"], b["id"], d["id"]]
    unknown = client.get(f"{REQS}?cf.colour=red", headers=pm.headers)
    assert unknown.status_code == 422 and _fields(unknown) == ["cf.colour"]

    # PATCH merges values; null removes one; a bad value changes nothing.
    url = f"{REQS}/{a['id']}"
    refused = client.patch(
        url, json={"version": a["version"], "custom": {"seats": "lots"}}, headers=pm.headers
    )
    assert refused.status_code == 422 and _fields(refused) == ["custom.seats"]
    patched = client.patch(
        url,
        json={"version": a["version"], "custom": {"sponsor": None, "note": "VIP"}},
        headers=pm.headers,
    ).json()
    assert patched["custom"] == {
        "tier": "gold",
        "target_date": "2027-03-01",
        "seats": 120,
        "regions": ["cn", "eu"],
        "note": "VIP",
    }
    missing = client.patch(
        url, json={"version": patched["version"], "custom": {"tier": None}}, headers=pm.headers
    )
    assert missing.status_code == 422 and _fields(missing) == ["custom.tier"]

    # Definitions change labels and options, never key or kind.
    listed = client.get(FIELDS, headers=pm.headers).json()
    tier = next(f for f in listed if f["key"] == "tier")
    renamed = client.patch(
        f"{FIELDS}/{tier['id']}",
        json={
            "version": tier["version"],
            "label_zh": "客户级别",
            "options": ["gold", "silver", "bronze", "platinum"],
        },
        headers=admin.headers,
    )
    assert renamed.status_code == 200 and renamed.json()["label_zh"] == "客户级别"
    assert create("P", tier="platinum")["custom"] == {"tier": "platinum"}
