"""The `cbec` command: work on a database file when the server is not running."""

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


def cmd_summary(args: argparse.Namespace) -> int:
    from core import simulated
    from core.summary import day_summary
    from queries.store import Store

    day = _date(args.date)
    until = _hhmm(args.until)
    config = load_config(args.config)
    args.db = args.db or str(config.store_path)
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
        print(f"{day}: 没有放行数据 (no released lists)", file=sys.stderr)
        return 1  # a day with no data is not a day of zeros
    if not args.json:
        from core.numbers import count_zh, yuan_zh

        def both(yuan: float) -> str:
            return f"{yuan:,.2f} CNY ({yuan_zh(round(yuan * 100))})"

        if r["simulated"]:
            print("模拟数据 SIMULATED DATA")
        print(
            f"{day} 00:00-{r['until']}  released {r['released_lists']:,} lists ({count_zh(r['released_lists'])}单), "
            f"goods value {both(r['goods_value_cny'])}"
        )
        print(
            f"  net {r['net_released_lists']:,} lists, {both(r['net_goods_value_cny'])}: "
            f"{r['cancelled_lists']:,} cancelled ({both(r['cancelled_value_cny'])}), "
            f"returned {both(r['returned_value_cny'])}"
        )
        print(
            f"  tax assessed {both(tax['assessed_cny'])}, voided {both(tax['voided_cny'])}, "
            f"net {both(tax['net_cny'])}; {r['format_rejects']:,} format rejects"
        )
        for mode, v in r["by_trade_mode"].items():
            print(f"  {mode:<10} {v['released_lists']:>12,}  {v['goods_value_cny']:>18,.2f}")
        for code, v in result["by_site"].items():
            print(f"  {code:<10} {v['released_lists']:>12,}  {v['goods_value_cny']:>18,.2f}")
    return 0


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


REPORT_FORMATS = ("xlsx", "csv", "pdf", "md")


def cmd_report(args: argparse.Namespace) -> int:
    from base.clock import now_beijing
    from core import simulated
    from core.report import export
    from core.report.figures import build
    from queries.store import Store

    day = _date(args.date)
    until = _hhmm(args.until)
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"format must be one of {', '.join(REPORT_FORMATS)} (or an --out ending in one)")
    config = load_config(args.config)
    args.db = args.db or str(config.store_path)
    if not Path(args.db).exists():
        raise UsageError(f"database file not found: {args.db}")
    store = Store(args.db, read_only=True)
    try:
        with store.reading() as con:
            report = build(con, day, until, now_beijing(), simulated.sources(config))
    finally:
        store.close()
    lang = args.lang
    try:
        data = {
            "xlsx": lambda: export.to_xlsx(report, lang),
            "csv": lambda: export.to_csv(report, lang),
            "md": lambda: export.to_markdown(report, lang).encode("utf-8"),
            "pdf": lambda: export.to_pdf(report, lang),
        }[fmt]()
    except export.PdfError as e:
        raise UsageError(str(e)) from None
    _write(Path(args.out), data)
    if not args.quiet:
        print(export.summary_sentence(report, lang, (config.district_zh, config.district_en)))
        print(f"wrote {args.out} ({len(data):,} bytes)")
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
    m.add_argument("--json", action="store_true", help="print one JSON object")
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
