"""Manager access to the full app: Streamlit's OIDC sign-in (st.login) when `[auth]` is in the
secrets, else a password (`password` in the secrets or $OKAM_PASSWORD), else open access for
local use with a visible notice. Share-link viewers never reach this gate: app.py shows them
their one Client view only.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import streamlit as st

from okam_analytics.ui import warm
from okam_analytics.ui.text import t

PASSWORD_ENV = "OKAM_PASSWORD"
SIGNED_IN_KEY = "auth__signed_in"  # session flag after a correct password
FORM_KEY = "auth_form"


def secret(key: str) -> Any:
    """st.secrets[key], or None when there is no secrets file or no such key."""
    try:
        return st.secrets.get(key)
    except Exception:  # no secrets.toml at all is the normal local case
        return None


def access_mode() -> str:
    """'oidc' when [auth] is configured, 'password' when a password is, else 'open'."""
    if secret("auth"):
        return "oidc"
    if expected_password():
        return "password"
    return "open"


def expected_password() -> str | None:
    """The manager password from the secrets, else from $OKAM_PASSWORD (None when neither)."""
    value = secret("password") or os.environ.get(PASSWORD_ENV, "")
    return str(value) if value else None


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (no timing hint about how much of the password was right)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_signed_in() -> bool:
    """True when the full app may be shown (always, in open access)."""
    if warm.is_warm_session():  # this process warming its own caches (ui/warm.py)
        return True
    mode = access_mode()
    if mode == "oidc":
        return bool(st.user.get("is_logged_in", False))
    if mode == "password":
        return bool(st.session_state.get(SIGNED_IN_KEY))
    return True


def require_manager() -> bool:
    """True when the full app may be shown; otherwise the sign-in screen was drawn."""
    if warm.is_warm_session():
        return True
    mode = access_mode()
    if mode == "oidc":
        return _oidc()
    if mode == "password":
        return _password()
    st.sidebar.info(t("auth.open_access"), icon=":material/lock_open:")
    return True


def _oidc() -> bool:
    if st.user.get("is_logged_in", False):
        st.sidebar.caption(t("auth.signed_in_as", name=st.user.get("name") or st.user.get("email")))
        st.sidebar.button(t("auth.sign_out"), key="auth_sign_out", on_click=st.logout)
        return True
    st.title(t("auth.title"))
    st.button(t("auth.sign_in_with_account"), key="auth_sign_in", on_click=st.login, type="primary")
    return False


def _password() -> bool:
    if st.session_state.get(SIGNED_IN_KEY):
        st.sidebar.button(t("auth.sign_out"), key="auth_sign_out", on_click=_forget)
        return True
    st.title(t("auth.title"))
    with st.form(FORM_KEY):
        given = st.text_input(t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        if password_matches(given or "", expected_password() or ""):
            st.session_state[SIGNED_IN_KEY] = True
            st.rerun()
        st.error(t("auth.wrong_password"))
    return False


def _forget() -> None:
    st.session_state[SIGNED_IN_KEY] = False
