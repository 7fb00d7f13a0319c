"""The admin dashboard as HTML and PNG: a page without scripts, its plots drawn on the server.

Every value on the page goes through `html.escape` (product titles come from the catalog, which a
merchant's feed fills); the plots are PNGs drawn with matplotlib's object API (no pyplot state, so
two requests can draw at once), served from the same origin. The page's policy allows nothing but
its own stylesheet, its own images and its own forms.
"""
from __future__ import annotations

import io
from html import escape
from typing import Any

from channels.admin.figures import DayFigures, Figures

CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
PLOTS = {  # name -> (title, rate key, what is counted)
    "containment": ("Containment rate", "containment_rate", "conversations resolved without a person"),
    "handoff": ("Handoff rate", "handoff_rate", "conversations handed to a person"),
    "csat": ("CSAT", "csat", "thumbs up among the widget's ratings"),
    "click_through": ("Recommendation click-through", "click_through_rate", "product-card clicks per card view"),
}
COLOURS = {"containment": "#2e7d32", "handoff": "#c62828", "csat": "#1565c0", "click_through": "#6a1b9a"}


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


def _head(title: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="/admin/static/favicon.svg" type="image/svg+xml">'
            '<link rel="stylesheet" href="/admin/static/dashboard.css"></head><body>')


def login_page(message: str = "") -> str:
    """The sign-in form: the token travels in a POST body, never in a URL that access logs keep."""
    shown = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return (_head("Aisle admin: sign in") + '<main class="login"><h1>Aisle admin</h1>' + shown +
            '<form method="post" action="/admin/login"><label>Admin token '
            '<input type="password" name="token" autocomplete="current-password" required autofocus></label>'
            '<button type="submit">Sign in</button></form></main></body></html>')


def dashboard_page(figures: Figures, days: int) -> str:
    totals = figures.totals.rates()
    cards = "".join(
        f'<section class="plot" id="plot-{name}"><h2>{escape(title)}</h2>'
        f'<p class="total"><strong>{_percent(totals[key])}</strong> {escape(what)}</p>'
        f'<img src="/admin/plots/{name}.png?days={days}" alt="{escape(title)} per day" width="640" height="260">'
        '</section>' for name, (title, key, what) in PLOTS.items())
    return (_head("Aisle admin") + '<header><h1>Aisle admin</h1>'
            f'<nav>{_window_links(days)}<form method="post" action="/admin/logout">'
            '<button type="submit">Sign out</button></form></nav></header><main>'
            f'<p class="window">The last {days} days (UTC), from {escape(figures.days[0].day)}. '
            f'<a href="/admin/dashboard.json?days={days}">The same figures as JSON</a>.</p>'
            f'{_totals_table(figures.totals)}<div class="plots">{cards}</div>'
            f'{_top_clicked(figures.top_clicked)}{_days_table(figures.days)}</main></body></html>')


def _window_links(days: int) -> str:
    return " ".join(f'<a href="/admin?days={n}"{" aria-current=page" if n == days else ""}>{n} days</a>'
                    for n in (7, 30, 90))


def _totals_table(totals: DayFigures) -> str:
    rows = [("Conversations", totals.conversations), ("Resolved without a person", totals.contained),
            ("Handed off", totals.handed_off), ("Thumbs up", totals.thumbs_up),
            ("Thumbs down", totals.thumbs_down), ("Product cards seen", totals.card_views),
            ("Product cards opened", totals.card_clicks), ("Carts started", totals.carts_started),
            ("Checkouts", totals.checkouts)]
    body = "".join(f"<tr><th scope=row>{escape(name)}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="totals" id="totals"><caption>Totals</caption>{body}</table>'


def _top_clicked(top: list[dict[str, Any]]) -> str:
    if not top:
        return ""
    rows = "".join(f'<tr><td class="title">{escape(p["title"] or "(no longer in the catalog)")}</td>'
                   f'<td><code>{escape(p["id"])}</code></td><td>{int(p["clicks"])}</td></tr>' for p in top)
    return ('<table class="top" id="top-clicked"><caption>Most opened products</caption>'
            f'<tr><th>Product</th><th>Id</th><th>Clicks</th></tr>{rows}</table>')


def _days_table(days: list[DayFigures]) -> str:
    head = ("<tr><th>Day</th><th>Conversations</th><th>Handed off</th><th>Containment</th><th>👍</th><th>👎</th>"
            "<th>CSAT</th><th>Cards seen</th><th>Opened</th><th>Click-through</th><th>Carts started</th>"
            "<th>Checkouts</th></tr>")
    rows = "".join(
        f"<tr><td>{escape(d.day)}</td><td>{d.conversations}</td><td>{d.handed_off}</td>"
        f"<td>{_percent(d.rates()['containment_rate'])}</td><td>{d.thumbs_up}</td><td>{d.thumbs_down}</td>"
        f"<td>{_percent(d.rates()['csat'])}</td><td>{d.card_views}</td><td>{d.card_clicks}</td>"
        f"<td>{_percent(d.rates()['click_through_rate'])}</td><td>{d.carts_started}</td><td>{d.checkouts}</td>"
        "</tr>" for d in reversed(days))
    return f'<table class="days" id="per-day"><caption>Per day</caption>{head}{rows}</table>'


def plot_png(figures: Figures, name: str) -> bytes:
    """One figure's daily rate as bars (days without data left empty), its total as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    title, key, _ = PLOTS[name]
    rates = [d.rates()[key] for d in figures.days]
    total = figures.totals.rates()[key]
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.add_subplot()
    positions = [n for n, rate in enumerate(rates) if rate is not None]
    axes.bar(positions, [rates[n] * 100 for n in positions], color=COLOURS[name], width=0.8)
    if total is not None:
        axes.axhline(total * 100, color="#333333", linestyle="--", linewidth=1, label=f"total {total * 100:.1f} %")
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    step = max(1, len(figures.days) // 6)
    axes.set_xticks(range(0, len(figures.days), step), [d.day[5:] for d in figures.days][::step], fontsize=8)
    axes.set_xlim(-0.6, len(figures.days) - 0.4)
    axes.set_ylim(0, 105)
    axes.set_ylabel("%", fontsize=8)
    axes.set_title(f"{title} per day", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
