"""Streamlit caches around the core: engine, config, observations and scores.

Keys are small exact values — the ledger revision, the targets.yaml hash, the period — never a frame, so a
newly accepted submission shows at once and large frames are never hashed by sampling.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from ioc import ledger, store
from ioc.config import Config, load_config
from ioc.rollup import rollup
from ioc.scoring import composite as _composite
from ioc.scoring import history as _history
from ioc.scoring import score
from ioc.settings import Settings, get_settings
from ioc.targets import Level
from ioc.views import sparklines as _sparklines


# No spinners: on a first start the only wait shown is the seeding's, in the UI language (ioc_app.py).
@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return get_settings()


@st.cache_resource(on_release=lambda e: e.dispose(), show_spinner=False)
def engine(url: str) -> Engine:
    """One engine (connection pool) per database URL, schema migrated on first use."""
    eng = store.get_engine(url)
    store.migrate(eng)
    return eng


def db() -> Engine:
    return engine(settings().resolved_database_url())


@st.cache_resource(show_spinner=False)
def _config(path: str, mtime_ns: int) -> Config:
    return load_config(Path(path))


def config() -> Config:
    """The configuration, reloaded when targets.yaml changes on disk (raises IssueError when broken)."""
    path = settings().targets
    return _config(str(path), path.stat().st_mtime_ns)


def _seeds_demo() -> bool:
    return settings().seed_demo and config().targets.demo


@st.cache_resource(show_spinner=False)
def ensure_seeded(url: str, targets_sha: str) -> bool:
    """Seed the demo province once per process when the database is empty (first start): the months the
    opening view needs now, the rest of the history in a background process (see `seeding_notice`)."""
    if not _seeds_demo():
        return False
    from ioc.demo import ensure_demo

    return ensure_demo(config(), db(), settings().data_dir, background=True)


def seeding_wait_text(lang: str) -> str:
    """What the first-start wait screen says, in the UI language, with the expected wait."""
    from ioc.demo.first_start import wait_text

    return wait_text(lang)


def seeding_notice(lang: str) -> None:
    """While the demo's earlier history is still loading, say so on every page (updated every 15 s: often
    enough to follow, rarely enough that the page is not forever "running"); once it is complete, rerun
    the app so every view shows the whole history."""
    if not _seeds_demo():
        return
    from ioc.demo.first_start import filling_line, filling_text, progress

    data_dir = settings().data_dir
    if progress(data_dir) is None:
        return

    @st.fragment(run_every=15)
    def _notice() -> None:
        state = progress(data_dir)
        if state is None:
            st.rerun(scope="app")
        else:
            # one line, the whole explanation in its help: a phone's first screen stays for the headline
            st.caption(
                f":material/hourglass_top: {filling_line(lang, state)}", help=filling_text(lang, state)
            )

    _notice()


def revision() -> int:
    """Changes whenever accepted data changes; cheap enough to read on every rerun."""
    return store.revision(db())


@st.cache_data(max_entries=4, show_spinner=False)
def observations(rev: int, sha: str) -> pl.DataFrame:
    """Current accepted observations plus province roll-ups."""
    return rollup(ledger.current_observations(db()), config())


@st.cache_data(max_entries=64, max_size="256MB", show_spinner=False)
def scores(rev: int, sha: str, as_of: str, today: dt.date) -> pl.DataFrame:
    """Scores of `as_of` judged as of `today` (which reports are due)."""
    return score(observations(rev, sha), config(), as_of, today=today)


@st.cache_data(max_entries=64, show_spinner=False)
def composite(rev: int, sha: str, as_of: str, level: str, today: dt.date) -> pl.DataFrame:
    return _composite(scores(rev, sha, as_of, today), config(), Level(level))


@st.cache_data(max_entries=256, show_spinner=False)
def history(rev: int, sha: str, indicator: str, unit_code: str) -> pl.DataFrame:
    return _history(observations(rev, sha), config(), indicator, unit_code)


@st.cache_data(max_entries=16, show_spinner=False)
def sparklines(rev: int, sha: str, as_of: str) -> pl.DataFrame:
    return _sparklines(observations(rev, sha), as_of)


@st.cache_data(max_entries=16, show_spinner=False)
def submissions(rev: int, department: str | None = None) -> pl.DataFrame:
    return ledger.submissions(db(), department=department)
