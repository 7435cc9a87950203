"""The `cbec` command. `summary`, `report` and `token` ask the running app
that holds the database (its local API); with no app running they, and the
other commands, work on the database file themselves."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from datetime import date, datetime, time
from pathlib import Path

from base import environment
from base.config import ConfigError, load_config, options
from cbec import account_commands as commands
from cbec import broker_commands
from core.summary import REPORT_FORMATS
from core.text import text
from queries.store import StoreError


class UsageError(Exception):
    """A bad argument; printed as one line."""


def _date(text: str | None) -> date:
    """A day given as YYYY-MM-DD; none given: today in Beijing."""
    if not text:
        from base.clock import now_beijing

        return now_beijing().date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _hhmm(text: str | None) -> time | None:
    if text is None:
        return None
    if text == "24:00":
        return None
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise UsageError(f"not a time of day (HH:MM): {text!r}") from None


def cmd_simulate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from collectors.simulator.source import simulate_batch
    from core.runtime import Runtime

    day = _date(args.date)
    until = _hhmm(args.until)
    end = datetime.combine(day, until) if until else datetime.combine(day, time.max)
    config = load_config(args.config)
    if args.xml_out:
        from collectors.simulator.families import KINDS as FAMILY_KINDS
        from collectors.simulator.xml_out import XmlFileSink

        sink = XmlFileSink(Path(args.xml_out))
        totals = simulate_batch(config, sink, day, end, seed=args.seed)
        if not args.quiet:
            others = ", ".join(f"{k.replace('_', ' ')} {totals[k]:,}" for k in FAMILY_KINDS)
            print(
                f"wrote {totals['declarations']:,} lists, {totals['receipts']:,} receipts, {others} "
                f"as {sink.files:,} CEB message files to {args.xml_out}"
            )
        return 0
    args.db = args.db or str(config.store_path)
    runtime = Runtime(config, db_path=args.db, with_collectors=False)
    try:
        with tqdm(
            total=100,
            unit="%",
            desc=f"simulating {day}",
            disable=args.quiet,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
        ) as bar:

            def progress(done: int, total: int) -> None:
                bar.n = round(100 * done / total)
                bar.refresh()

            with runtime.store.bulk_load():
                totals = simulate_batch(config, runtime.sink, day, end, seed=args.seed, progress=progress)
    finally:
        runtime.stop()
    if not args.quiet:
        print(
            f"wrote {totals['declarations']:,} lists, {totals['receipts']:,} receipts, "
            f"{totals['samples']:,} samples to {args.db}"
        )
    return 0


def _from_app(db: str, path: str, params: dict | None = None, body: dict | None = None) -> dict | None:
    """The running app's answer for this database (a GET, or a POST of `body`), or None when no app holds it."""
    from cbec import app_client

    try:
        return app_client.ask(db, "POST" if body is not None else "GET", path, params=params, body=body)
    except app_client.NotRunning:
        return None
    except app_client.AppError as e:
        raise UsageError(str(e)) from None


def _window_params(day: date, until: time | None) -> dict:
    return {"date": day.isoformat(), **({"until": until.strftime("%H:%M")} if until else {})}


def cmd_summary(args: argparse.Namespace) -> int:
    from core.names import Names

    day = _date(args.date)
    until = _hhmm(args.until)
    config = load_config(args.config)
    args.db = args.db or str(config.store_path)
    result = _from_app(args.db, "/api/local/summary", _window_params(day, until))
    if result is None:  # no app holds the file: read it here
        from core import simulated
        from core.summary import day_summary
        from queries.store import Store

        if not Path(args.db).exists():
            raise UsageError(f"database file not found: {args.db}")
        store = Store(args.db, read_only=True)
        try:
            result = day_summary(store.cursor(), day, until, simulated.sources(config))
        finally:
            store.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    r, tax = result, result["tax"]
    if not any((r["released_lists"], r["cancelled_lists"], r["returned_value_cny"], r["format_rejects"],
                tax["assessed_cny"], tax["voided_cny"])):  # fmt: skip
        print(text("cli_no_data", args.lang).format(day=day), file=sys.stderr)
        return 1  # a day with no data is not a day of zeros
    if not args.json:
        print("\n".join(summary_lines(result, Names(config), args.lang)))
    return 0


def summary_lines(r: dict, names, lang: str) -> list[str]:
    """`cbec summary` in the reader's language: sites and trade modes by name, money in yuan with 万/亿."""
    from core.numbers import count_text, yuan_en, yuan_zh
    from core.report.export import shown_width, trade_mode_name

    def money(yuan: float) -> str:  # to the fen everywhere; the headline adds 万/亿
        return f"CNY {yuan:,.2f}" if lang == "en" else f"{yuan:,.2f}元"

    def row(name: str, v: dict) -> str:
        pad = " " * max(0, 26 - shown_width(name))
        lists = text("cli_lists", lang).format(n=f"{v['released_lists']:,}")
        return f"    {name}{pad}{lists:>16}  {money(v['goods_value_cny']):>20}"

    tax = r["tax"]
    lists, fen = r["released_lists"], round(r["goods_value_cny"] * 100)
    short = count_text(lists, lang)
    value = f"{money(r['goods_value_cny'])} ({yuan_en(fen)})" if lang == "en" else \
        f"{money(r['goods_value_cny'])}（{yuan_zh(fen)}）"  # fmt: skip
    lines = [text("sim_mark", lang)] if r["simulated"] else []
    lines.append(text("cli_released", lang).format(
        window=f"{r['date']} 00:00–{r['until']}", lists=f"{lists:,}", short=short, value=value))  # fmt: skip
    lines.append("  " + text("cli_net", lang).format(
        lists=f"{r['net_released_lists']:,}", value=money(r["net_goods_value_cny"]),
        cancelled=f"{r['cancelled_lists']:,}", cancelled_value=money(r["cancelled_value_cny"]),
        returned=money(r["returned_value_cny"])))  # fmt: skip
    lines.append("  " + text("cli_tax", lang).format(
        assessed=money(tax["assessed_cny"]), voided=money(tax["voided_cny"]), net=money(tax["net_cny"]),
        rejects=f"{r['format_rejects']:,}"))  # fmt: skip
    lines.append("  " + text("rep_trade_modes", lang))
    lines += [row(trade_mode_name(mode, lang), v) for mode, v in r["by_trade_mode"].items()]
    lines.append("  " + text("rep_sites", lang))
    for code, v in r["by_site"].items():
        lines.append(row(text("site_unknown", lang) if code == "unknown" else names.site(code, lang), v))
    return lines


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from collectors.ceb.inbox import Ingester, list_files
    from collectors.ceb.options import InboxOptions
    from collectors.ceb.retention import Retention
    from core.runtime import Runtime

    try:
        files = list_files([Path(p) for p in args.paths])
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    config = load_config(args.config)
    runtime = Runtime(config, db_path=args.db or config.store_path, with_collectors=False)
    processed = quarantine = None
    if args.move:
        base = Path(args.move)
        processed, quarantine = base / "processed", base / "quarantine"
    ingester = Ingester("cbec-ingest", config.category_for_hs, processed_dir=processed, quarantine_dir=quarantine)
    try:
        if args.move:  # its folders age out like the inbox collector's, on that collector's days
            keep = next((c.options for c in config.collectors if c.kind == "ceb_inbox"), {})
            o = options(InboxOptions, keep, "[[collector]] ceb_inbox")
            Retention(quarantine, processed, o.quarantine_keep_days, o.archive_keep_days,
                      on_purge=functools.partial(runtime.record_purge, "cbec-ingest")).run()  # fmt: skip
        with tqdm(total=len(files), unit="file", desc="ingesting", disable=args.json or args.quiet) as bar:
            with runtime.store.bulk_load():
                report = ingester.run(files, runtime.sink, progress=bar.update)
    finally:
        runtime.stop()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(
            f"{report.files:,} file(s): "
            + "".join(f"{n:,} {kind.replace('_', ' ')}(s), " for kind, n in sorted(report.by_kind.items()))
            + f"{report.duplicates:,} already known, {len(report.quarantined):,} quarantined"
        )
        for q in report.quarantined:
            print(f"  quarantined {q['file']!r}: {q['reason']}")  # quoted: a name may hold a newline
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import base64

    day = _date(args.date)
    until = _hhmm(args.until)
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"format must be one of {', '.join(REPORT_FORMATS)} (or an --out ending in one)")
    config = load_config(args.config)
    args.db = args.db or str(config.store_path)
    answer = _from_app(args.db, "/api/local/report", {**_window_params(day, until), "format": fmt, "lang": args.lang})
    if answer is not None:
        data, sentence = base64.b64decode(answer["data"]), answer["sentence"]
    else:  # no app holds the file: make the report here
        from base.clock import now_beijing
        from core.report.export import PdfError
        from core.summary import day_report_file
        from queries.store import Store

        if not Path(args.db).exists():
            raise UsageError(f"database file not found: {args.db}")
        store = Store(args.db, read_only=True)
        try:
            with store.reading() as con:
                data, sentence = day_report_file(con, config, day, until, now_beijing(), fmt, args.lang)
        except PdfError as e:
            raise UsageError(str(e)) from None
        finally:
            store.close()
    _write(Path(args.out), data)
    if not args.quiet:
        print(sentence)
        print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.date and (args.first or args.last):
        raise UsageError("give --date, or --from and --to, not both")
    if bool(args.first) != bool(args.last):
        raise UsageError("--from and --to go together")
    first, last = (_date(args.first), _date(args.last)) if args.first else (_date(args.date),) * 2
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}")
    root = Path(args.parquet).resolve()
    config = load_config(args.config)
    args.db = args.db or str(config.store_path)
    body = {"dir": str(root), "from": first.isoformat(), "to": last.isoformat()}
    answer = _from_app(args.db, "/api/local/export", body=body)
    if answer is not None:
        days = [(d["date"], d["folder"], d["rows"]) for d in answer["days"]]
    else:  # no app holds the file: write here
        from core import exports
        from queries.store import Store

        if not Path(args.db).exists():
            raise UsageError(f"database file not found: {args.db}")
        store = Store(args.db, read_only=True)
        try:
            written = exports.write_range(store, root, config.district_code, first, last)
        except OSError as e:
            raise UsageError(f"cannot write {root}: {e.strerror}") from None
        finally:
            store.close()
        days = [(w.day.isoformat(), str(w.folder), w.rows) for w in written]
    if not args.quiet:
        for day, folder, rows in days:
            print(f"{day}: {folder} ({rows['release_minute']:,} release rows)")
    return 0


def _write(path: Path, data: bytes) -> None:
    """Writes a command's file, making its folder; a path it cannot write is one clear line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None


def cmd_alert_rules(args: argparse.Namespace) -> int:
    from core.alerts.prometheus import rule_file
    from core.alerts.rules import load_alert_config

    config = load_alert_config(args.rules)
    rules = config.rules
    if args.db:  # with the rules as saved from the editor in that database
        from core.alerts.editor import overrides
        from core.alerts.rules import with_overrides
        from queries.store import Store

        store = Store(args.db, read_only=True)
        try:
            with store.reading() as con:
                rules = with_overrides(rules, overrides(con))
        finally:
            store.close()
    text = rule_file(rules, config.interval)
    if args.out:
        _write(Path(args.out), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cbec", description="cbec-command: cross-border e-commerce command center")
    p.add_argument("--config", help="configuration file (default: assets/config/cbec.toml)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("simulate", help="batch-generate a simulated window into a database file")
    s.add_argument("--date", required=True, help="day to simulate, YYYY-MM-DD")
    s.add_argument("--until", help="end of the window, HH:MM Beijing time (default: end of day)")
    s.add_argument("--db", help="database file (default: the configured store, var/cbec.duckdb)")
    s.add_argument(
        "--xml-out",
        metavar="DIR",
        help="write CEB message files (CEB621-626, 816, 818, 900) to DIR instead of a database",
    )
    s.add_argument("--seed", type=int, help="random seed (default: from config)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_simulate)

    m = sub.add_parser("summary", help="released lists and goods value of a day")
    m.add_argument("--db", help="database file (default: the configured store)")
    m.add_argument("--date", help="day, YYYY-MM-DD (Beijing time; default: today)")
    m.add_argument("--until", help="count releases before HH:MM (default: the whole day)")
    m.add_argument("--json", action="store_true", help="print one JSON object (codes, not names)")
    m.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    m.set_defaults(func=cmd_summary)
    r = sub.add_parser("report", help="the daily report of a day as xlsx, csv, pdf or md")
    r.add_argument("--db", help="database file (default: the configured store)")
    r.add_argument("--date", help="day, YYYY-MM-DD (Beijing time; default: today)")
    r.add_argument("--until", help="cut-off, HH:MM (default: the whole day, or so far today)")
    r.add_argument("--format", choices=REPORT_FORMATS, help="file format (default: from --out)")
    r.add_argument("--out", required=True, help="file to write")
    r.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    r.add_argument("--quiet", action="store_true", help="print nothing")
    r.set_defaults(func=cmd_report)
    x = sub.add_parser("export", help="a day (or days) as Parquet for the national tier: minute rollups, no lists")
    x.add_argument("--parquet", required=True, metavar="DIR", help="write DIR/district=CODE/date=YYYY-MM-DD/")
    x.add_argument("--date", help="day, YYYY-MM-DD (Beijing time; default: today)")
    x.add_argument("--from", dest="first", metavar="DATE", help="first day of a range, YYYY-MM-DD")
    x.add_argument("--to", dest="last", metavar="DATE", help="last day of a range, YYYY-MM-DD")
    x.add_argument("--db", help="database file (default: the configured store)")
    x.add_argument("--quiet", action="store_true", help="print nothing")
    x.set_defaults(func=cmd_export)
    a = sub.add_parser("alert-rules", help="the alert rules as a Prometheus rule file")
    a.add_argument("--rules", help="rules file (default: assets/config/alerts.toml, or CBEC_ALERTS)")
    a.add_argument("--out", help="file to write (default: standard output)")
    a.add_argument("--db", help="apply the rules saved from the editor in this database file")
    a.set_defaults(func=cmd_alert_rules)
    i = sub.add_parser("ingest", help="import customs message files (CEB621-626, 816, 818, 900) or folders")
    i.add_argument("paths", nargs="+", help="message files, or folders of them")
    i.add_argument("--db", help="database file (default: the configured store)")
    i.add_argument(
        "--move", metavar="DIR", help="move files to DIR/processed/DATE or DIR/quarantine (default: leave them)"
    )
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.set_defaults(func=cmd_ingest)
    commands.add_parsers(sub)
    broker_commands.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    environment.owner_only()
    parser = build_parser()
    args = parser.parse_args(argv)
    commands.check(args, parser)
    try:
        return args.func(args)
    except (UsageError, ConfigError, StoreError) as e:
        print(f"cbec {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cbec {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
