"""Vietnamese text normalisation: NFC, and the canonical matching key for unit names (Python and Polars)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Zero-width characters survive copy-paste from web pages and PDFs and make equal names unequal.
_ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff]"
# Any dash between words ("Văn Miếu – Quốc Tử Giám", "Văn Miếu-Quốc Tử Giám") becomes " - ".
_DASH = r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*"
# Typographic apostrophes in ethnic-minority names ("Cư M’gar" vs "Cư M'gar" in official lists).
_APOSTROPHE = "[\u2019\u2018\u02bc\u00b4\u0060\u2032]"

# Old-style → new-style tone placement for the open syllables oa/oe/uy ("hoà" → "hòa", "thuỷ" → "thủy").
# Only at the end of a word: in "hoàng", "toàn", "huỳnh" the mark sits on the same letter in both styles.
# "quý" is excluded: after "q" the "u" is part of the consonant, so "ý" is already right.
_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}


def _with_tone(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


# (Polars regex, old spelling, new spelling), written once for both keys. The Rust regex engine behind
# Polars has no look-around, so the "not after q" guard is a captured group that the replacement puts back.
TONE_RULES: list[tuple[str, str, str]] = []
for _mark in _TONES:
    for _first, _second, _guard in (("o", "a", ""), ("o", "e", ""), ("u", "y", "q")):
        _old = _first + _with_tone(_second, _mark)
        _new = _with_tone(_first, _mark) + _second
        if _guard:
            TONE_RULES.append((rf"(^|[^{_guard}]){_old}\b", _old, _new))
        else:
            TONE_RULES.append((rf"(^|.){_old}\b", _old, _new))
    del _first, _second, _guard
del _mark

# Unit-type prefixes: canonical type for each spelling (matched on the casefolded text).
TYPE_PREFIXES: dict[str, str] = {
    "xã": "xã",
    "phường": "phường",
    "đặc khu": "đặc khu",
    "thị trấn": "thị trấn",
    "tt": "thị trấn",
    "tt.": "thị trấn",
    "p.": "phường",
    "x.": "xã",
}
# A word prefix needs whitespace after it; an abbreviation with a dot may be glued ("P.Tân Hòa").
# "số" right after a prefix and before a digit is dropped ("Phường số 3" = "Phường 3").
# At least one character must follow, so a name that is only "Xã" keeps it.
PREFIX_PATTERN = r"^(xã|phường|đặc khu|thị trấn|tt)\s+(?:số\s+(\d)|(\S))|^(tt|p|x)\.\s*(?:số\s+(\d)|(\S))"
_PREFIX_RE = re.compile(PREFIX_PATTERN)


def nfc(s: str) -> str:
    """The NFC form of `s` (decomposed input from Windows-1258 or some IMEs becomes precomposed)."""
    return unicodedata.normalize("NFC", s)


def clean_text(s: str) -> str:
    """NFC, zero-width characters removed, whitespace collapsed and stripped; case kept (for display)."""
    s = re.sub(_ZERO_WIDTH, "", nfc(s))
    return re.sub(r"\s+", " ", s).strip()


def _fold_case_and_space(s: str) -> str:
    s = re.sub(_ZERO_WIDTH, "", nfc(s)).casefold()
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(_APOSTROPHE, "'", s)
    return re.sub(_DASH, " - ", s)


# The same rules as one Python regex (Python has look-behind): one pass instead of fifteen.
_TONE_MAP = {old: new for _p, old, new in TONE_RULES}
_TONE_RE = re.compile(
    "(?:" + "|".join(f"(?<!q){old}" if old.startswith("u") else old for old in _TONE_MAP) + r")\b"
)


def unify_tones(s: str) -> str:
    """Move old-style tone marks to the new-style letter for oa/oe/uy ("hoà" → "hòa"); expects lower case."""
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(0)], s)


def _strip_prefix(key: str) -> tuple[str | None, str]:
    m = _PREFIX_RE.match(key)
    if not m:
        return None, key
    word = m.group(1) or (m.group(4) + ".")
    kept = m.group(2) or m.group(3) or m.group(5) or m.group(6)
    return TYPE_PREFIXES[word], kept + key[m.end() :]


def split_type(name: str) -> tuple[str | None, str]:
    """Split a leading unit type off a name: "Xã Tân Hòa" → ("xã", "Tân Hòa"); the rest keeps its case."""
    text = clean_text(name)
    folded = text.casefold()
    unit_type, rest = _strip_prefix(folded)
    if unit_type is None:
        return None, text
    # casefold keeps the length of Vietnamese text, so the tail can be cut from the cased string
    return unit_type, text[len(text) - len(rest) :] if len(folded) == len(text) else rest


def canonical_key(name: str) -> str:
    """The matching key of a unit name: NFC, casefold, spaces, tone placement unified, type prefix dropped.

    Never folds to ASCII: "Sơn Hà" and "Sơn Hạ" keep different keys.
    """
    return _strip_prefix(unify_tones(_fold_case_and_space(name)))[1]


def full_key(name: str) -> str:
    """Like `canonical_key` but keeps the type prefix (for names that are not communes)."""
    return unify_tones(_fold_case_and_space(name))


def ascii_fold(s: str) -> str:
    """Strip diacritics ("Sơn Hạ" → "Son Ha"): ONLY for ranking suggestions, never for matching."""
    decomposed = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The unit-type prefixes as typed without diacritics ("Xa Tan Hoa", "Phuong 3", "P.Tan Hoa").
_ASCII_PREFIXES: dict[str, str] = {
    "xa": "xã",
    "phuong": "phường",
    "dac khu": "đặc khu",
    "thi tran": "thị trấn",
    "tt": "thị trấn",
    "tt.": "thị trấn",
    "p.": "phường",
    "x.": "xã",
}
_ASCII_PREFIX_RE = re.compile(
    r"^(xa|phuong|dac khu|thi tran|tt)\s+(?:so\s+(\d)|(\S))|^(tt|p|x)\.\s*(?:so\s+(\d)|(\S))"
)


def is_unaccented(text: str) -> bool:
    """True when `text` has no Vietnamese diacritics at all ("Tan Hoa"; not "Tân Hoa", not "Đông")."""
    text = nfc(text)
    return ascii_fold(text) == text


def unaccented_key(name: str) -> tuple[str | None, str]:
    """(unit type, key) of a name compared without diacritics: "Xa Tan Hoa" and "Xã Tân Hòa" → ("xã", "tan hoa").

    For names typed without diacritics only: folding makes different names equal ("Sơn Hà" / "Sơn Hạ"),
    so a folded match is accepted only when exactly one unit has it.
    """
    key = ascii_fold(full_key(name))
    m = _ASCII_PREFIX_RE.match(key)
    if not m:
        return None, key
    word = m.group(1) or (m.group(4) + ".")
    kept = m.group(2) or m.group(3) or m.group(5) or m.group(6)
    return _ASCII_PREFIXES[word], kept + key[m.end() :]


def nfc_expr(expr: pl.Expr) -> pl.Expr:
    """Polars: NFC, zero-width characters removed, whitespace collapsed and stripped (case kept)."""
    return (
        expr.str.normalize("NFC")
        .str.replace_all(_ZERO_WIDTH, "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def full_key_expr(expr: pl.Expr) -> pl.Expr:
    """Polars version of `full_key` (no map_elements)."""
    out = (
        expr.str.normalize("NFC")
        .str.replace_all(_ZERO_WIDTH, "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.replace_all(_APOSTROPHE, "'")
        .str.replace_all(_DASH, " - ")
    )
    for pattern, _old, new in TONE_RULES:
        out = out.str.replace_all(pattern, "${1}" + new)
    return out


def canonical_key_expr(expr: pl.Expr) -> pl.Expr:
    """Polars version of `canonical_key` (no map_elements); equal to it on Vietnamese names."""
    return full_key_expr(expr).str.replace(PREFIX_PATTERN, "${2}${3}${5}${6}")


def type_expr(expr: pl.Expr) -> pl.Expr:
    """Polars: the canonical unit type named by a leading prefix, or null."""
    key = full_key_expr(expr)
    word = pl.coalesce(
        key.str.extract(r"^(xã|phường|đặc khu|thị trấn|tt)\s+\S", 1),
        key.str.extract(r"^(tt|p|x)\.\s*\S", 1) + ".",
    )
    return word.replace_strict(TYPE_PREFIXES, default=None, return_dtype=pl.String)
