"""Everything a user can reach on the Indicator page draws: every (indicator × unit) pair a page links to.

Pure core (no Streamlit), on the seeded demo database: the pairs are every row of `scoring.score` for every
period a user can pick at month, quarter and year granularity — a superset, checked here, of what the
Department, Commune and Indicator pages link to. For each pair it runs what the Indicator page runs to draw:
`views.indicator_rows`, `scoring.history`, `charts.trend_chart`, the source sentence and the axis title.

Speed: what depends only on the indicator is computed once per indicator; the history is computed for every
pair. The chart depends on a history only through which of its series hold values (and their shape), so it
is built and its Vega-Lite spec validated once per indicator for each such pattern, in both languages.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest

from ioc import charts, ledger, scoring
from ioc.config import Config
from ioc.labels import t
from ioc.rollup import rollup
from ioc.source_text import source_sentence, unit_title
from ioc.views import commune_rows, department_rows, indicator_rows, period_choices, with_provenance
from tests.helpers_demo import seed_demo

GRANULARITIES = ("month", "quarter", "year")
LANGS = ("vi", "en")
HISTORY_COLUMNS = {"period", "period_end", "value", "expected", "target"}
PAGE_TEXTS = ("value_text", "target_text", "expected_text", "status_text", "period_text", "deadline_text")


@dataclass
class Reach:
    """The seeded demo, scored at every period a user can pick, and every pair's history."""

    config: Config
    observations: pl.DataFrame
    periods: dict[str, list[str]]  # granularity → periods, newest first
    scores: dict[str, pl.DataFrame]  # period → scores
    pairs: pl.DataFrame  # indicator, unit_code: every row of every score
    histories: dict[tuple[str, str], pl.DataFrame] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)  # pair → the error history raised

    def latest(self) -> list[str]:
        """The period each granularity opens on (the newest)."""
        return [self.periods[g][0] for g in GRANULARITIES]


def _once_per_config(fn: Callable) -> Callable:
    """`fn(config, …)` remembered per config object: a pure function of the configuration."""
    memo: dict[tuple, object] = {}

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        key = (tuple(id(a) if isinstance(a, Config) else a for a in args), tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = fn(*args, **kwargs)
        return memo[key]

    return wrapper


@pytest.fixture(scope="module")
def reach(tmp_path_factory: pytest.TempPathFactory, demo_config: Config) -> Reach:
    engine = seed_demo(demo_config, Path(tmp_path_factory.mktemp("reach-data")))
    observations = rollup(ledger.current_observations(engine), demo_config)
    engine.dispose()
    periods = {g: period_choices(observations, g) for g in GRANULARITIES}
    scores = {p: scoring.score(observations, demo_config, p) for ps in periods.values() for p in ps}
    pairs = pl.concat([s.select("indicator", "unit_code") for s in scores.values()]).unique().sort(pl.all())
    out = Reach(demo_config, observations, periods, scores, pairs)
    # The per-indicator parameters are a pure function of the configuration; history rebuilds them for every
    # call, which is most of its time here. Remember them (same values) so every pair fits in the budget.
    with pytest.MonkeyPatch.context() as mp:
        for name in ("indicator_params", "override_params"):
            if hasattr(scoring, name):
                mp.setattr(scoring, name, _once_per_config(getattr(scoring, name)))
        for (ind,), units in pairs.group_by("indicator", maintain_order=True):
            mine = observations.filter(pl.col("indicator") == ind)  # once per indicator
            # history reads the indicator's rows of every unit (a unit's share of a summed target needs them)
            for unit in units["unit_code"]:
                try:
                    out.histories[(ind, unit)] = scoring.history(mine, demo_config, ind, unit)
                except Exception as err:  # collect every failing pair, not only the first
                    out.failures[(ind, unit)] = f"{type(err).__name__}: {err}"
    return out


def test_every_granularity_offers_periods_and_scores_the_same_pairs(reach: Reach) -> None:
    assert all(reach.periods[g] for g in GRANULARITIES), reach.periods
    assert reach.pairs.height > 1000  # 42 indicators over the province, departments and 100 communes
    for period, scores in reach.scores.items():
        assert scores.height == scores.select("indicator", "unit_code").unique().height, period


def test_every_page_links_only_to_scored_pairs(reach: Reach) -> None:
    """Department rows, commune rows and the Indicator page's unit list are all rows of the scores."""
    known = set(reach.pairs.iter_rows())
    config = reach.config
    for period in reach.latest():
        scores = reach.scores[period]
        linked: set[tuple[str, str]] = set()
        for dept in config.registry.departments["id"]:
            rows = department_rows(scores, config, dept, "vi")
            if not rows.is_empty():
                linked |= set(rows.select("indicator", "unit_code").iter_rows())
        for code in config.registry.communes["code"]:
            rows = commune_rows(scores, config, code, "vi")
            assert not rows.is_empty(), (period, code)  # every commune has a scorecard
            linked |= set(rows.select("indicator", "unit_code").iter_rows())
        assert linked, period
        assert linked <= known, sorted(linked - known)[:5]


def test_every_pair_has_a_history_with_values_and_target(reach: Reach) -> None:
    assert not reach.failures, dict(list(reach.failures.items())[:10])
    assert len(reach.histories) == reach.pairs.height
    for pair, history in reach.histories.items():
        assert set(history.columns) >= HISTORY_COLUMNS, pair
        assert history["period_end"].is_sorted(), pair
    # the values are there to draw: most pairs have at least one value and a target line
    with_value = sum(h["value"].drop_nulls().len() > 0 for h in reach.histories.values())
    with_target = sum(h["target"].drop_nulls().len() > 0 for h in reach.histories.values())
    assert with_value > 0.9 * len(reach.histories)
    # every pair has a target line, except the units with no target of their own (unit_target: none)
    untargeted = {
        pair
        for scores in reach.scores.values()
        for pair in scores.filter(pl.col("unit_rule") == "none").select("indicator", "unit_code").iter_rows()
    }
    assert untargeted, "the demo declares unit_target: none for some summed indicators"
    assert with_target == len(reach.histories) - len(untargeted)
    for pair in untargeted:
        assert reach.histories[pair]["target"].is_null().all(), pair


def _shape(history: pl.DataFrame) -> tuple:
    """What the chart's construction depends on: the rows, and per series whether it holds any value,
    any gap, or a non-finite number."""
    out: list[object] = [history.height == 0]
    for col in ("value", "expected", "target"):
        s = history[col]
        finite = all(math.isfinite(x) for x in s.drop_nulls().to_list())
        out += [s.drop_nulls().len() > 0, s.null_count() > 0, finite]
    return tuple(out)


def test_every_pair_chart_builds_with_value_and_target(reach: Reach) -> None:
    config = reach.config
    built = 0
    for ind in config.targets.indicators:
        fmt = ",.1f" if ind.unit.value != "count" else ",.0f"  # as the page asks
        shapes: dict[tuple, pl.DataFrame] = {}
        for (i, _unit), history in reach.histories.items():
            if i == ind.id:
                shapes.setdefault(_shape(history), history)
        assert shapes, ind.id
        for history in shapes.values():
            for lang in LANGS:
                chart = charts.trend_chart(history, lang, fmt, unit_title=unit_title(ind, config, lang))
                assert {"value", "target"} <= set(chart.data.columns), ind.id
                line = chart.layer[0].encoding
                assert line.y.to_dict()["title"] == unit_title(ind, config, lang)
                if history["target"].drop_nulls().len():
                    assert t("series.target", lang) in line.color.to_dict()["scale"]["domain"], ind.id
                if lang == "vi":  # the languages differ only in words: validate the spec once
                    chart.to_dict()
                built += 1
    assert built >= 2 * len(config.targets.indicators)


def test_every_pair_row_has_what_the_page_shows(reach: Reach) -> None:
    """The Indicator page's unit list, metrics, table and info block, for every unit at every granularity."""
    config = reach.config
    for period in reach.latest():
        scores = reach.scores[period]
        for ind in config.targets.indicators:
            units = set(scores.filter(pl.col("indicator") == ind.id)["unit_code"])
            for lang in LANGS:
                rows = indicator_rows(scores, config, ind.id, lang)
                assert set(rows["unit_code"]) == units, (period, ind.id)
                for col in PAGE_TEXTS:
                    assert rows[col].null_count() == 0, (period, ind.id, col)
                assert (rows["status_text"] != "").all(), (period, ind.id)
                table = with_provenance(rows, reach.observations)
                assert table.height == rows.height, (period, ind.id)
                assert source_sentence(ind, config, lang), ind.id
                communes = rows.filter(pl.col("level") == "commune")
                if period == reach.periods["month"][0] and not communes.is_empty():
                    charts.spread_chart(communes, lang).to_dict()  # the spread across communes


def test_the_chart_target_is_the_units_target(reach: Reach) -> None:
    scores = reach.scores[reach.periods["month"][0]].select("indicator", "unit_code", "target")
    wrong = []
    for ind, unit, target in scores.iter_rows():
        line = reach.histories[(ind, unit)]["target"].drop_nulls()
        drawn = float(line[-1]) if line.len() else None
        if (target is None) != (drawn is None) or (
            target is not None and drawn is not None and not math.isclose(target, drawn, rel_tol=1e-9)
        ):
            wrong.append((ind, unit, target, drawn))
    assert not wrong, f"{len(wrong)} pairs, e.g. {wrong[:3]}"
