"""The sites of a demonstration Bắc Ninh: 1 province centre, 8 district centres, 126 commune desks.

Names follow the province's district and commune units before the 2025 reorganisation; they are for
demonstration and screenshots, not an official list. Every figure attached to a site (demand, counters,
staff, service quality) is drawn from a seeded generator, sized on Decision 717/QĐ-UBND's 2018–2020
statistics (the province centre close to 1,000 citizens a day, 75 one-stop staff; 189 district and
998 commune one-stop staff).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from monitor.analytics.model import Level, SiteInfo

PROVINCE_NAME = "Trung tâm Hành chính công tỉnh Bắc Ninh"

# (district-level unit, its kind, its commune-level units with their kind: p = phường, t = thị trấn, x = xã)
DISTRICTS: tuple[tuple[str, str, str], ...] = (
    (
        "Bắc Ninh",
        "thành phố",
        "p:Vũ Ninh,p:Đáp Cầu,p:Thị Cầu,p:Kinh Bắc,p:Vệ An,p:Tiền An,p:Đại Phúc,p:Ninh Xá,p:Suối Hoa,"
        "p:Võ Cường,p:Hòa Long,p:Vạn An,p:Khúc Xuyên,p:Phong Khê,p:Kim Chân,p:Vân Dương,p:Nam Sơn,"
        "p:Khắc Niệm,p:Hạp Lĩnh",
    ),
    (
        "Yên Phong",
        "huyện",
        "t:Chờ,x:Dũng Liệt,x:Tam Đa,x:Tam Giang,x:Yên Trung,x:Thụy Hòa,x:Hòa Tiến,x:Đông Tiến,x:Yên Phụ,"
        "x:Trung Nghĩa,x:Đông Phong,x:Long Châu,x:Văn Môn,x:Đông Thọ",
    ),
    (
        "Quế Võ",
        "thị xã",
        "p:Phố Mới,p:Việt Hùng,p:Phượng Mao,p:Phương Liễu,p:Bằng An,p:Quế Tân,x:Phù Lương,x:Phù Lãng,"
        "x:Ngọc Xá,x:Châu Phong,p:Bồng Lai,x:Cách Bi,x:Đào Viên,x:Yên Giả,x:Mộ Đạo,x:Đức Long,x:Chi Lăng,"
        "x:Hán Quảng,x:Đại Xuân,p:Nhân Hòa,x:Việt Thống",
    ),
    (
        "Tiên Du",
        "huyện",
        "t:Lim,x:Phú Lâm,x:Nội Duệ,x:Liên Bão,x:Hiên Vân,x:Hoàn Sơn,x:Lạc Vệ,x:Việt Đoàn,x:Phật Tích,"
        "x:Tân Chi,x:Đại Đồng,x:Tri Phương,x:Minh Đạo,x:Cảnh Hưng",
    ),
    (
        "Từ Sơn",
        "thành phố",
        "p:Đông Ngàn,p:Đồng Kỵ,p:Trang Hạ,p:Đồng Nguyên,p:Châu Khê,p:Tân Hồng,p:Đình Bảng,p:Phù Chẩn,"
        "p:Tam Sơn,p:Hương Mạc,p:Tương Giang,p:Phù Khê",
    ),
    (
        "Thuận Thành",
        "huyện",
        "t:Hồ,x:Hoài Thượng,x:Đại Đồng Thành,x:Mão Điền,x:Song Hồ,x:Đình Tổ,x:An Bình,x:Trí Quả,x:Gia Đông,"
        "x:Thanh Khương,x:Trạm Lộ,x:Xuân Lâm,x:Hà Mãn,x:Ngũ Thái,x:Nguyệt Đức,x:Ninh Xá,x:Nghĩa Đạo,x:Song Liễu",
    ),
    (
        "Gia Bình",
        "huyện",
        "t:Gia Bình,x:Vạn Ninh,x:Thái Bảo,x:Giang Sơn,x:Cao Đức,x:Đại Lai,x:Song Giang,x:Bình Dương,"
        "x:Lãng Ngâm,x:Nhân Thắng,x:Xuân Lai,x:Đông Cứu,x:Đại Bái,x:Quỳnh Phú",
    ),
    (
        "Lương Tài",
        "huyện",
        "t:Thứa,x:An Thịnh,x:Trung Kênh,x:Phú Hòa,x:Mỹ Hương,x:Tân Lãng,x:Quảng Phú,x:Trừng Xá,x:Lai Hạ,"
        "x:Trung Chính,x:Minh Tân,x:Bình Định,x:Phú Lương,x:Lâm Thao",
    ),
)
COMMUNE_KIND = {"p": "phường", "t": "thị trấn", "x": "xã"}


def slug(text: str) -> str:
    """ASCII id fragment of a Vietnamese name: 'Đông Ngàn' → 'dongngan'."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if c.isascii() and c.isalnum()).lower()


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """A site and how it behaves in the simulation."""

    info: SiteInfo
    district: str
    demand: float
    """Mean arrivals on an ordinary Wednesday."""
    staffing: float
    """Counter capacity relative to a well-sized site (below 1 means long queues)."""
    courtesy: float
    """0..1: how pleasant the service is (drives ratings and sentiment)."""
    saturday: bool
    dossier_share: float


def province_sites(count: int = 135, seed: int = 717) -> list[SiteProfile]:
    """``count`` sites: the province centre, then the 8 district centres, then communes in district order."""
    rng = random.Random(seed)
    out: list[SiteProfile] = []

    def add(site: str, name: str, level: Level, staff: int, district: str, demand: float) -> None:
        staffing = rng.uniform(0.78, 1.3) if level != "province" else 0.9
        out.append(
            SiteProfile(
                info=SiteInfo(site=site, name=name, level=level, one_stop_staff=staff),
                district=district,
                demand=demand,
                staffing=staffing,
                courtesy=min(1.0, max(0.0, rng.gauss(0.8, 0.12))),
                saturday=level != "commune" or rng.random() < 0.4,
                dossier_share=rng.uniform(0.65, 0.9),
            )
        )

    add("bn-tthcc", PROVINCE_NAME, "province", 75, "Bắc Ninh", 900.0)
    district_staff = [27, 24, 23, 24, 26, 23, 21, 21]  # 189 in all (Decision 717, 2018–2020)
    urban = {"Bắc Ninh": 1.35, "Từ Sơn": 1.25}
    for (district, kind, _), staff in zip(DISTRICTS, district_staff, strict=True):
        demand = rng.uniform(150, 210) * urban.get(district, 1.0)
        add(f"bn-{slug(district)}", f"Bộ phận một cửa {kind} {district}", "district", staff, district, demand)
    communes = [
        (district, COMMUNE_KIND[code], name)
        for district, _, units in DISTRICTS
        for code, name in (unit.split(":") for unit in units.split(","))
    ]
    for district, kind, name in communes:
        staff = rng.choice([6, 7, 8, 8, 8, 9, 9, 10])
        demand = rng.uniform(12, 42) * (1.2 if kind == "phường" else 1.0)
        site = f"bn-{slug(district)[:6]}-{slug(name)}"
        add(site, f"UBND {kind} {name}", "commune", staff, district, demand)
    return out[:count]
