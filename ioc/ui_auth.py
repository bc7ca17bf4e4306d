"""Sign-in for the Streamlit shell: the form, the session kept in `st.session_state`, sign-out, and the
optional OpenID Connect sign-in through `st.login` (when `secrets.toml` has an `[auth]` section).

The contract with the other pages: a signed-in person is `st.session_state["ioc_user"]`, an
`ioc.accounts.User`; the key is absent when nobody is signed in, and removed on sign-out or when the
session expires. Only a hash of the session token is stored in the database (`ioc.accounts`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ioc import accounts, ui_cache
from ioc.accounts import User
from ioc.labels import t
from ioc.ui import _md_escape

USER_KEY = "ioc_user"
_TOKEN_KEY = "_ioc_session_token"
_EXPIRED_KEY = "_ioc_session_expired"


def oidc_configured() -> bool:
    """Whether the deployment configured an OpenID Connect provider (`[auth]` in `secrets.toml`)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises rather than answering False
        return False


def _oidc_identity() -> dict[str, Any] | None:
    if not oidc_configured():
        return None
    try:
        user = st.user
        if user.get("is_logged_in"):
            return dict(user)
    except Exception:  # st.user needs streamlit[auth]; without it there is no OIDC identity
        return None
    return None


def _idle() -> dt.timedelta:
    return dt.timedelta(minutes=ui_cache.settings().session_idle_minutes)


def current_user() -> User | None:
    """The signed-in user for this run (local session or OpenID Connect), kept in `ioc_user`; None if none.

    A local session is checked against the database on every run, so an expired session or a disabled
    account signs out at once (and the next form says the session expired).
    """
    token = st.session_state.get(_TOKEN_KEY)
    user: User | None = None
    if token:
        user = accounts.session_user(ui_cache.db(), token, idle=_idle())
        if user is None:
            st.session_state.pop(_TOKEN_KEY, None)
            st.session_state[_EXPIRED_KEY] = True
    if user is None and (identity := _oidc_identity()) is not None:
        user = accounts.user_by_email(ui_cache.db(), identity.get("email"))
    if user is None:
        st.session_state.pop(USER_KEY, None)
    else:
        st.session_state[USER_KEY] = user
    return user


def sign_in_form(lang: str, *, key: str = "signin", title: str | None = None) -> User | None:
    """The sign-in form (and the province sign-in button when OIDC is configured); the user once signed in.

    `title` replaces the Upload page's heading ("Sign in to upload data") on pages that sign in for
    something else (the Meeting page's administrator)."""
    user = current_user()
    if user is not None:
        return user
    st.subheader(title or t("auth.title", lang))
    if st.session_state.pop(_EXPIRED_KEY, False):
        st.warning(t("auth.expired", lang))
    identity = _oidc_identity()
    if identity is not None:  # signed in at the provider, but no account carries this e-mail
        st.warning(t("auth.oidc_unknown", lang, email=_md_escape(identity.get("email") or "?")))
    with st.form(key, clear_on_submit=False, border=True):
        username = st.text_input(t("auth.username", lang), key=f"{key}_user", autocomplete="username")
        password = st.text_input(
            t("auth.password", lang), type="password", key=f"{key}_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        s = ui_cache.settings()
        outcome = accounts.authenticate(
            ui_cache.db(), username, password, lifetime=dt.timedelta(hours=s.session_hours)
        )
        if outcome.user is not None and outcome.token is not None:
            st.session_state[_TOKEN_KEY] = outcome.token
            st.session_state[USER_KEY] = outcome.user
            st.session_state.pop(f"{key}_password", None)
            st.rerun()
        elif outcome.issue is not None:
            st.error(_md_escape(outcome.issue.text(lang)))
            if outcome.issue.hint_text(lang):
                st.caption(_md_escape(outcome.issue.hint_text(lang) or ""))
    if oidc_configured() and identity is None and st.button(t("auth.oidc", lang), key=f"{key}_oidc"):
        st.login()
    return None


def sign_out() -> None:
    """End the local session (its token stops working) and the OpenID Connect one, if any."""
    token = st.session_state.pop(_TOKEN_KEY, None)
    st.session_state.pop(USER_KEY, None)
    if token:
        accounts.end_session(ui_cache.db(), token)
    if _oidc_identity() is not None:
        st.logout()


def sidebar_status(lang: str) -> User | None:
    """Who is signed in, with a sign-out button, in the sidebar (nothing when nobody is)."""
    user = current_user()
    if user is None:
        return None
    role = t(f"role.{user.role}", lang) + (f" · {user.department}" if user.department else "")
    st.sidebar.caption(
        t("auth.signed_in", lang, name=f"**{_md_escape(user.display_name)}** ({_md_escape(role)})")
    )
    if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
    return user


def require_viewer(lang: str) -> None:
    """When anonymous viewing is off, stop the run at the sign-in form until someone signs in."""
    if ui_cache.settings().anonymous_view or current_user() is not None:
        return
    st.info(t("auth.view_required", lang))
    sign_in_form(lang, key="signin_view")
    st.stop()
