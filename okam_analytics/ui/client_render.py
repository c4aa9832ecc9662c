"""The Client page's parts: the share-link scope, the client choice, tiles, charts, tables,
downloads, the share-link box and the PDF button. Everything shown comes from one
ClientSummary (client_view), formatted by client_format, exactly as the PDF prints it."""

from __future__ import annotations

from contextlib import closing
from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd
import streamlit as st

from okam_analytics import formatting, settings
from okam_analytics.charts import CONFIG
from okam_analytics.steering import actions, deck_layout, share
from okam_analytics.steering import deck as steering_deck
from okam_analytics.steering import format as client_format
from okam_analytics.steering import pdf as steering_pdf
from okam_analytics.steering import view as client_view
from okam_analytics.steering.view import ClientSummary
from okam_analytics.ui import auth, data, render, state
from okam_analytics.ui.text import t

SELECT_KEY, DAYS_KEY, CREATE_KEY = "client_client", "client_share_days", "client_share_create"


def summary_of(
    con: duckdb.DuckDBPyConnection, client: str, date_from: date, date_to: date
) -> ClientSummary:
    """client_view.client_summary with the database's settings (cached by the page)."""
    return client_view.client_summary(con, settings.load(con), client, date_from, date_to)


def share_secret() -> str | None:
    """The share secret: $OKAM_SECRET, else `share_secret` in the Streamlit secrets."""
    return share.secret_from_env() or (str(auth.secret(share.SECRET_KEY) or "").strip() or None)


def shared_scope() -> share.ShareScope:
    """The verified scope of this share link; otherwise a plain refusal and the run stops."""
    tokens = st.query_params.get_all(state.SHARE_TOKEN_PARAM)
    try:
        if len(tokens) != 1:
            raise share.ShareRefused("one token expected")
        scope = share.verify(tokens[0], share_secret() or "")
        # a client named in the URL besides the token must be the token's own
        if any(name != scope.client for name in st.query_params.get_all("client")):
            raise share.ShareRefused("another client in the URL")
    except share.ShareRefused:
        refusal()
        st.stop()
    return scope


def refusal() -> None:
    """The plain refusal of a share link: no client name, no data."""
    st.error(t("client.shared.refused"), icon=":material/link_off:")


def refuse_elsewhere() -> None:
    """The default page of a share link's navigation: any path but /client is refused."""
    st.title(t("nav.client"))
    refusal()


def pick_client(filters: state.Filters) -> str | None:
    """The client select of the manager's view (the sidebar's chosen clients, else all)."""
    known = data.cached_call(state.filter_options).clients
    options = [c for c in filters.clients if c in known] or known
    if not options:
        return None
    if st.session_state.get(SELECT_KEY) not in options:
        st.session_state[SELECT_KEY] = options[0]
    return st.selectbox(t("client.select"), options, key=SELECT_KEY)


def caption(summary: ClientSummary, lang: str) -> None:
    """Client, period and as-of day under the title."""
    st.caption(
        t(
            "client.caption",
            period=client_format.period_text(summary, lang),
            as_of=formatting.day(summary.as_of_date, lang),
        )
    )


def tiles(summary: ClientSummary, lang: str) -> None:
    """The headline figures, four per row."""
    shown = client_format.headline(summary, lang)
    for start in range(0, len(shown), 4):
        for column, tile in zip(st.columns(4), shown[start : start + 4], strict=False):
            column.metric(tile.label, tile.value, border=True)
            if tile.note:
                column.caption(tile.note)


def chart(figures: dict, name: str) -> None:
    """One of the summary's figures, read-only (no selection); keyed, as two empty ones match."""
    st.plotly_chart(figures[name], config=CONFIG, key=f"client_chart_{name}")


def table(frame: pd.DataFrame) -> None:
    """A table of text (every cell already formatted)."""
    render.show_table(frame)


def downloads(frame: pd.DataFrame, summary: ClientSummary, name: str) -> None:
    """CSV/XLSX of one of the summary's tables, formulas neutralised."""
    stem = f"{summary.client}_{summary.date_from}_{summary.date_to}_{name}"
    render.download_buttons(frame, stem, key=f"client_download_{name}")


def pdf_button(summary: ClientSummary, lang: str) -> None:
    """Download the steering PDF (made when clicked: charts take a few seconds), with the
    action items of the review."""
    stem = render.file_stem(f"{summary.client}_{summary.date_from}_{summary.date_to}")
    st.download_button(
        t("client.pdf.download"),
        data=lambda: steering_pdf.report_bytes(summary, lang, review=_review(summary)),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="client_pdf",
    )


def _review(summary: ClientSummary) -> actions.ActionReview:
    with closing(data.cursor()) as con:
        return actions.review(con, summary.client, summary.date_from)


def deck_bytes(summary: ClientSummary, lang: str) -> bytes:
    """The steering deck of the summary (its quarters and action items read when clicked)."""
    with closing(data.cursor()) as con:
        cfg = settings.load(con)
        return steering_deck.build_deck(steering_deck.deck_content(con, cfg, summary), cfg, lang)


def deck_button(summary: ClientSummary, lang: str) -> None:
    """Download the editable PowerPoint deck (manager view); a bad template setting is named."""
    stem = render.file_stem(f"{summary.client}_{summary.date_from}_{summary.date_to}")
    try:  # the logo is checked now, so a bad path shows here rather than failing the download
        deck_layout.check_logo(data.cached_call(settings.load)["steering"]["logo_path"])
    except deck_layout.DeckError as exc:
        st.error(t("client.deck.error", error=render.escape_markdown(exc)), icon=":material/error:")
        return
    st.download_button(
        t("client.deck.download"),
        data=lambda: deck_bytes(summary, lang),
        file_name=f"{stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        icon=":material/slideshow:",
        key="client_deck",
    )


def app_root(url: str | None) -> str:
    """The app's root URL from the current page's URL (…/client -> …)."""
    parts = urlsplit(url or "http://localhost:8501")
    path = parts.path.rstrip("/")
    if path.endswith(f"/{share.CLIENT_PAGE}") or path == f"/{share.CLIENT_PAGE}":
        path = path[: -len(share.CLIENT_PAGE) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def share_box(summary: ClientSummary, lang: str) -> None:
    """Mint a read-only link to this client and period (manager view only)."""
    with st.expander(t("client.share.title"), icon=":material/share:"):
        days = st.number_input(t("client.share.days"), 1, share.MAX_DAYS, 30, key=DAYS_KEY)
        if not st.button(t("client.share.create"), key=CREATE_KEY):
            return
        secret = share_secret()
        try:
            token = share.mint(summary.client, summary.date_from, summary.date_to, int(days),
                               secret or "")  # fmt: skip
        except share.MissingSecret:
            st.error(t("client.share.no_secret"))
            return
        until = date.today() + timedelta(days=int(days))
        st.caption(t("client.share.created", until=formatting.day(until, lang)))
        st.code(share.share_url(app_root(st.context.url), token, lang), language=None,
                wrap_lines=True)  # fmt: skip
