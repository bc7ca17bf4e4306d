"""Units registry: canonical keys, resolution by code/id/name/alias, and registry file errors with rows."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from ioc.issues import IssueError, Severity
from ioc.targets import Level, Province, RegistryFiles, Text
from ioc.textnorm import (
    ascii_fold,
    canonical_key,
    canonical_key_expr,
    clean_text,
    full_key,
    is_unaccented,
    nfc,
    split_type,
    type_expr,
    unaccented_key,
)
from ioc.units import UnitRegistry, commune_code_expr, load_registry, pad_code

PROVINCE = Province(code="99", name=Text(vi="Tỉnh Mẫu (dữ liệu demo)", en="Demo Province (demo data)"))


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# ---- canonical key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tân Hòa", "tân hòa"),
        ("Tân Hoà", "tân hòa"),  # old-style tone placement
        ("TÂN HOÀ", "tân hòa"),
        ("Xã Tân Hòa", "tân hòa"),
        ("xã  Tân   Hòa ", "tân hòa"),
        ("Phường Yên Hoà", "yên hòa"),
        ("Đặc khu Phú Quốc", "phú quốc"),
        ("Thị trấn Văn Giang", "văn giang"),
        ("TT. Văn Giang", "văn giang"),
        ("tt Văn Giang", "văn giang"),
        ("P.Tân Hòa", "tân hòa"),
        ("X. Tân Hòa", "tân hòa"),
        ("Phường số 3", "3"),
        ("Phường 3", "3"),
        ("Thuỷ Nguyên", "thủy nguyên"),
        ("Xã Khoẻ", "khỏe"),
        ("Hoàng Hoa Thám", "hoàng hoa thám"),  # the mark stays on 'a' before a final consonant
        ("Huỳnh", "huỳnh"),
        ("Quý Lộc", "quý lộc"),  # 'qu' + 'ý' is already right in both styles
        ("Hoá", "hóa"),
        ("Hoạ", "họa"),
        ("Xã", "xã"),  # a bare type word is kept, not stripped to nothing
        ("Văn Miếu–Quốc Tử Giám", "văn miếu - quốc tử giám"),
        ("Văn Miếu - Quốc Tử Giám", "văn miếu - quốc tử giám"),
        ("Tân\u200bHòa", "tânhòa"),  # zero-width space removed
        ("Tân\u00a0Hòa", "tân hòa"),
    ],
)
def test_canonical_key(name: str, key: str) -> None:
    assert canonical_key(name) == key
    assert canonical_key(nfd(name)) == key


def test_key_never_folds_to_ascii() -> None:
    assert canonical_key("Sơn Hà") != canonical_key("Sơn Hạ")
    assert canonical_key("Son Ha") != canonical_key("Sơn Hà")
    assert canonical_key("Ba Tô") != canonical_key("Ba Tơ")
    assert ascii_fold("Xã Đồng Hòa") == "Xa Dong Hoa"  # only for ranking suggestions


def test_nfc_and_clean_text() -> None:
    decomposed = nfd("Lạc Đạo")
    assert decomposed != "Lạc Đạo"
    assert nfc(decomposed) == "Lạc Đạo"
    assert clean_text("  Xã   Lạc\tĐạo ") == "Xã Lạc Đạo"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xã Tân Hòa", ("xã", "Tân Hòa")),
        ("PHƯỜNG Yên Hoà", ("phường", "Yên Hoà")),
        ("Đặc khu  Côn Đảo", ("đặc khu", "Côn Đảo")),
        ("TT. Văn Giang", ("thị trấn", "Văn Giang")),
        ("p.Tân Hòa", ("phường", "Tân Hòa")),
        ("Tân Hòa", (None, "Tân Hòa")),
        ("Xã", (None, "Xã")),
        ("Phường số 3", ("phường", "3")),
    ],
)
def test_split_type(name: str, expected: tuple[str | None, str]) -> None:
    assert split_type(name) == expected
    assert split_type(nfd(name)) == expected


def _name_corpus() -> list[str]:
    """Many spellings: real-looking names with every prefix, case, spacing, NFD and tone style."""
    bases = [
        "Tân Hòa",
        "Tân Hoà",
        "Yên Hoà",
        "Hoà Lạc",
        "Thuỷ Nguyên",
        "Quý Lộc",
        "Huỳnh Thúc Kháng",
        "Hoàng Văn Thụ",
        "Sơn Hà",
        "Sơn Hạ",
        "Ba Tơ",
        "Cẩm Giàng",
        "Khoẻ",
        "Toàn Thắng",
        "Đoàn Kết",
        "Thạnh An",
        "Văn Miếu – Quốc Tử Giám",
        "Thuý Lĩnh",
        "Nghĩa Trụ",
        "Phố Hiến",
        "Lạc Đạo",
        "3",
        "Hoè Nhai",
        "Xoè",
        "Khuỷu",
        "Uý",
        "Oà",
        "Quỳnh Côi",
        "Thủy",
        "Lụy",
    ]
    prefixes = [
        "",
        "Xã ",
        "xã ",
        "Phường ",
        "PHƯỜNG ",
        "Đặc khu ",
        "Thị trấn ",
        "TT. ",
        "tt ",
        "P.",
        "X. ",
        "Phường số ",
    ]
    rng = random.Random(7)
    out = []
    for b in bases:
        for p in prefixes:
            name = p + b
            out += [name, name.upper(), "  " + name.replace(" ", "  ") + " ", nfd(name)]
    rng.shuffle(out)
    return out


def test_polars_key_equals_python_key() -> None:
    names = _name_corpus()
    frame = pl.DataFrame({"name": names}).with_columns(
        canonical_key_expr(pl.col("name")).alias("key"),
        type_expr(pl.col("name")).alias("type"),
    )
    assert frame.get_column("key").to_list() == [canonical_key(n) for n in names]
    assert frame.get_column("type").to_list() == [split_type(n)[0] for n in names]


def test_full_key_keeps_prefix() -> None:
    assert full_key("Xã Tân Hoà") == "xã tân hòa"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1234, "01234"),
        ("1234", "01234"),
        ("01234", "01234"),
        (90012, "90012"),
        (1234.0, "01234"),
        ("1234.0", "01234"),
        ("123456", None),
        ("12a45", None),
        (None, None),
        ("", None),
        (12.5, None),
    ],
)
def test_pad_code(value: object, code: str | None) -> None:
    assert pad_code(value) == code


# ---- a small registry --------------------------------------------------------------------------------


def departments_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["vp_ubnd", "so_y_te", "so_tai_chinh", "so_gd_dt"],
            "name_vi": ["Văn phòng UBND tỉnh", "Sở Y tế", "Sở Tài chính", "Sở Giáo dục và Đào tạo"],
            "name_en": [
                "Office of the Provincial People's Committee",
                "Department of Health",
                "Department of Finance",
                "Department of Education and Training",
            ],
            "short": ["VP UBND", "SYT", None, "Sở GD&ĐT"],
            "aliases": ["", "Ngành Y tế|Y tế", None, "Sở Giáo dục"],
        }
    )


def communes_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": ["90012", "90047", "90003", "90004", "01234", "90050", "90051"],
            "name": ["Tân Hòa", "Tân Hoà", "Sơn Hà", "Sơn Hạ", "Yên Hoà", "Côn Đảo", "Văn Giang"],
            "type": ["xã", "phường", "xã", "xã", "phường", "đặc khu", "xã"],
            "aliases": ["", "", "", "", "Yên Hòa A|Phường Yên Hòa cũ", "", "Thị trấn Văn Giang"],
            "lat": [20.5, None, 15.0, 15.1, None, 8.68, None],
            "lon": [106.0, None, 108.6, 108.7, None, 106.6, None],
        }
    )


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    crosswalk = pl.DataFrame(
        {
            "former_code": ["12001", "12002", "12002", "12003"],
            "former_name": ["Thị trấn Văn Giang", "Xã Liên Nghĩa", "Xã Liên Nghĩa", "Xã Tân Tiến"],
            "former_type": ["thị trấn", "xã", "xã", "xã"],
            "code": ["90051", "90012", "90003", "90004"],
            "weight": ["1", "0.6", "0.4", "1"],
            "valid_until": ["2025-06-30"] * 4,
        }
    )
    return UnitRegistry.from_frames(
        PROVINCE.code, PROVINCE.name, departments_frame(), communes_frame(), crosswalk=crosswalk
    )


def test_frames_shape(registry: UnitRegistry) -> None:
    c = registry.communes
    assert c.get_column("code").dtype == pl.String
    assert {"code", "name", "type", "display_name", "aliases", "lat", "lon", "key"} <= set(c.columns)
    row = c.filter(pl.col("code") == "90047").row(0, named=True)
    assert row["display_name"] == "Phường Tân Hoà"  # the official spelling is displayed, not the key
    assert row["key"] == "tân hòa"
    assert c.filter(pl.col("code") == "01234").get_column("aliases").to_list() == [
        ["Yên Hòa A", "Phường Yên Hòa cũ"]
    ]
    assert c.filter(pl.col("code") == "90050").get_column("display_name").item() == "Đặc khu Côn Đảo"
    d = registry.departments
    assert d.columns == ["id", "name_vi", "name_en", "short", "aliases"]
    assert d.filter(pl.col("id") == "so_y_te").get_column("aliases").item().to_list() == [
        "Ngành Y tế",
        "Y tế",
    ]
    assert registry.province_code == "99"


def test_level_and_names(registry: UnitRegistry) -> None:
    assert registry.level_of("99") == Level.PROVINCE
    assert registry.level_of("so_y_te") == Level.DEPARTMENT
    assert registry.level_of("90012") == Level.COMMUNE
    assert registry.level_of("12345") is None
    assert registry.name_of("90012", "vi") == "Xã Tân Hòa"
    assert registry.name_of("90012", "en") == "Tân Hòa Commune"
    assert registry.name_of("90047", "en") == "Tân Hoà Ward"
    assert registry.name_of("so_y_te", "en") == "Department of Health"
    assert registry.name_of("99", "vi") == "Tỉnh Mẫu (dữ liệu demo)"
    assert registry.name_of("nope") is None


def test_units_frame(registry: UnitRegistry) -> None:
    u = registry.units_frame()
    assert u.columns == ["unit_code", "level", "name_vi", "name_en"]
    assert u.height == 1 + 4 + 7
    assert u.row(0) == ("99", "province", "Tỉnh Mẫu (dữ liệu demo)", "Demo Province (demo data)")
    assert u.filter(pl.col("level") == "commune").height == 7
    assert u.filter(pl.col("unit_code") == "90050").get_column("name_vi").item() == "Đặc khu Côn Đảo"


@pytest.mark.parametrize(
    ("text", "code", "via"),
    [
        ("90012", "90012", "code"),
        (" 90012 ", "90012", "code"),
        ("1234", "01234", "code"),  # leading zero lost in Excel
        ("01234", "01234", "code"),
        ("so_y_te", "so_y_te", "id"),
        ("SO_Y_TE", "so_y_te", "id"),
        ("99", "99", "code"),
        ("Xã Tân Hòa", "90012", "name"),
        ("xã tân hoà", "90012", "name"),
        ("XÃ TÂN HOÀ", "90012", "name"),
        ("Phường Tân Hòa", "90047", "name"),
        ("P. Tân Hòa", "90047", "name"),
        ("Sơn Hà", "90003", "name"),
        ("Sơn Hạ", "90004", "name"),
        ("Xã Sơn Hạ", "90004", "name"),
        ("Yên Hòa", "01234", "name"),
        ("Phường  Yên Hoà", "01234", "name"),
        ("Yên Hòa A", "01234", "alias"),
        ("Phường Yên Hòa cũ", "01234", "alias"),
        ("Thị trấn Văn Giang", "90051", "alias"),  # alias keeps its own former type …
        ("Xã Văn Giang", "90051", "name"),  # … and the current one
        ("Côn Đảo", "90050", "name"),
        ("Đặc khu Côn Đảo", "90050", "name"),
        ("Sở Y tế", "so_y_te", "name"),
        ("sở y tế", "so_y_te", "name"),
        ("Department of Health", "so_y_te", "name"),
        ("SYT", "so_y_te", "short"),
        ("Ngành Y tế", "so_y_te", "alias"),
        ("Sở GD&ĐT", "so_gd_dt", "short"),
        ("Tỉnh Mẫu (dữ liệu demo)", "99", "name"),
    ],
)
def test_resolve(registry: UnitRegistry, text: str, code: str, via: str) -> None:
    for spelling in (text, nfd(text)):
        res = registry.resolve(spelling)
        assert res.code == code, res.reason
        assert res.matched_by == via
        assert res.candidates == [code]
        assert res.reason == ""
        assert res.level == registry.level_of(code)


def test_a_name_without_diacritics_shared_by_two_units_lists_both(registry: UnitRegistry) -> None:
    res = registry.resolve("Son Ha")  # Sơn Hà and Sơn Hạ fold to the same letters
    assert res.code is None
    assert res.candidates == ["90003", "90004"]
    assert (
        "ambiguous: 'Son Ha' matches Xã Sơn Hà (90003) and Xã Sơn Hạ (90004) without diacritics" in res.reason
    )
    assert "with its diacritics" in res.reason
    assert "khi bỏ dấu" in res.reason_vi and "tên có dấu" in res.reason_vi


def folding_registry() -> UnitRegistry:
    communes = pl.DataFrame(
        {
            "code": ["91001", "91002", "91003", "91004", "91005", "91006"],
            "name": ["Tân Hòa", "Tân An", "Tấn An", "Đồng Hới", "Phú Lợi", "Xà Phìn"],
            "type": ["xã", "xã", "phường", "phường", "xã", "xã"],
            "aliases": ["", "", "", "", "Phú Lợi Cũ", ""],
        }
    )
    return UnitRegistry.from_frames(PROVINCE.code, PROVINCE.name, departments_frame(), communes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tan Hoa", "91001"),
        ("tan hoa", "91001"),
        ("Xa Tan Hoa", "91001"),
        ("XA  TAN HOA", "91001"),
        ("Dong Hoi", "91004"),  # "đ" folds to "d"
        ("Phuong Dong Hoi", "91004"),
        ("P.Dong Hoi", "91004"),
        ("Phu Loi Cu", "91005"),  # an alias, without diacritics
        ("Xa Phin", "91006"),  # a name that begins with "Xa" itself
        ("Xa Xa Phin", "91006"),
        ("Phuong Tan An", "91003"),  # the typed unit type decides between the two An
    ],
)
def test_a_name_without_diacritics_that_folds_to_one_unit_resolves(text: str, code: str) -> None:
    res = folding_registry().resolve(text)
    assert (res.code, res.matched_by, res.reason) == (code, "unaccented", "")


def test_a_name_without_diacritics_matching_two_units_is_an_error_listing_them() -> None:
    res = folding_registry().resolve("Tan An")
    assert res.code is None and res.candidates == ["91002", "91003"]
    assert "Xã Tân An (91002) and Phường Tấn An (91003) without diacritics" in res.reason


@pytest.mark.parametrize(
    "text",
    [
        "Tân Hoa",  # some diacritics typed, one missing: not folded, only suggested
        "Phuong Tan Hoa",  # the typed type disagrees with the one unit of that name
        "Tan Hoa Moi",
    ],
)
def test_folding_applies_only_to_names_typed_without_any_diacritics(text: str) -> None:
    res = folding_registry().resolve(text)
    assert res.code is None and res.candidates == []
    assert res.reason.startswith("unknown unit")


def test_folding_never_reaches_departments_or_other_levels() -> None:
    reg = folding_registry()
    assert reg.resolve("So Y te").code is None
    assert reg.resolve("Tan Hoa", levels=[Level.DEPARTMENT]).code is None


def test_unaccented_key() -> None:
    assert unaccented_key("Xã Tân Hòa") == ("xã", "tan hoa")
    assert unaccented_key("XA TAN HOA") == ("xã", "tan hoa")
    assert unaccented_key("Đồng  Hới") == (None, "dong hoi")
    assert unaccented_key("P.Dong Hoi") == ("phường", "dong hoi")
    assert is_unaccented("Tan Hoa") and not is_unaccented("Tân Hoa") and not is_unaccented("Dong Hoi đ")


def test_near_miss_suggests_but_never_accepts(registry: UnitRegistry) -> None:
    res = registry.resolve("Xã Tân Hoa")  # missing tone mark
    assert res.code is None
    assert "90012" in res.suggestions
    assert registry.resolve("Sở Y te").code is None


def test_ambiguous_name_lists_candidates(registry: UnitRegistry) -> None:
    res = registry.resolve("Tân Hòa")
    assert res.code is None
    assert res.candidates == ["90012", "90047"]
    assert res.reason.startswith("ambiguous: 'Tân Hòa' matches Xã Tân Hòa (90012) and Phường Tân Hoà (90047)")
    assert res.reason_vi.startswith(
        "không rõ: 'Tân Hòa' khớp với Xã Tân Hòa (90012) và Phường Tân Hoà (90047)"
    )


def test_type_prefix_must_agree(registry: UnitRegistry) -> None:
    assert registry.resolve("Phường Sơn Hà").code is None
    assert registry.resolve("Đặc khu Tân Hòa").code is None
    assert registry.resolve("Thị trấn Tân Hòa").code is None


def test_levels_restrict(registry: UnitRegistry) -> None:
    assert registry.resolve("so_y_te", levels=[Level.COMMUNE]).code is None
    assert registry.resolve("90012", levels=["department"]).code is None
    assert registry.resolve("99", levels=[Level.COMMUNE]).code is None  # not padded into a commune code
    assert registry.resolve("Sở Y tế", levels=[Level.DEPARTMENT]).code == "so_y_te"
    assert registry.resolve("Xã Tân Hòa", levels=Level.COMMUNE).code == "90012"


def test_empty_text(registry: UnitRegistry) -> None:
    res = registry.resolve("  ")
    assert res.code is None and res.reason == "no unit given"


def test_resolve_many(registry: UnitRegistry) -> None:
    texts = pl.Series("unit", ["Xã Tân Hòa", "Tân Hòa", "1234", None, "Son Ha", "Xã Tân Hòa", nfd("Sơn Hạ")])
    out = registry.resolve_many(texts)
    assert out.columns[:2] == ["text", "code"]
    assert {"n_candidates", "candidates", "suggestions", "reason", "reason_vi"} <= set(out.columns)
    assert out.height == 5  # distinct non-null texts
    by_text = {r["text"]: r for r in out.iter_rows(named=True)}
    assert by_text["Xã Tân Hòa"]["code"] == "90012" and by_text["Xã Tân Hòa"]["reason"] is None
    assert by_text["Tân Hòa"]["code"] is None and by_text["Tân Hòa"]["n_candidates"] == 2
    assert by_text["Tân Hòa"]["candidates"] == ["90012", "90047"]
    assert by_text["1234"]["code"] == "01234"
    assert by_text["Son Ha"]["n_candidates"] == 2 and by_text["Son Ha"]["reason"].startswith("ambiguous")
    assert by_text[nfd("Sơn Hạ")]["code"] == "90004"
    # the frame joins back onto the original column
    joined = pl.DataFrame({"unit": texts}).join(out, left_on="unit", right_on="text", how="left")
    assert joined.get_column("code").to_list() == ["90012", None, "01234", None, None, "90012", "90004"]


def test_former_units(registry: UnitRegistry) -> None:
    f = registry.former_units()
    assert f.height == 4
    assert f.get_column("valid_until").dtype == pl.Date
    res = registry.resolve_former("Xã Liên Nghĩa")
    assert res.code == "12002" and res.matched_by == "former"
    assert registry.crosswalk_for("12002").rows() == [("90003", 0.4), ("90012", 0.6)]
    assert registry.resolve_former("12001").code == "12001"
    assert registry.resolve_former("Phường Liên Nghĩa").code is None  # type disagrees
    assert registry.resolve_former("Nowhere").code is None
    # an unknown current name that is a former unit says where it went
    res = registry.resolve("Xã Tân Tiến")
    assert res.code is None
    assert "former unit" in res.reason and "Xã Sơn Hạ (90004)" in res.reason
    assert "đơn vị cũ" in res.reason_vi


# ---- validation in from_frames ---------------------------------------------------------------------------


def test_from_frames_pads_numeric_codes() -> None:
    communes = communes_frame().with_columns(pl.col("code").cast(pl.Int64))
    reg = UnitRegistry.from_frames("99", PROVINCE.name, departments_frame(), communes)
    assert "01234" in reg.communes.get_column("code").to_list()
    assert reg.resolve("01234").code == "01234"


def test_from_frames_collects_every_error() -> None:
    communes = pl.DataFrame(
        {
            "code": ["90001", "90001", "9000A", "90004", "90005"],
            "name": ["A", "B", "C", "D", ""],
            "type": ["xã", "xã", "xã", "thị trấn", "phường"],
            "aliases": [None] * 5,
            "lat": [None, None, None, 40.0, None],
            "lon": [None, None, None, 106.0, None],
        }
    )
    depts = pl.DataFrame(
        {
            "id": ["so_y_te", "so_y_te", "Bad Id"],
            "name_vi": ["Sở Y tế"] * 3,
            "name_en": ["Health"] * 3,
            "short": [None] * 3,
            "aliases": [None] * 3,
        }
    )
    with pytest.raises(IssueError) as info:
        UnitRegistry.from_frames("99", PROVINCE.name, depts, communes)
    got = {(i.code, i.row) for i in info.value.issues}
    assert ("registry-duplicate-code", 3) in got
    assert ("registry-bad-code", 4) in got
    assert ("registry-bad-type", 5) in got
    assert ("registry-bad-coordinates", 5) in got
    assert ("registry-missing-name", 6) in got
    assert ("registry-duplicate-department", 3) in got
    assert ("registry-bad-department-id", 4) in got


def test_duplicate_same_type_name_is_a_warning() -> None:
    communes = pl.DataFrame(
        {
            "code": ["90001", "90002"],
            "name": ["Tân Hòa", "Tân Hoà"],
            "type": ["xã", "xã"],
            "aliases": [None, None],
        }
    )
    reg = UnitRegistry.from_frames("99", PROVINCE.name, departments_frame(), communes)
    warnings = [i for i in reg.issues if i.code == "registry-duplicate-name"]
    assert len(warnings) == 1 and warnings[0].severity == Severity.WARNING
    assert reg.resolve("Xã Tân Hòa").candidates == ["90001", "90002"]


# ---- registry files --------------------------------------------------------------------------------------

DEPARTMENTS_CSV = """id,name_vi,name_en,short,aliases
so_y_te,Sở Y tế,Department of Health,SYT,Ngành Y tế|Y tế
so_tai_chinh,Sở Tài chính,Department of Finance,,
"""

COMMUNES_CSV = """code,name,type,aliases,lat,lon
01234,Yên Hoà,phường,Yên Hòa A,21.02,105.80
90012,Tân Hòa,xã,,,
90047,Tân Hòa,phường,,,
"""

CROSSWALK_CSV = """former_code,former_name,former_type,code,weight,valid_until
00101,Xã Liên Nghĩa,xã,90012,0.6,2025-06-30
00101,Xã Liên Nghĩa,xã,90047,0.4,2025-06-30
00102,Thị trấn Văn Giang,thị trấn,01234,1,2025-06-30
"""


def geojson(codes: list[object]) -> str:
    feats = [
        {
            "type": "Feature",
            "properties": {"code": c},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[105.8, 21.0], [105.9, 21.0], [105.9, 21.1], [105.8, 21.0]]],
            },
        }
        for c in codes
    ]
    return json.dumps({"type": "FeatureCollection", "features": feats})


def write_registry(
    tmp_path: Path,
    *,
    departments: str = DEPARTMENTS_CSV,
    communes: str = COMMUNES_CSV,
    crosswalk: str | None = CROSSWALK_CSV,
    boundaries: str | None = None,
    bom: bool = False,
) -> RegistryFiles:
    folder = tmp_path / "province"
    folder.mkdir(exist_ok=True)
    prefix = "\ufeff" if bom else ""
    (folder / "departments.csv").write_text(prefix + departments, encoding="utf-8")
    (folder / "communes.csv").write_text(prefix + communes, encoding="utf-8")
    files = {"departments": "province/departments.csv", "communes": "province/communes.csv"}
    if crosswalk is not None:
        (folder / "crosswalk.csv").write_text(crosswalk, encoding="utf-8")
        files["crosswalk"] = "province/crosswalk.csv"
    if boundaries is not None:
        (folder / "communes.geojson").write_text(boundaries, encoding="utf-8")
        files["boundaries"] = "province/communes.geojson"
    return RegistryFiles(**files)


def load(tmp_path: Path, **kwargs: object) -> UnitRegistry:
    return load_registry(write_registry(tmp_path, **kwargs), tmp_path, PROVINCE)


def issues_of(tmp_path: Path, **kwargs: object) -> list:
    with pytest.raises(IssueError) as info:
        load(tmp_path, **kwargs)
    return info.value.issues


@pytest.mark.parametrize("bom", [False, True])
def test_load_registry(tmp_path: Path, bom: bool) -> None:
    reg = load(tmp_path, bom=bom, boundaries=geojson(["01234", 90012, "90047"]))
    assert reg.communes.get_column("code").to_list() == ["01234", "90012", "90047"]  # text, zeros kept
    assert reg.communes.get_column("lat").to_list() == [21.02, None, None]
    assert reg.departments.get_column("id").to_list() == ["so_y_te", "so_tai_chinh"]
    assert reg.resolve("Ngành Y tế").code == "so_y_te"
    assert reg.resolve("Yên Hòa A").code == "01234"
    assert reg.crosswalk is not None and reg.crosswalk.height == 3
    assert reg.crosswalk.get_column("former_code").to_list() == ["00101", "00101", "00102"]
    # feature codes are normalised to 5-digit text
    assert [f["properties"]["code"] for f in reg.boundaries["features"]] == ["01234", "90012", "90047"]
    assert not [i for i in reg.issues if i.is_error]


def test_load_registry_nfd_file(tmp_path: Path) -> None:
    reg = load(tmp_path, communes=nfd(COMMUNES_CSV), departments=nfd(DEPARTMENTS_CSV))
    assert reg.name_of("01234") == "Phường Yên Hoà"
    assert reg.resolve("Phường Tân Hòa").code == "90047"
    assert reg.resolve("Sở Tài chính").code == "so_tai_chinh"


def test_missing_boundary_is_a_warning(tmp_path: Path) -> None:
    reg = load(tmp_path, boundaries=geojson(["01234"]))
    (warning,) = [i for i in reg.issues if i.code == "boundary-missing"]
    assert warning.severity == Severity.WARNING
    assert warning.extra["codes"] == ["90012", "90047"]


def test_file_duplicate_code_and_bad_type(tmp_path: Path) -> None:
    communes = COMMUNES_CSV + "90012,Tân Hòa B,xã,,,\n\n90099,Lạc Đạo,thị trấn,,,\n"
    issues = issues_of(tmp_path, communes=communes)
    by_code = {i.code: i for i in issues}
    dup = by_code["registry-duplicate-code"]
    assert (dup.file, dup.row, dup.column, dup.value) == ("province/communes.csv", 5, "code", "90012")
    assert "row 3" in dup.message
    bad = by_code["registry-bad-type"]
    assert (bad.file, bad.row, bad.column, bad.value) == (
        "province/communes.csv",
        7,
        "type",
        "thị trấn",
    )  # blank line 6


def test_file_bad_code_and_coordinates(tmp_path: Path) -> None:
    communes = "code,name,type,aliases,lat,lon\n123456,A,xã,,,\n90002,B,xã,,21.0,\n90003,C,xã,,abc,105\n"
    issues = issues_of(tmp_path, communes=communes)
    got = {(i.code, i.row) for i in issues}
    assert got >= {("registry-bad-code", 2), ("registry-bad-coordinates", 3), ("registry-bad-coordinates", 4)}


def test_file_missing_column(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, communes="code,name\n90001,A\n")
    (issue,) = [i for i in issues if i.code == "registry-missing-column"]
    assert issue.column == "type" and issue.row == 1


def test_crosswalk_weights_must_sum_to_one(tmp_path: Path) -> None:
    crosswalk = CROSSWALK_CSV.replace("90047,0.4", "90047,0.3")
    issues = issues_of(tmp_path, crosswalk=crosswalk)
    (issue,) = [i for i in issues if i.code == "crosswalk-weights-sum"]
    assert (issue.file, issue.row, issue.column) == ("province/crosswalk.csv", 2, "weight")
    assert "00101" in issue.message and "0.9" in issue.message


def test_crosswalk_weights_within_tolerance(tmp_path: Path) -> None:
    crosswalk = (
        "former_code,former_name,former_type,code,weight,valid_until\n"
        "00101,Xã A,xã,90012,0.3333333,2025-06-30\n"
        "00101,Xã A,xã,90047,0.3333333,2025-06-30\n"
        "00101,Xã A,xã,01234,0.3333334,2025-06-30\n"
    )
    reg = load(tmp_path, crosswalk=crosswalk)
    assert reg.crosswalk_for("00101").height == 3


def test_crosswalk_to_unknown_commune(tmp_path: Path) -> None:
    crosswalk = CROSSWALK_CSV + "00103,Xã Mới,xã,98765,1,2025-06-30\n00104,Xã Cũ,xã,90012,1,30/06/2025\n"
    issues = issues_of(tmp_path, crosswalk=crosswalk)
    by_code = {i.code: i for i in issues}
    unknown = by_code["crosswalk-unknown-commune"]
    assert (unknown.file, unknown.row, unknown.column, unknown.value) == (
        "province/crosswalk.csv",
        5,
        "code",
        "98765",
    )
    assert by_code["crosswalk-bad-date"].row == 6


def test_geojson_unknown_code(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, boundaries=geojson(["01234", "90012", "90047", "55555"]))
    (issue,) = [i for i in issues if i.is_error]
    assert issue.code == "boundary-unknown-code"
    assert issue.file == "province/communes.geojson" and issue.value == "55555"
    assert issue.field == "features[3].properties.code"


def test_geojson_not_a_collection_and_bad_json(tmp_path: Path) -> None:
    assert [i.code for i in issues_of(tmp_path, boundaries='{"type": "Feature"}')] == [
        "boundary-not-feature-collection"
    ]
    assert [i.code for i in issues_of(tmp_path, boundaries="{oops")] == ["boundary-bad-json"]


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    files = write_registry(tmp_path)
    (tmp_path / "province" / "communes.csv").write_bytes(
        nfd("code,name,type\n90001,Hòa,xã\n").encode("cp1258")
    )
    (tmp_path / "province" / "departments.csv").unlink()
    with pytest.raises(IssueError) as info:
        load_registry(files, tmp_path, PROVINCE)
    codes = {i.code: i for i in info.value.issues}
    assert codes["registry-file-missing"].file == "province/departments.csv"
    assert codes["registry-encoding"].row == 2
    assert "UTF-8" in codes["registry-encoding"].hint


def test_errors_across_files_are_all_reported(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        departments=DEPARTMENTS_CSV + "so_y_te,Sở Y tế 2,Health 2,,\n",
        communes=COMMUNES_CSV + "90012,X,xã,,,\n",
        crosswalk=CROSSWALK_CSV.replace("90047,0.4", "90047,0.5"),
        boundaries=geojson(["77777"]),
    )
    assert {i.code for i in issues if i.is_error} == {
        "registry-duplicate-department",
        "registry-duplicate-code",
        "crosswalk-weights-sum",
        "boundary-unknown-code",
    }


def test_from_frames_accepts_list_aliases_and_prefixed_names() -> None:
    communes = pl.DataFrame(
        {
            "code": ["90001", "90002", "90003"],
            "name": ["Xã Tân Hòa", "P.Yên Hoà", nfd("Xã Sơn Hà")],  # type written into the name column
            "type": ["Xã", " PHƯỜNG ", "phường"],  # case and spaces tolerated
            "aliases": [["Tân Hòa cũ", " ", "Tân Hòa cũ"], None, []],
            "lat": [None, None, None],
            "lon": [None, None, None],
        }
    )
    reg = UnitRegistry.from_frames("99", PROVINCE.name, departments_frame(), communes)
    assert reg.communes.get_column("name").to_list() == ["Tân Hòa", "Yên Hoà", "Xã Sơn Hà"]
    assert reg.communes.get_column("type").to_list() == ["xã", "phường", "phường"]
    assert reg.communes.get_column("display_name").to_list() == [
        "Xã Tân Hòa",
        "Phường Yên Hoà",
        "Phường Xã Sơn Hà",
    ]
    assert reg.communes.get_column("aliases").to_list() == [["Tân Hòa cũ"], [], []]
    assert reg.resolve("tân hoà cũ").code == "90001"


def test_commune_code_expr_matches_pad_code() -> None:
    values = ["1234", "01234", " 90012 ", "1234.0", "123456", "12a45", "", None, "٣٤٥"]
    got = (
        pl.DataFrame({"c": values}, schema={"c": pl.String})
        .select(commune_code_expr(pl.col("c")))
        .to_series()
    )
    assert got.to_list() == [pad_code(v) for v in values]
    ints = pl.DataFrame({"c": [1234, 90012, None]}).select(commune_code_expr(pl.col("c"))).to_series()
    assert ints.to_list() == ["01234", "90012", None]


def test_crosswalk_weight_with_decimal_comma(tmp_path: Path) -> None:
    crosswalk = CROSSWALK_CSV.replace("90012,0.6", '90012,"0,6"').replace("90047,0.4", '90047,"0,4"')
    reg = load(tmp_path, crosswalk=crosswalk)
    assert reg.crosswalk_for("00101").rows() == [("90012", 0.6), ("90047", 0.4)]


def test_resolve_many_with_levels(registry: UnitRegistry) -> None:
    out = registry.resolve_many(pl.Series(["so_y_te", "90012"]), levels=[Level.COMMUNE])
    assert out.get_column("code").to_list() == [None, "90012"]
    empty = registry.resolve_many(pl.Series([], dtype=pl.String))
    assert empty.height == 0 and empty.schema["candidates"] == pl.List(pl.String)


def test_resolve_numbers_from_excel_cells(registry: UnitRegistry) -> None:
    assert registry.resolve(90012).code == "90012"  # type: ignore[arg-type]
    assert registry.resolve(1234.0).code == "01234"  # type: ignore[arg-type]
    assert registry.resolve(None).reason == "no unit given"  # type: ignore[arg-type]


def test_former_name_shared_by_two_units_is_ambiguous() -> None:
    crosswalk = pl.DataFrame(
        {
            "former_code": ["12001", "12002"],
            "former_name": ["Xã Tân Tiến", "Xã Tân Tiến"],
            "former_type": ["xã", "xã"],
            "code": ["90012", "90003"],
            "weight": [1.0, 1.0],
            "valid_until": ["2025-06-30", "2025-06-30"],
        }
    )
    reg = UnitRegistry.from_frames(
        "99", PROVINCE.name, departments_frame(), communes_frame(), crosswalk=crosswalk
    )
    res = reg.resolve_former("tân tiến")
    assert res.code is None and res.candidates == ["12001", "12002"]
    assert "Xã Tân Tiến (12001) and Xã Tân Tiến (12002)" in res.reason
    assert reg.resolve_former("12002").code == "12002"
    assert reg.label("90012") == "Xã Tân Hòa (90012)"
    assert reg.label("nope") == "nope"
