"""What the Upload page's issue table shows a department head: order, blanks and the number of problems."""

from __future__ import annotations

from ioc.issues import Issue, IssueCap
from ioc.upload_view import issue_count, issue_rows


def _bad(row: int) -> Issue:
    return Issue(
        code="bad-number",
        message=f"'x' is not a number (row {row})",
        message_vi=f"'x' không phải là số (dòng {row})",
        sheet="Nhập liệu",
        row=row,
        column="G",
        value="x",
    )


def _capped(n: int, limit: int = 3) -> list[Issue]:
    cap = IssueCap(limit)
    for r in range(6, 6 + n):
        cap.add(_bad(r))
    return cap.issues()


def test_the_summary_of_a_capped_code_closes_the_table_and_empty_cells_are_blank() -> None:
    rows = issue_rows(_capped(10), "vi")
    assert rows["row"].to_list()[:3] == [6, 7, 8]  # the cells first, in sheet order
    assert rows["row"].to_list()[-1] is None  # "… và 7 lỗi tương tự" last, not first
    assert "7" in rows["message"][-1]
    for column in ("column", "value"):
        assert rows[column][-1] == ""  # blank, never the table's "None"
    assert None not in rows.select(c for c in rows.columns if rows[c].dtype == rows["message"].dtype).row(-1)


def test_the_number_of_problems_counts_what_a_summary_stands_for() -> None:
    issues = _capped(10)
    assert len(issues) == 4  # three listed and one summary
    assert issue_count(issues) == 10
    assert issue_count([_bad(6)]) == 1
