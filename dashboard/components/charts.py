"""Plotly figures with a calm dark style shared by every page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

LAYOUT = dict(
    template="plotly_dark",
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    margin=dict(l=10, r=10, t=30, b=10),
    legend=dict(orientation="h", y=1.08, x=0),
    font=dict(size=14),
    uirevision="keep",
)


def cumulative(today: pd.Series, last_year: pd.Series, names: tuple[str, str], y_title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=last_year.index,
        y=last_year.values,
        name=names[1],
        mode="lines",
        line=dict(color="#7b8aa6", width=2, dash="dot"),
    )
    fig.add_scatter(x=today.index, y=today.values, name=names[0], mode="lines", line=dict(color="#3fb6ff", width=3))
    fig.update_layout(**LAYOUT, height=360, yaxis_title=y_title, xaxis=dict(tickformat="%H:%M"))
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
