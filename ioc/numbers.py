"""Numbers typed as text in Vietnamese (and English) style: "84,63%", "1.672", "1.234,5" → float."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Spaces people (and Excel) put between thousands: space, no-break space, narrow/thin spaces.
_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_MINUSES = "\u2212\ufe63\uff0d"  # unicode minus, small and full-width hyphen-minus


class NumberParseError(ValueError):
    """A text that is not a number; `code` is stable, `args[0]` English, `reason_vi` Vietnamese."""

    def __init__(self, code: str, reason: str, reason_vi: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.reason_vi = reason_vi


def _normalise(text: str) -> str:
    """NFC, outer spaces stripped, unicode minus → '-'; inner spaces kept (they may be separators)."""
    s = unicodedata.normalize("NFC", text).strip(_SPACES + "\t\r\n")
    for m in _MINUSES:
        s = s.replace(m, "-")
    return s


def is_percent_text(text: str) -> bool:
    """True when the text ends with a percent sign ("84,63%", "84,63 %")."""
    return _normalise(text).endswith(("%", "\uff05"))


def parse_percent_text(text: str) -> bool:
    """Alias of `is_percent_text` (the name used in the common brief)."""
    return is_percent_text(text)


def _fail(code: str, text: str, en: str, vi: str) -> NumberParseError:
    return NumberParseError(code, f"'{text}' {en}", f"'{text}' {vi}")


def _grouped(int_part: str, sep: str) -> bool:
    """True when `int_part` is digits grouped by threes with `sep` ("1.234.567"), first group not 0-led."""
    groups = int_part.split(sep)
    return (
        1 <= len(groups[0]) <= 3
        and groups[0].isdigit()
        and not (groups[0].startswith("0"))
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )


def parse_number(text: str, *, decimal_comma: bool = True) -> float:
    """Parse a typed number; vi-VN (decimal_comma) by default; raise `NumberParseError` (a ValueError).

    vi-VN rules: "," is the decimal mark; "." separates thousands ("1.672" = 1672, "1.234,5"); a single "."
    followed by 1–2 or 4+ digits is read as a decimal point people typed ("84.63"). A trailing "%" is
    allowed (see `is_percent_text`). With decimal_comma=False the roles of "," and "." swap.
    """
    if not isinstance(text, str):
        raise NumberParseError("number-not-text", f"{text!r} is not text", f"{text!r} không phải chuỗi")
    shown = text.strip()
    s = _normalise(text)
    if s.endswith(("%", "\uff05")):
        s = s[:-1].rstrip(_SPACES)
    if not s:
        raise NumberParseError("number-empty", "empty cell: no number", "ô trống: không có số")
    if s.startswith("(") and s.endswith(")"):
        raise _fail(
            "number-parenthesised",
            shown,
            "is in parentheses (a footnote marker or an accounting negative?); type the number alone, "
            "with '-' for a negative",
            "nằm trong ngoặc (ký hiệu chú thích hoặc số âm kiểu kế toán?); chỉ nhập số, số âm dùng dấu '-'",
        )
    sign = 1.0
    if s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].lstrip(_SPACES)
    dec, thou = (",", ".") if decimal_comma else (".", ",")
    style_en = "Vietnamese style 1.234,5" if decimal_comma else "English style 1,234.5"
    style_vi = "kiểu Việt Nam 1.234,5" if decimal_comma else "kiểu tiếng Anh 1,234.5"
    if not s or not re.fullmatch(r"[0-9.,\s\u00a0\u202f\u2009\u2007]+", s):
        raise _fail("number-not-a-number", shown, "is not a number", "không phải là số")
    # thousands may also be separated by spaces: "1 234 567", "1 234,5"
    if any(c in s for c in _SPACES):
        head, _, tail = s.partition(dec)
        spaced = re.split(f"[{_SPACES}]", head)
        if thou in head or not _grouped(" ".join(spaced), " "):
            raise _fail(
                "number-bad-grouping",
                shown,
                "has spaces that are not thousands groups",
                "có khoảng trắng không phải phân cách hàng nghìn",
            )
        s = "".join(spaced) + (dec + tail if dec in s else "")
    if s.count(dec) > 1:
        raise _fail(
            "number-several-decimal-marks",
            shown,
            f"has more than one decimal mark '{dec}' (expected {style_en})",
            f"có nhiều hơn một dấu thập phân '{dec}' (cần {style_vi})",
        )
    int_part, has_dec, frac = s.partition(dec)
    if has_dec:
        if not frac.isdigit():
            raise _fail(
                "number-bad-decimals",
                shown,
                f"has no digits after the decimal mark or mixes marks (expected {style_en})",
                f"sai phần thập phân hoặc lẫn dấu phân cách (cần {style_vi})",
            )
        if thou in int_part and not _grouped(int_part, thou):
            raise _fail(
                "number-bad-grouping",
                shown,
                f"has '{thou}' that is not a thousands separator (expected {style_en})",
                f"có dấu '{thou}' không phải phân cách hàng nghìn (cần {style_vi})",
            )
        int_digits = int_part.replace(thou, "")
        if int_digits and not int_digits.isdigit():
            raise _fail("number-not-a-number", shown, "is not a number", "không phải là số")
        return sign * float(f"{int_digits or '0'}.{frac}")
    # no decimal mark of the expected kind
    n_thou = s.count(thou)
    if n_thou == 0:
        return sign * float(s)
    if n_thou == 1:
        head, tail = s.split(thou)
        if not head.isdigit() and head != "":
            raise _fail("number-not-a-number", shown, "is not a number", "không phải là số")
        if len(tail) == 3 and tail.isdigit():
            if _grouped(s, thou):
                return sign * float(head + tail)
            raise _fail(
                "number-ambiguous",
                shown,
                f"is ambiguous: '{thou}' followed by three digits is a thousands separator in "
                f"{style_en}, but '{head}' cannot start a grouped number; type it as "
                f"{head}{dec}{tail} or {int(head + tail)}",
                f"không rõ nghĩa: '{thou}' trước ba chữ số là phân cách hàng nghìn ({style_vi}) nhưng "
                f"'{head}' không thể đứng đầu; hãy nhập {head}{dec}{tail} hoặc {int(head + tail)}",
            )
        if tail.isdigit():
            # "84.63" in a vi-VN column: not a thousands group, so it can only be a typed decimal point
            return sign * float(f"{head or '0'}.{tail}")
        raise _fail(
            "number-bad-decimals",
            shown,
            f"has no digits after '{thou}' (expected {style_en})",
            f"thiếu chữ số sau '{thou}' (cần {style_vi})",
        )
    if _grouped(s, thou):
        return sign * float(s.replace(thou, ""))
    raise _fail(
        "number-bad-grouping",
        shown,
        f"has '{thou}' separators that are not groups of three digits (expected {style_en})",
        f"có dấu '{thou}' không chia đúng nhóm ba chữ số (cần {style_vi})",
    )


def try_parse_number(text: str | None, *, decimal_comma: bool = True) -> tuple[float | None, str | None]:
    """(value, None) or (None, English reason); None input gives (None, None)."""
    if text is None:
        return None, None
    try:
        return parse_number(text, decimal_comma=decimal_comma), None
    except NumberParseError as e:
        return None, e.reason


def _fast_value(s: pl.Expr, decimal_comma: bool) -> pl.Expr:
    """Polars: the value for the common shapes, null for anything the slow path must judge."""
    dec, thou = (",", r"\.") if decimal_comma else (r"\.", ",")
    plain = r"^[+-]?\d+$"
    with_dec = rf"^[+-]?\d+{dec}\d+$"
    grouped = rf"^[+-]?[1-9]\d{{0,2}}({thou}\d{{3}})+({dec}\d+)?$"
    typed_point = rf"^[+-]?\d+{thou}(\d{{1,2}}|\d{{4,}})$"  # "84.63" in a vi-VN column
    to_float = {
        "plain": s,
        "with_dec": s.str.replace(dec, "."),
        "grouped": s.str.replace_all(thou, "").str.replace(dec, "."),
        "typed_point": s.str.replace(thou, "."),
    }
    return (
        pl.when(s.str.contains(plain))
        .then(to_float["plain"])
        .when(s.str.contains(with_dec))
        .then(to_float["with_dec"])
        .when(s.str.contains(grouped))
        .then(to_float["grouped"])
        .when(s.str.contains(typed_point))
        .then(to_float["typed_point"])
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def parse_number_column(
    s: pl.Series, decimal_comma: bool = True, *, lang: str = "en"
) -> tuple[pl.Series, pl.Series]:
    """Parse a column of typed numbers: (Float64 values, String reasons — null where the cell is fine).

    Numeric columns pass through. Null and blank cells give a null value and a null reason (missing is
    not a parse failure; the caller decides whether it is allowed). Common shapes are parsed with Polars
    expressions; every other distinct text goes once through `parse_number` (the reference rules).
    `lang="vi"` gives the reasons in Vietnamese; `parse_number_column_both` gives both languages.
    """
    values, reasons_en, reasons_vi = parse_number_column_both(s, decimal_comma)
    return values, (reasons_vi if lang == "vi" else reasons_en)


def parse_number_column_both(
    s: pl.Series, decimal_comma: bool = True
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """`parse_number_column` with the reasons in both languages: (values, English reasons, Vietnamese reasons).

    A message shown in either language quotes its own reason: a Vietnamese page never says "is not a number".
    """
    name = s.name
    if s.dtype.is_numeric():
        none = pl.Series(name, [None] * len(s), dtype=pl.String)
        return s.cast(pl.Float64).alias(name), none, none.clone()
    text = s.cast(pl.String)
    frame = pl.DataFrame({"raw": text})
    norm = pl.col("raw").str.normalize("NFC").str.strip_chars(_SPACES + "\t\r\n")
    for m in _MINUSES:
        norm = norm.str.replace_all(m, "-", literal=True)
    frame = frame.with_columns(norm.alias("stripped")).with_columns(
        # a trailing percent sign does not change the number (is_percent_text reports it)
        pl.col("stripped").str.replace(r"[%\uff05]$", "").str.strip_chars(_SPACES).alias("norm")
    )
    frame = frame.with_columns(_fast_value(pl.col("norm"), decimal_comma).alias("value"))
    slow = frame.filter(pl.col("value").is_null() & (pl.col("stripped").str.len_chars() > 0))
    if slow.height:
        looked_up = []
        for raw in slow.get_column("raw").unique().to_list():
            try:
                looked_up.append((raw, parse_number(raw, decimal_comma=decimal_comma), None, None))
            except NumberParseError as e:
                looked_up.append((raw, None, e.reason, e.reason_vi))
        table = pl.DataFrame(
            looked_up,
            schema={"raw": pl.String, "slow_value": pl.Float64, "reason": pl.String, "reason_vi": pl.String},
            orient="row",
        )
        frame = frame.join(table, on="raw", how="left", maintain_order="left").with_columns(
            pl.coalesce("value", "slow_value").alias("value")
        )
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ("reason", "reason_vi"))
    return (
        frame.get_column("value").alias(name),
        frame.get_column("reason").alias(name),
        frame.get_column("reason_vi").alias(name),
    )


# A count typed with one kind of separator between groups of three digits ("1,234", "1.234.567"): whatever the
# file's decimal mark, a count cannot be 1.234, so the separator is a thousands separator.
_COUNT_GROUPED = r"^[+-]?\d{1,3}(?:,\d{3})+$|^[+-]?\d{1,3}(?:\.\d{3})+$"


def count_values(text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """The value of a count cell: "1,234" and "1.234" read as 1234 (unambiguous thousands); else `value`."""
    stripped = text.str.strip_chars()
    grouped = stripped.str.contains(_COUNT_GROUPED)
    return (
        pl.when(grouped.fill_null(False))
        .then(stripped.str.replace_all(r"[.,]", "").cast(pl.Float64, strict=False))
        .otherwise(value)
    )


def is_fraction(value: pl.Expr) -> pl.Expr:
    """True where a number has a fractional part (a count of 2.5 dossiers is a typing error)."""
    return value.is_not_null() & value.is_finite() & (value != value.floor())
