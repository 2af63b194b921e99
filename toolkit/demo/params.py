"""Parameters of the synthetic Magdeburg data used by ``toolkit demo`` (see demo/data.py).

The figures are invented but plausible. The inhabitants and the foreigners of the whole city (2019–2025) and the
age structure of 2025 are those the Amt für Statistik publishes (KISS-MD: about 240,000 to 246,000 inhabitants,
foreign share rising from about 10 % to 16 %); everything below them (groups, Stadtteile, Ukrainians from 2022,
Syrians as the largest group, all other indicators) is made up. They are example data only, never a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_YEAR = 2015  # the population table starts one year before the long series (for migration balances)
LONG_SERIES_START = 2016  # the first year of the indicators with a ten-year series in the demo
LONG_SERIES = ("DEM-01", "DEM-04")  # inhabitants and Nichtdeutsche by nationality: the report's ten-year table

# Population by group leaf at 31.12. (Melderegister scale). The leaves partition all inhabitants:
# Germans without / with migration background, EU citizens, the eight Asylherkunftsländer, Ukraine, rest.
STAAT_LEAVES = ("ohne_mh", "deutsch_mit_mh", "eu", "asylherkunft", "ukraine", "sonstige_drittstaaten")
FOREIGN_LEAVES = STAAT_LEAVES[2:]
GERMAN_LEAVES = STAAT_LEAVES[:2]
POPULATION = {  # year: (total, deutsch_mit_mh, eu, asylherkunft, ukraine, sonstige_drittstaaten)
    # total and all foreigners as published by the Amt für Statistik (KISS-MD K3_T35, K3_T41/K3_T39); the split of
    # the foreigners into the leaves and the Deutschen mit Migrationshintergrund are invented (the Asylherkunftsländer
    # grow fastest after 2015, the EU citizens steadily)
    2015: (238_212, 8_000, 3_300, 5_200, 520, 5_788),
    2016: (241_134, 8_400, 3_650, 8_200, 530, 6_355),
    2017: (241_769, 8_800, 3_950, 9_100, 540, 7_150),
    2018: (242_170, 9_150, 4_300, 9_500, 550, 8_036),
    2019: (240_947, 9_500, 4_566, 9_733, 560, 8_479),
    2020: (239_408, 9_868, 4_669, 9_884, 600, 8_641),
    2021: (239_970, 10_300, 5_160, 10_852, 650, 9_628),
    2022: (242_753, 10_800, 5_377, 11_445, 4_700, 10_257),
    2023: (243_419, 11_300, 5_692, 12_325, 5_250, 11_036),
    2024: (245_521, 11_750, 6_198, 13_600, 5_500, 12_156),
    2025: (245_834, 12_150, 6_509, 14_402, 5_650, 12_843),
}
FEMALE_SHARE = {"ohne_mh": 0.512, "deutsch_mit_mh": 0.5, "eu": 0.45, "asylherkunft": 0.39,
                "ukraine": 0.46, "sonstige_drittstaaten": 0.47}
UKRAINE_FEMALE_SHARE_FROM_2022 = 0.6  # mostly women and children fled in 2022
# The documented break: Ukrainians arriving in 2022 change these groups by more than the usual limits.
JUMP_GROUPS, JUMP_YEAR = ("ukraine", "drittstaaten", "nichtdeutsch", "mit_mh"), 2022
JUMP_INDICATORS = ("DEM-02", "DEM-03", "STT-01")  # shares of foreigners in all inhabitants

# How strongly the gap of an indicator applies to each leaf (0 = like Germans without MH).
GAP_WEIGHT = {"ohne_mh": 0.0, "deutsch_mit_mh": 0.4, "eu": 0.6, "asylherkunft": 1.3, "ukraine": 1.1,
              "sonstige_drittstaaten": 0.9, "bildungsauslaender": 1.0, "bildungsinlaender": 0.5, "insgesamt": 0.0}
# How strongly a denominator profile (e.g. "more children") applies to each leaf.
PROFILE_WEIGHT = {"ohne_mh": 0.0, "deutsch_mit_mh": 0.5}

# The 40 Stadtteile (the Amt für Statistik's key: inhabitants 31.12.2025 as weight, concentration of
# foreigners, social burden -1..1).
DISTRICTS = {
    "01": (17_002, 3.6, 0.2), "02": (3_014, 0.7, -0.5), "04": (12_374, 1.5, 0.3),
    "06": (16_264, 3.4, 0.7), "08": (11_477, 2.6, 0.9), "10": (6_257, 3.3, 0.8),
    "12": (9_513, 1.0, 0.3), "14": (7, 0.2, 0.0), "16": (0, 0.2, 0.0),
    "18": (4_488, 0.8, 0.2), "20": (3_768, 0.4, -0.5), "22": (12_092, 2.5, 0.9),
    "24": (25_264, 1.2, -0.2), "26": (14_464, 0.8, -0.4), "28": (4_143, 0.4, -0.7),
    "30": (18_718, 1.3, 0.1), "32": (10_204, 0.4, -0.6), "34": (2_259, 0.6, -0.2),
    "36": (16_473, 2.4, 0.4), "38": (11_766, 0.7, 0.1), "40": (4_395, 0.3, -0.6),
    "42": (9, 0.2, 0.0), "44": (6_936, 1.1, 0.1), "46": (3_680, 1.0, 0.4),
    "48": (4_613, 1.2, 0.6), "50": (3_394, 0.7, 0.3), "52": (3_487, 0.9, -0.1),
    "54": (2_454, 0.5, -0.4), "56": (7_915, 0.8, -0.3), "58": (1_980, 0.5, -0.3),
    "60": (285, 0.2, 0.0), "62": (0, 0.2, 0.0), "64": (1_290, 0.6, -0.6),
    "66": (3_156, 0.8, 0.3), "68": (286, 0.5, 0.0), "70": (15, 0.5, 0.0),
    "72": (75, 0.3, 0.0), "74": (531, 0.2, -0.3), "76": (530, 0.2, -0.4),
    "78": (1_256, 0.3, -0.6),
}
CARE_CENTRE = "01"  # Altstadt: many Kita places for children living elsewhere (quotas over 100 %)


@dataclass(frozen=True)
class Spec:
    """How one indicator is generated.

    quote: denominator = base population x ``frac`` (x ``profile`` for foreign leaves);
    numerator = denominator x rate, rate = ``rate`` x gap factor x (1 + ``trend``)^(year - 2020).
    anzahl: value = base population x ``rate`` x gap factor x trend (``base="const"``: ``rate`` itself).
    wert: value = ``rate`` x gap factor x trend, in the indicator's unit.
    The gap factor of a leaf is 1 + (``gap`` - 1) x GAP_WEIGHT, and it shrinks (``gap_trend`` < 0) or
    widens (> 0) every year; ``leaf`` overrides the factor of single leaves.
    """

    rate: float
    frac: float = 1.0
    gap: float = 1.0
    trend: float = 0.0
    gap_trend: float = 0.0
    profile: float = 1.0
    base: str = "auto"  # auto | pop | foreign | const
    size: float = 0.0  # denominator of base "const"
    female: float = 1.0  # rate factor for women (anzahl/const: share of women)
    social: float = 0.0  # Stadtteil: rate x (1 + social x burden)
    concentration: float = 0.0  # Stadtteil: rate x (1 + concentration x (foreign concentration - 1))
    split: tuple[float, float] = (0.0, 1.0)  # second partition: share of part A, its rate factor
    leaf: dict[str, float] = field(default_factory=dict)
    noise: float = 0.015
    all_leaves: bool = False  # use the full Staatsangehörigkeit partition even for "insgesamt" only
    women: bool = False  # the denominator counts women only (ARB-02)


ONLY_FOREIGN = {"ohne_mh": 0.0, "deutsch_mit_mh": 0.0, "eu": 1.0, "asylherkunft": 1.0, "ukraine": 1.0,
                "sonstige_drittstaaten": 1.0}
NATURALISATION = {"eu": 0.4, "asylherkunft": 1.5, "ukraine": 0.3, "sonstige_drittstaaten": 1.0}

SPECS: dict[str, Spec] = {
    "DEM-01": Spec(1.0, noise=0, all_leaves=True),
    "DEM-02": Spec(1.0, leaf=ONLY_FOREIGN, noise=0, all_leaves=True),
    "DEM-03": Spec(1.0, leaf={**ONLY_FOREIGN, "deutsch_mit_mh": 1.0}, noise=0, all_leaves=True),
    "DEM-04": Spec(1.0, noise=0),
    "DEM-05": Spec(0.145, gap=1.6, trend=-0.003, social=0.2),
    "DEM-07": Spec(0.22, gap=1.8, trend=-0.05, leaf={"ukraine": 4.0}),
    "DEM-08": Spec(0.02, leaf={"eu": 0.0, "asylherkunft": 36.0, "ukraine": 44.0, "sonstige_drittstaaten": 3.0}),
    "REC-01": Spec(0.95, gap=0.55, trend=0.005, gap_trend=-0.03, leaf={"ukraine": 0.18}),
    "REC-02": Spec(0.01, gap=9.0, trend=-0.05, leaf={"eu": 0.0, "ukraine": 0.4}),
    "REC-03": Spec(0.03, frac=0.45, trend=0.08, female=1.05, leaf=NATURALISATION),
    "REC-04": Spec(0.012, trend=0.08, female=1.05, leaf=NATURALISATION),
    "REC-05": Spec(0.012, trend=0.08, female=1.05, leaf=NATURALISATION),
    "SPR-01": Spec(0.055, base="foreign", trend=0.02, female=1.25),
    "SPR-02": Spec(0.58, base="foreign", frac=0.035, trend=-0.01, female=1.05),
    "SPR-03": Spec(0.12, frac=0.045, trend=0.06, split=(0.22, 3.2)),
    "SPR-04": Spec(0.18, frac=0.0085, trend=0.02, female=0.85, social=0.3, split=(0.14, 2.6)),
    "SPR-05": Spec(0.03, base="foreign", trend=0.03),
    "BIL-01": Spec(0.62, frac=0.026, trend=0.01, social=-0.1, split=(0.2, 0.7)),
    "BIL-02": Spec(0.94, frac=0.027, trend=0.004, social=-0.05, split=(0.2, 0.9)),
    "BIL-03": Spec(0.2, frac=0.045, trend=0.05),
    "BIL-04": Spec(0.1, frac=0.095, trend=0.06, concentration=0.8),
    "BIL-05": Spec(0.42, frac=0.0085, profile=1.3, gap=0.6, gap_trend=-0.03, female=1.1),
    "BIL-06": Spec(0.075, frac=0.009, profile=1.3, gap=2.8, gap_trend=0.03, female=0.75),
    "BIL-07": Spec(0.38, frac=0.009, profile=1.3, gap=0.55, gap_trend=-0.02, female=1.15),
    "BIL-08": Spec(0.17, frac=0.03, profile=1.2, gap=0.55, gap_trend=-0.04, female=0.7),
    "BIL-09": Spec(0.22, frac=0.008, profile=1.2, gap=2.2, gap_trend=0.02),
    "BIL-10": Spec(2_900, base="const", trend=0.04, female=0.42,
                   leaf={"bildungsinlaender": 0.12, "bildungsauslaender": 0.88}),
    "BIL-11": Spec(0.55, base="const", size=260, trend=0.02),
    "ARB-01": Spec(0.62, frac=0.64, profile=1.1, gap=0.6, gap_trend=-0.03, trend=0.005, female=0.96,
                   social=-0.15, leaf={"ukraine": 0.35}),
    "ARB-02": Spec(0.6, frac=0.64, profile=1.1, gap=0.5, gap_trend=-0.02, trend=0.006, leaf={"ukraine": 0.3},
                   women=True),
    "ARB-03": Spec(0.09, frac=0.45, gap=1.6, gap_trend=-0.02, female=1.3),
    "ARB-04": Spec(0.09, frac=0.4, profile=0.6, gap=2.6, gap_trend=0.02),
    "ARB-05": Spec(6.9, gap=2.9, gap_trend=-0.02, trend=-0.01, female=0.9, leaf={"ukraine": 4.2}),
    "ARB-06": Spec(0.052, frac=0.64, profile=1.1, gap=2.9, gap_trend=-0.02, trend=-0.01, social=0.5),
    "ARB-07": Spec(0.045, frac=0.085, profile=1.3, gap=2.2, gap_trend=-0.02, female=0.8),
    "ARB-08": Spec(0.085, frac=0.8, profile=1.15, gap=4.2, gap_trend=-0.02, social=0.6, leaf={"ukraine": 6.0}),
    "ARB-09": Spec(0.15, frac=0.13, profile=1.6, gap=3.5, gap_trend=-0.01, social=0.6),
    "ARB-10": Spec(0.22, frac=0.06, profile=4.0, gap=0.85, gap_trend=-0.03, female=0.8, leaf={"ukraine": 0.7}),
    "ARB-11": Spec(0.04, trend=-0.03, female=0.8,
                   leaf={"eu": 0.0, "asylherkunft": 1.5, "ukraine": 0.3, "sonstige_drittstaaten": 0.6}),
    "STT-01": Spec(1.0, leaf=ONLY_FOREIGN, noise=0, all_leaves=True),
    "STT-04": Spec(0.11, frac=0.4, leaf={"eu": 1.0, "asylherkunft": 1.1, "ukraine": 1.4, "sonstige_drittstaaten": 0.9}),
    "STT-05": Spec(0.62, base="const", size=1_400, trend=0.04),
    "TEI-01": Spec(1.0, frac=0.8, leaf={"eu": 0.97, "asylherkunft": 0.0, "ukraine": 0.0, "sonstige_drittstaaten": 0.0}),
    "TEI-02": Spec(0.18, frac=0.8, trend=0.02, female=1.1),
    "TEI-03": Spec(0.075, base="const", size=1_150, trend=0.03),
    "TEI-04": Spec(18, base="const", trend=0.06),
    "TEI-05": Spec(9, base="const", trend=0.05),
    "IKO-01": Spec(0.045, base="const", size=2_400, trend=0.06, female=1.05),
    "IKO-02": Spec(0.09, base="const", size=160, trend=0.08),
    "IKO-03": Spec(0.18, base="const", size=1_300, trend=0.12),
    "IKO-04": Spec(2_600, base="const", trend=0.07),
    "IKO-05": Spec(45, base="const", trend=0.05),
    "DIS-01": Spec(85, base="const", trend=0.08),
    "DIS-02": Spec(58, base="const", trend=0.03),
    "DIS-03": Spec(0.09, frac=0.012, profile=0.8, gap=3.3, female=1.05, split=(0.13, 2.6)),
    "DIS-04": Spec(0.62, frac=0.012, profile=0.8, gap=0.72, gap_trend=-0.02, split=(0.13, 0.78)),
    "GES-01": Spec(0.93, frac=0.0082, trend=0.002, social=-0.03, split=(0.14, 0.9)),
    "GES-02": Spec(0.88, frac=0.0082, trend=0.002, split=(0.14, 0.82)),
    "GES-03": Spec(0.31, frac=0.0085, trend=0.01, split=(0.14, 1.5)),
    "GES-04": Spec(0.7, base="const", size=240, trend=0.03),
}

# Comparison values (Sachsen-Anhalt, Deutschland): wert indicators in their unit, 2020 level and trend.
COMPARISON_WERT = {
    ("ARB-05", "sachsen-anhalt"): ({"insgesamt": 7.6, "deutsch": 6.7, "nichtdeutsch": 17.5}, -0.01),
    ("ARB-05", "deutschland"): ({"insgesamt": 5.9, "deutsch": 4.7, "nichtdeutsch": 14.2}, 0.0),
    ("ARB-12", "sachsen-anhalt"): ({"insgesamt": 18.5, "mit_mh_mz": 32.0, "ohne_mh_mz": 16.6,
                                    "mit_eg": 33.0, "ohne_eg": 16.5}, 0.005),
    ("ARB-12", "deutschland"): ({"insgesamt": 16.6, "mit_mh_mz": 28.5, "ohne_mh_mz": 12.5,
                                 "mit_eg": 29.0, "ohne_eg": 12.4}, 0.005),
    ("STT-06", "sachsen-anhalt"): ({"insgesamt": 42.5, "mit_mh_mz": 19.0, "ohne_mh_mz": 45.0}, 0.0),
    ("STT-06", "deutschland"): ({"insgesamt": 42.0, "mit_mh_mz": 28.0, "ohne_mh_mz": 47.0}, 0.0),
}
# Comparison rates (quote): indicator, area -> (denominator 2020, rate 2020, yearly rate trend)
COMPARISON_QUOTE = {
    ("DEM-02", "sachsen-anhalt"): (2_180_000, 0.052, 0.08),
    ("DEM-02", "deutschland"): (83_150_000, 0.135, 0.03),
    ("BIL-04", "sachsen-anhalt"): (212_000, 0.063, 0.1),
    ("ARB-08", "sachsen-anhalt"): (1_800_000, 0.095, -0.02),
    ("ARB-08", "deutschland"): (68_000_000, 0.078, -0.01),
}

# The age structure (demo/breakdowns.py): all inhabitants by single year of age 0 … 89 and "90 und älter" at
# 31.12.2025 as published (KISS-MD K3_T1, 245,834 in all), and the foreigners in the five age groups of K3_T39
# (39,404: under 7, 7–18, 18–45, 45–65, 65 and older). Within those groups and between the sexes the foreigners are
# spread by an invented profile (many between 18 and 40; fewer women); the Deutschen are the rest of each year of age.
MEN_2025 = (
    754, 812, 864, 990, 1030, 1051, 1028, 1054, 1124, 1188, 1089, 1174, 1054, 1097, 1104,
    1023, 1011, 1119, 1190, 1406, 1483, 1696, 1669, 1887, 2147, 2263, 2309, 2119, 2220, 1916,
    1764, 1717, 1547, 1494, 1635, 2107, 1940, 2012, 2009, 1827, 1822, 1839, 1710, 1726, 1640,
    1599, 1555, 1468, 1451, 1259, 1268, 1178, 1180, 1327, 1569, 1558, 1619, 1621, 1556, 1584,
    1692, 1644, 1778, 1684, 1528, 1553, 1396, 1334, 1268, 1215, 1248, 1193, 1170, 1199, 1131,
    1095, 904, 843, 839, 679, 579, 874, 871, 793, 893, 848, 722, 563, 496, 373,
    954,
)
WOMEN_2025 = (
    707, 770, 848, 912, 991, 1000, 1008, 1069, 1039, 1086, 1063, 997, 993, 1045, 1024,
    1020, 969, 1070, 1084, 1208, 1449, 1553, 1532, 1668, 1762, 1764, 1670, 1658, 1605, 1457,
    1310, 1230, 1230, 1207, 1326, 1703, 1744, 1692, 1678, 1650, 1584, 1644, 1497, 1551, 1432,
    1473, 1374, 1389, 1339, 1202, 1092, 1086, 1154, 1242, 1446, 1465, 1585, 1489, 1595, 1596,
    1657, 1729, 1817, 1735, 1747, 1661, 1580, 1392, 1491, 1552, 1621, 1533, 1577, 1600, 1567,
    1532, 1416, 1168, 1229, 907, 940, 1284, 1269, 1217, 1360, 1370, 1172, 1018, 861, 717,
    2278,
)
FOREIGNERS_2025 = ((0, 3_033), (7, 4_581), (18, 24_908), (45, 5_473), (65, 1_409))  # (from age, persons)
FOREIGN_FEMALE_GAP = 0.07  # the foreigners' share of women is this much below that of all inhabitants of the age
