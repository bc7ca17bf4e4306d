"""The tidy observation frame every data source returns and the store keeps."""

from __future__ import annotations

import polars as pl

# One row = one value of one indicator for one unit and one period, with where it came from.
# `unit_code` is a commune code (5 digits), a department id, or the province code.
# `period` is "2025-08" (month), "2025-Q3" (quarter) or "2025" (year).
# `value` is in the indicator's unit (percent as 0–100). `numerator`/`denominator` are set when known
# (ratio roll-ups need them). `row` is the row number as Excel (or a text editor, for CSV) shows it;
# `column` the Excel letter or the CSV header.
OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "unit_code": pl.String(),
    "period": pl.String(),
    "value": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "source_file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
}

# What the store adds when it reads observations back.
STORED_SCHEMA: dict[str, pl.DataType] = {
    **OBSERVATION_SCHEMA,
    "submission_id": pl.Int64(),
    "accepted_at": pl.Datetime("us"),
}


def empty_observations() -> pl.DataFrame:
    """An observation frame with no rows and the right columns."""
    return pl.DataFrame(schema=OBSERVATION_SCHEMA)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Add missing optional columns as nulls, cast to the schema and order the columns."""
    missing = [c for c in OBSERVATION_SCHEMA if c not in df.columns]
    df = df.with_columns(pl.lit(None).alias(c) for c in missing)
    return df.select(pl.col(c).cast(t) for c, t in OBSERVATION_SCHEMA.items())
