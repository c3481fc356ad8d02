"""The export's JSON writer: rows encoded a column at a time read back as the rows they were."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from storage.records_export_rows import json_objects, object_template

COLUMNS = ("id", "summary", "people", "logged_by")
values = st.one_of(st.none(), st.integers(), st.text())


def encode(rows: list[tuple]) -> list[dict]:
    text = json_objects(object_template(COLUMNS), [False, False, True, False], rows)
    return json.loads("[" + text + "]")


def test_text_is_kept_exactly_and_json_columns_stay_json() -> None:
    rows = [
        (1, 'said "no", then\nleft \x00 \\ café ✓ <!channel>', '["Jane", "Sam"]', "U1"),
        (2, None, None, None),
        (3, "", "[]", "U2"),
    ]
    assert encode(rows) == [
        {"id": 1, "summary": rows[0][1], "people": ["Jane", "Sam"], "logged_by": "U1"},
        {"id": 2, "summary": None, "people": None, "logged_by": None},
        {"id": 3, "summary": "", "people": [], "logged_by": "U2"},
    ]


@given(
    st.lists(st.tuples(values, values, st.lists(st.text()).map(json.dumps), values), min_size=1, max_size=20)
)
def test_any_rows_read_back_as_they_were(rows: list[tuple]) -> None:
    assert encode(rows) == [
        {"id": a, "summary": b, "people": json.loads(c), "logged_by": d} for a, b, c, d in rows
    ]
