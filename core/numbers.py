"""Figures the way readers expect them: 631.1万, 13.34亿 in Chinese; 6.31 M in English.

One rule for decimals, everywhere a figure is shown:
- counts are whole; shortened, 万 carries 1 decimal and 亿 2 (631.1万, 13.34亿);
- money is exact to the fen (2 decimals) when written out, shortened like counts
  with 元 (5821.3万元), and in English as CNY;
- ratios held against a limit (occupancy, utilisation, thresholds) are whole
  percents (97% against 95%); shares carry 1 decimal (34.2%), changes 1 decimal
  and a sign (+3.4%);
- durations and ages are whole seconds, minutes or hours;
- chart axes use the same 万/亿 words with no more decimals than the step needs.
Everything rounds half up from the exact value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _round(value: float | int | Decimal, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)


def cny(yuan: Decimal | int | float) -> float:
    """Money in yuan for JSON and exports: rounded half up to 2 decimals from the exact value."""
    return float(_round(yuan, 2))


def fen(yuan: Decimal) -> int:
    """An exact yuan amount in whole fen (half up), for the 万/亿 formats below."""
    return int(_round(yuan * 100, 0))


def count_zh(n: int | float) -> str:
    """631.1万, 1.02亿; below ten thousand the plain number."""
    n = Decimal(str(n))
    if abs(n) >= Decimal(10) ** 8:
        r = _round(n / Decimal(10) ** 8, 2)
        if abs(r) < Decimal(10) ** 4:
            return f"{r}亿"
    if abs(n) >= Decimal(10) ** 4:
        r = _round(n / Decimal(10) ** 4, 1)
        if abs(r) >= Decimal(10) ** 4:  # 9999.95万 rounds up to 1.00亿
            return f"{_round(n / Decimal(10) ** 8, 2)}亿"
        return f"{r}万"
    return f"{int(_round(n, 0))}"


def yuan_zh(fen: int) -> str:
    """Goods value from fen: 13.34亿元, 5821.3万元, 8,600元."""
    yuan = Decimal(fen) / 100
    if abs(yuan) >= Decimal(10) ** 8:
        return f"{_round(yuan / Decimal(10) ** 8, 2)}亿元"
    if abs(_round(yuan, 0)) >= Decimal(10) ** 4:  # 9,999.99元 rounds to 1.0万元, not 10,000元
        r = _round(yuan / Decimal(10) ** 4, 1)
        if abs(r) >= Decimal(10) ** 4:
            return f"{_round(yuan / Decimal(10) ** 8, 2)}亿元"
        return f"{r}万元"
    return f"{int(_round(yuan, 0)):,}元"


def yuan_exact(fen: int, lang: str = "zh") -> str:
    """Money to the fen: 12,345.67元; CNY 12,345.67 in English."""
    text = f"{_round(Decimal(fen) / 100, 2):,}"
    return f"CNY {text}" if lang == "en" else f"{text}元"


def percent(ratio: float | None) -> str:
    """A ratio as a whole percent: 0.97 reads 97%."""
    if ratio is None or ratio != ratio:
        return ""
    return f"{_round(Decimal(str(ratio)) * 100, 0)}%"


def axis_ticks(top: float, lang: str = "zh", most: int = 6) -> tuple[list[float], list[str]]:
    """Round tick values from 0 to past `top` and their labels in 万/亿 (zh) or
    k/M (en), for a plotly axis: its own SI suffixes (8M, 6k) are not Chinese."""
    top = max(float(top), 1.0)
    step = 1.0
    while top / step > most:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, ...
            step *= factor
            if top / step <= most:
                break
    step = float(Decimal(str(step)).normalize())
    count = int(-(-top // step))
    values = [i * step for i in range(count + 1)]
    return values, [axis_label(v, lang) for v in values]


def axis_label(v: float, lang: str = "zh") -> str:
    """A tick's label with only the decimals it needs: 0, 5000, 200万, 1.5亿; 2 M in English."""
    for div, suffix in ((1e8, "亿"), (1e4, "万")) if lang != "en" else ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(v) >= div:
            return f"{Decimal(str(v / div)).normalize():f}{suffix}"
    return f"{Decimal(str(v)).normalize():f}"


def count_text(n: int | float, lang: str = "zh") -> str:
    """A count shortened in the reader's language: 631.1万, or 6.31 M."""
    return count_en(n) if lang == "en" else count_zh(n)


def count_en(n: int | float) -> str:
    n = float(n)
    for div, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(n) >= div:
            return f"{n / div:.2f}{suffix}"
    return f"{n:,.0f}"


def yuan_en(fen: int) -> str:
    return "CNY " + count_en(fen / 100)


def percent_change(now: float, before: float) -> float | None:
    """Change from `before` to `now` as a fraction; None when there is nothing to compare."""
    if not before:
        return None
    return now / before - 1


def signed_percent(change: float | None) -> str:
    if change is None:
        return "—"
    return f"{'+' if change >= 0 else ''}{change * 100:.1f}%"


def bits_per_second(bps: float) -> str:
    if bps >= 1e6:
        return f"{bps / 1e6:,.2f} Mbit/s"
    return f"{bps / 1e3:,.1f} kbit/s"
