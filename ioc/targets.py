"""The validated model of `targets.yaml`: province, pillars, indicators, targets and export formats.

Loading (YAML with line numbers, error mapping, whole-file rules) lives in `ioc.config_loader`;
this module only declares the closed vocabulary. Every model refuses unknown keys.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ioc.exports_config import ExportConfig, Quantity

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
# "2025-08", "2025-Q3" or "2025"
PERIOD_PATTERN = r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$"  # ioc.periods parses with it
PeriodStr = Annotated[str, Field(pattern=PERIOD_PATTERN)]
# a local time of day: "22:00", "6:30" or "6"
HOUR_PATTERN = r"^([01]?\d|2[0-3])(:[0-5]\d)?$"


def _quoted_hour(value: object) -> object:
    """Unquoted, YAML reads `22:00` as the number 1320 (base 60): say to quote it, never guess."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 23:
            return str(value)
        raise ValueError(
            f'write the time in quotes, e.g. "22:00" (unquoted, YAML reads it as the number {value})'
        )
    return value


HourStr = Annotated[str, BeforeValidator(_quoted_hour), Field(pattern=HOUR_PATTERN)]


def _date_or_period(value: object) -> dt.date:
    from ioc.periods import date_or_period  # periods needs Frequency from here

    return date_or_period(value)


# a date, or a period meaning its last day: 2025-12-31, "2025-12", "2025-Q4", 2025
DateOrPeriod = Annotated[dt.date, BeforeValidator(_date_or_period)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A label in both UI languages."""

    vi: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


class MeasureUnit(StrEnum):
    PERCENT = "percent"  # 0–100; tolerance in percentage points
    COUNT = "count"
    RATIO = "ratio"
    MONEY = "money"  # VND


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class Level(StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class UnitTarget(StrEnum):
    """How a province target applies to the units below the province (PRODUCT §5, unit targets)."""

    SAME = "same"  # every unit is held to the province target (percentages, ratios, means)
    SHARE = "share"  # a proportional share of the province target, by a declared basis
    NONE = "none"  # no unit target: units show value, trend and rank, counted in no colour


class Rollup(StrEnum):
    SUM = "sum"  # province value = sum of communes
    MEAN = "mean"  # unweighted mean of communes (only when no numerator/denominator exist)
    RATIO = "ratio"  # sum(numerator) / sum(denominator)


class Province(Strict):
    code: Annotated[str, Field(min_length=1, max_length=8)]
    name: Text


class Pillar(Strict):
    id: Id
    name: Text
    weight: Annotated[float, Field(gt=0)] = 1.0


class RegistryFiles(Strict):
    """Where the units registry comes from; paths are relative to `targets.yaml`."""

    departments: str
    communes: str
    boundaries: str | None = None  # GeoJSON FeatureCollection, feature property `code`
    crosswalk: str | None = None  # former unit → current commune, effective-dated, weighted


class StatusRules(Strict):
    """Defaults for turning a value into a colour; an indicator may override `amber_tolerance`."""

    # percentage points for percent indicators, relative % of the expected value for other units
    amber_tolerance: Annotated[float, Field(ge=0)] = 10.0
    # how many reporting periods may be missing before a value counts as stale (0 = must be current)
    stale_after_periods: Annotated[int, Field(ge=0)] = 0


class ReportDeadlines(Strict):
    """Per reporting frequency: the day of the month after a period ends by the end of which its report is due.

    Days 1–28 only, so that "the end of day N of the following month" exists in every month.
    """

    monthly: Annotated[int, Field(ge=1, le=28)] = 10
    quarterly: Annotated[int, Field(ge=1, le=28)] = 10
    yearly: Annotated[int, Field(ge=1, le=28)] = 10

    def day(self, frequency: Frequency | str) -> int:
        """The deadline day for reports of `frequency`."""
        return getattr(self, Frequency(frequency).value)


class ReportingRules(Strict):
    """When reports are due: read alike by scoring (which months are due) and the Reporting status page."""

    deadline_day: ReportDeadlines = ReportDeadlines()


class Baseline(Strict):
    value: float
    at: DateOrPeriod


class Milestone(Strict):
    period: PeriodStr
    value: float


class Target(Strict):
    value: float
    by: DateOrPeriod
    baseline: Baseline | None = None
    milestones: list[Milestone] = []


class Override(Strict):
    """A unit (commune code or department id) with its own target value and optionally deadline."""

    unit: Annotated[str, Field(min_length=1)]
    value: float
    by: DateOrPeriod | None = None


class WorkbookSource(Strict):
    """Values typed by the owning department into its monthly workbook."""

    workbook: Literal[True] = True


class ExportSource(Strict):
    """Values computed from a report-system export declared under `exports:`.

    A ratio indicator names `numerator` and `denominator`; a count names `value`.
    """

    export: Id
    numerator: Quantity | None = None
    denominator: Quantity | None = None
    value: Quantity | None = None

    @model_validator(mode="after")
    def _shape(self) -> ExportSource:
        ratio = self.numerator is not None or self.denominator is not None
        if ratio and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio source needs both 'numerator' and 'denominator'")
        if ratio == (self.value is not None):
            raise ValueError("give either 'numerator' and 'denominator', or 'value' — not both, not neither")
        return self


class Indicator(Strict):
    id: Id
    name: Text
    description: Text | None = None
    pillar: Id
    unit: MeasureUnit
    direction: Direction = Direction.HIGHER
    levels: Annotated[list[Level], Field(min_length=1)]
    owner: Id  # department id responsible for reporting
    frequency: Frequency = Frequency.MONTHLY
    rollup: Rollup = Rollup.MEAN
    weight: Annotated[float, Field(gt=0)] = 1.0
    amber_tolerance: Annotated[float, Field(ge=0)] | None = None
    min: float | None = None  # plausible range for input validation; percent defaults to 0–100
    max: float | None = None
    decimals: Annotated[int, Field(ge=0, le=4)] = 1
    source: WorkbookSource | ExportSource = WorkbookSource()
    target: Target
    overrides: list[Override] = []
    # how the province target applies below the province; default: none for sums, same otherwise
    unit_target: UnitTarget | None = None
    # for `unit_target: share`: a period whose reported values set each unit's share (e.g. "2025-01"), or a
    # numeric column of the communes registry (e.g. "population"); default: the first period reported
    share_basis: str | None = None

    def effective_unit_target(self) -> UnitTarget:
        """The declared rule, or the default: `none` for `sum` roll-ups, `same` otherwise."""
        if self.unit_target is not None:
            return self.unit_target
        return UnitTarget.NONE if self.rollup == Rollup.SUM else UnitTarget.SAME

    def tolerance(self, default: float) -> float:
        return default if self.amber_tolerance is None else self.amber_tolerance

    def value_range(self) -> tuple[float | None, float | None]:
        """The plausible range of a value: declared, else 0–100 for percent, ≥ 0 for counts and money."""
        lo, hi = self.min, self.max
        if self.unit == MeasureUnit.PERCENT:
            lo = 0.0 if lo is None else lo
            hi = 100.0 if hi is None else hi
        elif self.unit in (MeasureUnit.COUNT, MeasureUnit.MONEY, MeasureUnit.RATIO):
            lo = 0.0 if lo is None else lo
        return lo, hi


class WallNight(Strict):
    """The wall display's night hours (local time, may cross midnight): dimmed, checking data less often."""

    start: Annotated[HourStr, Field(alias="from")]
    end: Annotated[HourStr, Field(alias="to")]

    @model_validator(mode="after")
    def _some_hours(self) -> WallNight:
        def minutes(text: str) -> int:
            hour, _, minute = text.partition(":")
            return int(hour) * 60 + int(minute or 0)

        if minutes(self.start) == minutes(self.end):
            raise ValueError(
                f"night 'from' and 'to' are the same time ({self.start}): the night would never start"
            )
        return self


class WallDefaults(Strict):
    """Defaults for every wall display; a wall's URL overrides them (README, "Wall display")."""

    night: WallNight | None = None


class TargetsFile(Strict):
    """The whole of `targets.yaml`."""

    province: Province
    language: Lang = Lang.VI
    demo: bool = False  # the data is fictional: the UI says so on every page
    registry: RegistryFiles
    status: StatusRules = StatusRules()
    reporting: ReportingRules = ReportingRules()
    pillars: Annotated[list[Pillar], Field(min_length=1)]
    exports: list[ExportConfig] = []
    indicators: Annotated[list[Indicator], Field(min_length=1)]
    wall: WallDefaults = WallDefaults()

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def pillar(self, pillar_id: str) -> Pillar:
        for p in self.pillars:
            if p.id == pillar_id:
                return p
        raise KeyError(pillar_id)

    def export(self, export_id: str) -> ExportConfig:
        for e in self.exports:
            if e.id == export_id:
                return e
        raise KeyError(export_id)


def explain_unit_target(ind: Indicator) -> str:
    """One line for `python -m ioc check`: how this indicator's province target applies to its units, and
    whether that is declared or the default."""
    rule = ind.effective_unit_target()
    how = "declared" if ind.unit_target is not None else f"default for rollup: {ind.rollup.value}"
    below = [lv.value for lv in ind.levels if lv != Level.PROVINCE] or ["no level below the province"]
    if rule == UnitTarget.SAME:
        what = f"every unit is held to the province target {ind.target.value:g}"
    elif rule == UnitTarget.SHARE:
        basis = ind.share_basis or "the first period its units reported"
        what = f"each unit gets a share of {ind.target.value:g} in proportion to {basis} (never zero)"
    else:
        what = "units show value, trend and rank with no target of their own (counted in no colour)"
    overrides = f"; {len(ind.overrides)} unit(s) with their own target" if ind.overrides else ""
    return f"{ind.id}: unit_target {rule.value} ({how}) — {what}; units: {', '.join(below)}{overrides}"
