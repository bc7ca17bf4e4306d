"""The demo province's units files (departments, communes, boundaries, crosswalk), generated from a seed.

Self-contained on purpose: it depends on nothing else in the package, so the registry files exist
before any loader does. Everything is deterministic from the seed (same seed → identical bytes).
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 2025
N_COMMUNES = 100
FIRST_CODE = 90001
FIRST_FORMER_CODE = 80001
N_FORMER = 300
N_SPLIT = 10
VALID_UNTIL = "2025-06-30"

# id, name_vi, name_en, short, extra aliases (the name without "Sở " is added automatically)
DEPARTMENTS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "vp_ubnd",
        "Văn phòng UBND tỉnh",
        "Office of the Provincial People's Committee",
        "VP UBND",
        ["Văn phòng Ủy ban nhân dân tỉnh", "VPUBND"],
    ),
    (
        "so_khcn",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
        "Sở KH&CN",
        ["Sở KHCN", "KH&CN"],
    ),
    ("so_tai_chinh", "Sở Tài chính", "Department of Finance", "Sở TC", ["STC"]),
    ("so_noi_vu", "Sở Nội vụ", "Department of Home Affairs", "Sở NV", ["SNV"]),
    ("so_tu_phap", "Sở Tư pháp", "Department of Justice", "Sở TP", ["STP"]),
    ("so_cong_thuong", "Sở Công Thương", "Department of Industry and Trade", "Sở CT", ["SCT"]),
    (
        "so_nn_mt",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        "Sở NN&MT",
        ["Sở NNMT", "NN&MT"],
    ),
    ("so_xay_dung", "Sở Xây dựng", "Department of Construction", "Sở XD", ["SXD"]),
    (
        "so_gd_dt",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
        "Sở GD&ĐT",
        ["Sở GDĐT", "GD&ĐT"],
    ),
    ("so_y_te", "Sở Y tế", "Department of Health", "Sở YT", ["SYT"]),
    (
        "so_vh_tt_dl",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Department of Culture, Sports and Tourism",
        "Sở VHTTDL",
        ["Sở VH-TT-DL", "VHTTDL"],
    ),
    ("thue_tinh", "Thuế tỉnh", "Provincial Tax Office", "Thuế tỉnh", ["Cục Thuế tỉnh"]),
    ("cong_an", "Công an tỉnh", "Provincial Police", "CA tỉnh", ["CAT"]),
    ("bhxh", "Bảo hiểm xã hội tỉnh", "Provincial Social Insurance", "BHXH tỉnh", ["BHXH"]),
    (
        "ttpvhcc",
        "Trung tâm Phục vụ hành chính công",
        "Public Administration Service Centre",
        "TTPVHCC",
        ["Trung tâm PVHCC", "Trung tâm Hành chính công"],
    ),
    ("nhnn", "Ngân hàng Nhà nước Khu vực", "State Bank regional branch", "NHNN KV", ["NHNN"]),
]

# Syllables of real Vietnamese place names (first and second position).
_FIRST = (
    "Tân Hòa Bình An Phú Đông Sơn Thạnh Long Yên Mỹ Lộc Hưng Thuận Phước Vĩnh Quảng Minh Đức Hải "
    "Xuân Thanh Trung Nam Bắc Tây Hợp Thiệu Hoằng Nga Định Cẩm Ngọc Kim Vân Lạc Thọ Thịnh Quang Triệu "
    "Hà Hoa Nghĩa Thái Cao Đại Lam Hoàng Diễn Quỳnh"
)
FIRST_SYLLABLES = _FIRST.split()
_SECOND = (
    "Hòa Bình An Phú Sơn Thạnh Long Yên Lộc Hưng Thuận Phước Vĩnh Lợi Thành Tiến Lâm Hà Khê Trường "
    "Xuyên Giang Lĩnh Châu Đồng Điền Thủy Phong Hải Lương Ninh Tường Cường Quý Hiệp Khánh Hồng Mai "
    "Tân Trung Nghĩa Thịnh Xá Lập Kiều Tháp"
)
SECOND_SYLLABLES = _SECOND.split()
ISLAND_NAMES = ["Hòn Ngọc", "Cồn Thanh", "Bạch Yến"]
PAIR_NAME = "Tân Hòa"  # the one name deliberately used twice (a xã and a phường)

# Old-style → new-style tone placement on oa/oe/uy (see ECOSYSTEM.md §5.2).
_NEW_TO_OLD = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}

# The fictional province: a coast running north-east, land to the west of it.
LAT0, DLAT, ROWS = 19.25, 0.075, 12
LON0, DLON, COLS = 105.20, 0.08, 11
JITTER = 0.24  # of a cell side; below 0.25 the jittered quadrilaterals stay simple polygons


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _key(name: str) -> str:
    """Matching key: NFC, casefold, one space, new-style tone placement."""
    k = " ".join(_nfc(name).casefold().split())
    for new, old in _NEW_TO_OLD.items():
        k = k.replace(old, new)
    return k


def _ascii(name: str) -> str:
    """ASCII fold, to keep generated names apart even without diacritics."""
    d = unicodedata.normalize("NFD", _key(name)).replace("đ", "d")
    return "".join(ch for ch in d if not unicodedata.combining(ch))


def old_style(name: str) -> str:
    """The same name with old-style tone placement ("Hòa" → "Hoà")."""
    out = name
    for new, old in _NEW_TO_OLD.items():
        out = out.replace(new, old)
    return out


def coast_lon(lat: float) -> float:
    """Longitude of the coastline at a latitude (land lies west of it)."""
    return 105.70 + 0.38 * (lat - LAT0) / (ROWS * DLAT)


@dataclass
class Commune:
    """A current commune of the demo province with its boundary ring."""

    code: str
    name: str
    type: str
    ring: list[tuple[float, float]]  # closed, lon/lat
    cell: tuple[int, int] | None  # grid (row, col) for mainland communes
    aliases: list[str] = field(default_factory=list)

    @property
    def centroid(self) -> tuple[float, float]:
        """Area centroid of the ring (lon, lat)."""
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(self.ring, self.ring[1:], strict=False):
            c = x0 * y1 - x1 * y0
            a += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
        return cx / (3 * a), cy / (3 * a)


@dataclass
class Former:
    """A pre-July-2025 commune and the current communes it went into (weights sum to 1)."""

    code: str
    name: str
    type: str
    targets: list[tuple[str, float]]  # (current code, weight)


class _Names:
    """Draws unique place names (by matching key and by ASCII fold)."""

    def __init__(self, rng: random.Random):
        pairs = [f"{a} {b}" for a in FIRST_SYLLABLES for b in SECOND_SYLLABLES if a != b]
        rng.shuffle(pairs)
        self._pool = pairs
        self._used: set[str] = set()
        self._used_ascii: set[str] = set()
        self.reserve(PAIR_NAME)
        for n in ISLAND_NAMES:
            self.reserve(n)

    def reserve(self, name: str) -> None:
        """Mark a name as taken."""
        self._used.add(_key(name))
        self._used_ascii.add(_ascii(name))

    def free(self, name: str) -> bool:
        """Whether a name is still unused (by key and by ASCII fold)."""
        return _key(name) not in self._used and _ascii(name) not in self._used_ascii

    def draw(self) -> str:
        """The next unused name."""
        while True:
            name = _nfc(self._pool.pop())
            if self.free(name):
                self.reserve(name)
                return name


def _grid(rng: random.Random) -> tuple[dict[tuple[int, int], tuple[float, float]], list[tuple[int, int]]]:
    """Jittered grid vertices and the mainland cells (row, col) chosen to form the province."""
    verts: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(ROWS + 1):
        for j in range(COLS + 1):
            jx = rng.uniform(-JITTER, JITTER) * DLON
            jy = rng.uniform(-JITTER, JITTER) * DLAT
            verts[(i, j)] = (LON0 + j * DLON + jx, LAT0 + i * DLAT + jy)
    cands = []
    for i in range(ROWS):
        for j in range(COLS):
            lat = LAT0 + (i + 0.5) * DLAT
            lon = LON0 + (j + 0.5) * DLON
            if lon < coast_lon(lat):
                # a rounded blob: drop the cells furthest from the middle (with a little noise)
                d = math.hypot((lon - 105.62) / 0.5, (lat - 19.70) / 0.5) + rng.uniform(0, 0.15)
                cands.append((d, i, j))
    cands.sort()
    n_land = N_COMMUNES - len(ISLAND_NAMES)
    return verts, sorted((i, j) for _, i, j in cands[:n_land])


def _edge_points(
    seed: int, a: tuple[int, int], b: tuple[int, int], pa: tuple[float, float], pb: tuple[float, float]
) -> list[tuple[float, float]]:
    """Two wiggle points on the edge a→b, identical for both cells that share it."""
    lo, hi = min(a, b), max(a, b)
    r = random.Random(f"{seed}:{lo}:{hi}")
    (x0, y0), (x1, y1) = (pa, pb) if a == lo else (pb, pa)
    nx, ny = -(y1 - y0), x1 - x0
    pts = []
    for t in (1 / 3, 2 / 3):
        w = r.uniform(-0.08, 0.08)
        pts.append((x0 + (x1 - x0) * t + nx * w, y0 + (y1 - y0) * t + ny * w))
    return pts if a == lo else pts[::-1]


def _cell_ring(seed: int, verts: dict, i: int, j: int) -> list[tuple[float, float]]:
    """Counter-clockwise closed ring of grid cell (i, j) with wiggled shared edges."""
    corners = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]
    ring: list[tuple[float, float]] = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        ring.append(verts[a])
        ring.extend(_edge_points(seed, a, b, verts[a], verts[b]))
    ring = [(round(x, 5), round(y, 5)) for x, y in ring]
    return [*ring, ring[0]]


def _island_ring(rng: random.Random, lon: float, lat: float, r: float) -> list[tuple[float, float]]:
    """A small irregular island polygon (counter-clockwise, closed)."""
    ring = []
    for k in range(9):
        ang = 2 * math.pi * k / 9
        rr = r * rng.uniform(0.7, 1.1)
        ring.append((round(lon + rr * math.cos(ang), 5), round(lat + 0.8 * rr * math.sin(ang), 5)))
    return [*ring, ring[0]]


def build_units(seed: int = DEFAULT_SEED) -> tuple[list[Commune], list[Former]]:
    """The demo communes (with polygons) and the former units merged into them, from a seed."""
    rng = random.Random(seed)
    verts, cells = _grid(rng)
    # north first, west to east, like a list printed from a map
    cells.sort(key=lambda c: (-c[0], c[1]))
    # urban areas: a coastal city and two towns get the phường
    centres = [((105.86, 19.78), 15), ((105.36, 19.98), 6), ((105.58, 19.42), 6)]
    mid = {c: (LON0 + (c[1] + 0.5) * DLON, LAT0 + (c[0] + 0.5) * DLAT) for c in cells}
    urban: set[tuple[int, int]] = set()
    for (cx, cy), n in centres:
        near = sorted(
            (c for c in cells if c not in urban), key=lambda c: math.hypot(mid[c][0] - cx, mid[c][1] - cy)
        )
        urban.update(near[:n])
    names = _Names(rng)
    communes: list[Commune] = []
    # the deliberate pair: one phường in the city, one xã far from it
    pair_phuong = sorted(urban, key=lambda c: math.hypot(mid[c][0] - 105.86, mid[c][1] - 19.78))[3]
    rural = [c for c in cells if c not in urban]
    pair_xa = max(rural, key=lambda c: math.hypot(mid[c][0] - 105.86, mid[c][1] - 19.78))
    for k, c in enumerate(cells):
        typ = "phường" if c in urban else "xã"
        name = PAIR_NAME if c in (pair_phuong, pair_xa) else names.draw()
        communes.append(Commune(f"{FIRST_CODE + k}", name, typ, _cell_ring(seed, verts, *c), c))
    for k, name in enumerate(ISLAND_NAMES):
        lat = 19.45 + 0.28 * k
        lon = coast_lon(lat) + 0.11 + 0.02 * k
        ring = _island_ring(rng, lon, lat, 0.035 - 0.005 * k)
        communes.append(Commune(f"{FIRST_CODE + len(cells) + k}", name, "đặc khu", ring, None))
    formers = _formers(rng, communes, names)
    _add_aliases(rng, communes, formers, names)
    return communes, formers


def _formers(rng: random.Random, communes: list[Commune], names: _Names) -> list[Former]:
    """About 300 former units: 2–4 per commune merged whole, plus ~10 split between neighbours."""
    counts = {
        c.code: (rng.choice([1, 2]) if c.type == "đặc khu" else rng.choice([2, 3, 3, 4])) for c in communes
    }
    adjustable = [c.code for c in communes if c.type != "đặc khu"]
    while sum(counts.values()) != N_FORMER - N_SPLIT:
        code = rng.choice(adjustable)
        step = 1 if sum(counts.values()) < N_FORMER - N_SPLIT else -1
        if 2 <= counts[code] + step <= 4:
            counts[code] += step
    by_cell = {c.cell: c for c in communes if c.cell is not None}
    splits: list[tuple[str, str, float]] = []
    taken: set[str] = set()
    order = [c for c in communes if c.cell is not None]
    rng.shuffle(order)
    for c in order:
        if len(splits) == N_SPLIT:
            break
        i, j = c.cell  # type: ignore[misc]
        nbrs = [by_cell[n] for n in ((i, j + 1), (i - 1, j)) if n in by_cell]
        nbrs = [n for n in nbrs if n.code not in taken]
        if c.code in taken or not nbrs:
            continue
        other = rng.choice(nbrs)
        taken.update((c.code, other.code))
        splits.append((c.code, other.code, rng.choice([0.6, 0.7, 0.5, 0.8])))
    # former types follow the current one: towns (thị trấn) and phường went into today's phường
    formers: list[Former] = []
    split_of = {a: (b, w) for a, b, w in splits}
    for c in communes:
        kinds: list[str] = []
        for k in range(counts[c.code]):
            if c.type == "phường":
                kinds.append(rng.choice(["phường", "phường", "thị trấn", "xã"]))
            elif c.type == "đặc khu":
                kinds.append("thị trấn" if k == 0 else "xã")
            else:
                kinds.append(rng.choice(["xã"] * 9 + ["thị trấn"]))
        for k, kind in enumerate(kinds):
            # a third of the new communes kept the name of their first former unit
            if k == 0 and (c.type == "đặc khu" or (c.name != PAIR_NAME and rng.random() < 0.33)):
                name = c.name
            else:
                name = names.draw()
                if any(o in name for o in ("òa", "óa", "ọa", "ủy", "úy", "ùy")) and rng.random() < 0.4:
                    name = old_style(name)  # the pre-2025 GSO list mixes both placements
            formers.append(Former("", name, kind, [(c.code, 1.0)]))
        if c.code in split_of:
            other, w = split_of[c.code]
            formers.append(Former("", names.draw(), "xã", [(c.code, w), (other, round(1 - w, 2))]))
    for k, f in enumerate(formers):
        f.code = f"{FIRST_FORMER_CODE + k}"
    return formers


def _add_aliases(rng: random.Random, communes: list[Commune], formers: list[Former], names: _Names) -> None:
    """A few aliases: a former name, an old-style tone placement, a name typed without diacritics."""
    whole = {}
    for f in formers:
        if len(f.targets) == 1 and f.name != communes[0].name:
            whole.setdefault(f.targets[0][0], []).append(f)
    eligible = [c for c in communes if c.name != PAIR_NAME and c.type != "đặc khu"]
    for c in rng.sample(eligible, 8):
        cands = [f for f in whole.get(c.code, []) if _key(f.name) != _key(c.name)]
        if cands:
            c.aliases.append(rng.choice(cands).name)
    for c in communes:
        if old_style(c.name) != c.name and c.name != PAIR_NAME and len(c.aliases) < 2 and rng.random() < 0.5:
            c.aliases.append(old_style(c.name))
    for c in rng.sample(eligible, 6):
        c.aliases.append(_ascii(c.name).title())


def _csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def units_texts(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """The four registry files as text, keyed by file name."""
    communes, formers = build_units(seed)
    deps = []
    for did, vi, en, short, extra in DEPARTMENTS:
        aliases = [vi.removeprefix("Sở ")] if vi.startswith("Sở ") else []
        aliases += [a for a in extra if a not in aliases]
        deps.append([did, vi, en, short, "|".join(aliases)])
    com_rows = []
    for c in communes:
        lon, lat = c.centroid
        com_rows.append([c.code, c.name, c.type, "|".join(c.aliases), f"{lat:.5f}", f"{lon:.5f}"])
    features = [
        {
            "type": "Feature",
            "properties": {"code": c.code, "name": f"{c.type.capitalize()} {c.name}"},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in c.ring]]},
        }
        for c in communes
    ]
    geo = {"type": "FeatureCollection", "features": features}
    cw_rows = [
        [f.code, f.name, f.type, code, f"{w:g}", VALID_UNTIL] for f in formers for code, w in f.targets
    ]
    return {
        "departments.csv": _csv_text(["id", "name_vi", "name_en", "short", "aliases"], deps),
        "communes.csv": _csv_text(["code", "name", "type", "aliases", "lat", "lon"], com_rows),
        "communes.geojson": json.dumps(geo, ensure_ascii=False, separators=(",", ":")) + "\n",
        "crosswalk.csv": _csv_text(
            ["former_code", "former_name", "former_type", "code", "weight", "valid_until"], cw_rows
        ),
    }


def write_units(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write departments.csv, communes.csv, communes.geojson and crosswalk.csv into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in units_texts(seed).items():
        p = out_dir / name
        p.write_bytes(_nfc(text).encode("utf-8"))
        paths.append(p)
    return paths
