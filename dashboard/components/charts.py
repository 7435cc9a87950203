"""Plotly figures with a calm dark style shared by every page. Axes carry the
reader's words: counts in 万/亿 with ticks computed here (never plotly's k/M/G),
times as HH:MM (never a month name)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.numbers import axis_ticks

LAYOUT = dict(
    template="plotly_dark",
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    margin=dict(l=10, r=10, t=30, b=10),
    legend=dict(orientation="h", y=1.08, x=0),
    font=dict(size=14),
    uirevision="keep",
)


HOVER = "%{x|%H:%M}  %{y:,}<extra>%{fullData.name}</extra>"  # the exact figure, no SI suffix
TIME_AXIS = dict(tickformat="%H:%M", hoverformat="%H:%M")
PERCENT_AXIS = dict(tickformat=".0%", hoverformat=".0%")


def count_axis(top: float, lang: str, **more) -> dict:
    """A y axis from 0 past `top` with its ticks written in 万/亿 (zh) or k/M (en)."""
    values, labels = axis_ticks(top, lang)
    return dict(tickmode="array", tickvals=values, ticktext=labels, range=[0, values[-1] * 1.02], **more)


def top_of(*series: pd.Series) -> float:
    return max([float(s.max()) for s in series if len(s)] + [0.0])


def cumulative(
    today: pd.Series, last_year: pd.Series, names: tuple[str, str], y_title: str, lang: str = "zh"
) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=last_year.index,
        y=last_year.values,
        name=names[1],
        mode="lines",
        line=dict(color="#7b8aa6", width=2, dash="dot"),
        hovertemplate=HOVER,
    )
    fig.add_scatter(
        x=today.index,
        y=today.values,
        name=names[0],
        mode="lines",
        line=dict(color="#3fb6ff", width=3),
        hovertemplate=HOVER,
    )
    fig.update_layout(
        **LAYOUT,
        height=360,
        yaxis=count_axis(top_of(today, last_year), lang, title=y_title),
        xaxis=TIME_AXIS,
    )
    return fig


def sparkline(values: list[int], height: int = 70, color: str = "#3fb6ff") -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            y=values,
            mode="lines",
            line=dict(color=color, width=2),
            fill="tozeroy",
            fillcolor="rgba(63,182,255,0.15)",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        **{**LAYOUT, "margin": dict(l=0, r=0, t=0, b=0)},
        height=height,
        showlegend=False,
        xaxis=dict(visible=False),
        yaxis=dict(visible=False, rangemode="tozero"),
    )
    return fig
