"""The scheduled digest: at each configured Beijing time the running app writes
the daily report's files and posts its summary to a group robot (WeCom or
DingTalk), once per job and day, with retries, and records every run."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx

from base.config import Config, DigestJob
from base.failures import log_failure
from base.secrets import Lookup, file_secret
from core import exports, netline, simulated
from core.duty import Duty
from core.numbers import count_zh
from core.report import export
from core.report.figures import Report, build
from core.webhook import Webhook
from queries import read
from queries.loader import sql
from queries.store import Store

log = logging.getLogger("cbec.digest")

CATCH_UP = timedelta(hours=6)  # a job missed while the app was down still runs this long after
WRITERS = {
    "xlsx": export.to_xlsx,
    "csv": export.to_csv,
    "pdf": export.to_pdf,
    "md": lambda r, lang: export.to_markdown(r, lang).encode("utf-8"),
}


def digest_text(r: Report, district: tuple[str, str], files: list[str]) -> str:
    lines = [export.summary_sentence(r, "zh", district), "", f"> {netline.line(r.net, 'zh')}"]
    for row in r.by_site.head(4).itertuples():
        lines.append(f"> {row.name_zh}：{count_zh(row.lists)}单，占{row.share:.1%}")
    if files:
        lines += ["", "报表文件：" + "、".join(files)]
    return "\n".join(lines)


def _for_date(job: DigestJob, due_at: datetime) -> date:
    return due_at.date() - timedelta(days=1) if job.report == "yesterday" else due_at.date()


@dataclass
class Digest:
    config: Config
    store: Store
    clock: Callable[[], datetime]
    post: Callable[..., httpx.Response] = httpx.post
    secrets: Lookup | None = file_secret
    sleep: Callable[[float], None] = time.sleep
    duty: Duty | None = None  # with a standby: which of the two sends (core/duty.py)
    exported: set[date] = field(default_factory=set)  # days whose export after their midnight is done
    ready: Callable[[], bool] = lambda: True  # False while the sources still back-fill history

    def tick(self) -> list[dict]:
        """Runs what is due now and is this instance's to send; returns the runs' records.
        A job the other instance sends is recorded as "standby"; one neither can be
        sure of yet (the primary silent, the standby not yet on duty) waits. The
        Parquet exports are each instance's own, written by both."""
        now = self.clock()
        runs = []
        for job, due_at in self.due(now):
            turn = self._turn(due_at)
            if turn == "mine":
                runs.append(self.run(job, due_at))
            elif turn == "other":
                runs.append(self._record(self._standing_record(job, due_at)))
        # at a job's time: today so far, and the job's own day again with what arrived late;
        # never a day half back-filled
        if self.ready():
            self.export(now, sorted({now.date(), *(r["for_date"] for r in runs)}) if runs else [])
        return runs

    def _turn(self, due_at: datetime) -> str:
        duty = self.duty
        if duty is None or not duty.has_peer:
            return "mine"
        if duty.config.role == "primary":
            return "other" if duty.peer_covered(due_at) else "mine"
        if duty.on_duty():
            return "mine"
        return "other" if duty.peer_alive() else "wait"

    def _standing_record(self, job: DigestJob, due_at: datetime) -> dict:
        return {"job": job.name, "for_date": _for_date(job, due_at), "due_at": due_at, "files": "", "attempts": 0,
                "outcome": "standby", "detail": f"sent by {self.duty.config.peer_url}"}  # fmt: skip

    def due(self, now: datetime) -> list[tuple[DigestJob, datetime]]:
        """Jobs whose time has come today and that have not run for it."""
        out = []
        for job in self.config.digest.jobs:
            due_at = datetime.combine(now.date(), job.at)
            if not (due_at <= now < due_at + CATCH_UP):
                continue
            if job.promotion_days_only and not self.config.is_promotion_day(now.date()):
                continue
            with self.store.reading() as con:
                if read.digest_done(con, job.name, due_at):
                    continue
            out.append((job, due_at))
        return out

    def export(self, now: datetime, also: list[date]) -> list[exports.Written]:
        """Yesterday's Parquet once after midnight, then the days `also` names."""
        root = self.config.digest.parquet_folder
        if root is None:
            return []
        yesterday = now.date() - timedelta(days=1)
        days = ([] if yesterday in self.exported else [yesterday]) + [
            d for d in also if d != yesterday or d in self.exported
        ]
        written = []
        for d in days:
            try:
                written.append(exports.write_day(self.store, root, self.config.district_code, d))
            except Exception as e:  # an export must never take the collectors down with it
                log_failure(log, f"Parquet export of {d} failed", e)
                continue
            if d < now.date():
                self.exported.add(d)
            log.info("exported %s to %s", d, written[-1].folder)
        return written

    def run(self, job: DigestJob, due_at: datetime) -> dict:
        cfg = self.config.digest
        for_date = _for_date(job, due_at)
        until = job.until if job.report == "today" else None
        record = {"job": job.name, "for_date": for_date, "due_at": due_at, "files": "", "attempts": 0, "detail": ""}
        try:
            with self.store.reading() as con:
                report = build(con, for_date, until, self.clock(), simulated.sources(self.config))
            if not report.has_data:
                # the outcome says why (跳过（无放行）); the detail names the window, in no one language
                record |= {"outcome": "skipped", "detail": export.window_text(report)}
                return self._record(record)
            files, problems = self._write_files(report, job)
            record["files"] = ",".join(files)
            outcome, attempts, error = "ok", 0, ""
            if cfg.webhook_url:
                district = (self.config.district_zh, self.config.district_en)
                title = f"{export.report_title(report, 'zh')} {export.window_text(report)}"
                hook = Webhook(cfg.webhook_url, cfg.webhook_kind, cfg.webhook_secret, cfg.retries, self.post,
                               self.secrets, self.sleep)  # fmt: skip
                attempts, error = hook.send(title, digest_text(report, district, files))
                if error:
                    outcome = "post_failed"
            record |= {"outcome": outcome, "attempts": attempts, "detail": "; ".join(filter(None, [*problems, error]))}
        except Exception as e:  # a digest must never take the collectors down with it
            log_failure(log, f"digest {job.name} failed", e)
            record |= {"outcome": "error", "detail": f"{type(e).__name__}: {e}"}
        return self._record(record)

    def _write_files(self, report: Report, job: DigestJob) -> tuple[list[str], list[str]]:
        folder = self.config.digest.folder / report.day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"cbec-report-{report.day.isoformat()}-" + (report.end.strftime("%H%M") if job.until else "day")
        written, problems = [], []
        for fmt in self.config.digest.formats:
            path = folder / f"{stem}.{fmt}"
            try:
                data = WRITERS[fmt](report, "zh")
            except export.PdfError as e:
                problems.append(f"{fmt}: {e}")
                continue
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # a reader never sees half a file
            written.append(path.name)
        return written, problems

    def _record(self, record: dict) -> dict:
        record["ran_at"] = self.clock()
        with self.store.write_lock:
            self.store.writer.execute(sql("write_digest_run"), record)
        log.info("digest %s for %s: %s %s", record["job"], record["for_date"], record["outcome"], record["detail"])
        return record


class DigestThread:
    """Checks for due jobs every `every` seconds until stopped."""

    def __init__(self, digest: Digest, every: float = 20.0):
        self.digest, self.every = digest, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="digest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(60)  # a run in progress finishes its record

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.digest.tick()
            except Exception as e:
                log_failure(log, "digest check failed", e)
