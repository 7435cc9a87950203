"""The leaders' report in a real browser: it reads on a phone, and its
downloads open as what they claim to be."""

from __future__ import annotations

import io

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, running_app, screenshot
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.report.export import PDF_SECONDS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_at(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    db = tmp_path_factory.mktemp("report") / "report.duckdb"
    with running_app(db) as (base, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def open_report(width: int, height: int):
                page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
                page.app_log = db.parent / "app.log"
                page.seen = []  # what the page was told, for a download that never comes
                page.on("console", lambda m: page.seen.append(f"console {m.type}: {m.text}"[:300]))
                page.on("response", lambda r: "/media/" in r.url and page.seen.append(f"{r.status} {r.url}"))
                for _ in range(18):  # the page does not refresh itself: ask again until today's history is in
                    page.goto(f"{base}/report")
                    try:
                        page.get_by_text("宁波海关共放行跨境电商进口清单").first.wait_for(timeout=5_000)
                        return page
                    except PlaywrightTimeout:
                        continue
                raise AssertionError("the report never showed the day's sentence")

            yield open_report
            browser.close()


def test_the_report_reads_on_a_phone(page_at):
    page = page_at(390, 844)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    sentence = page.locator('[data-testid="stCode"]').first
    box = sentence.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "report-phone-390x844")
    page.close()


def test_the_downloads_are_what_they_say(page_at):
    page = page_at(1400, 1000)
    with page.expect_download(timeout=60_000) as xlsx:
        page.get_by_role("button", name="电子表格").click()
    wb = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read()))
    assert wb.sheetnames[0] == "概要" and isinstance(wb["概要"]["B5"].value, int)
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    try:
        with page.expect_download(timeout=(PDF_SECONDS + 30) * 1000) as pdf:
            page.get_by_role("button", name="PDF (A4)").click()
    except PlaywrightTimeout:
        errors = page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
        log = page.app_log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"no PDF: button says {errors}; page saw {page.seen[-20:]}; app log: {log}") from None
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    screenshot(page, "report-1400x1000")
    page.close()


TABLE_OVERFLOW = """() => [...document.querySelectorAll('[data-testid="stMain"] .cbec-table-wrap')].map(t => {
    const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
    return {right: t.getBoundingClientRect().right, mainRight: main.right,
            hidden: t.scrollWidth - t.clientWidth, hiddenRows: t.scrollHeight - t.clientHeight};
})"""


def test_the_report_fits_a_1080p_screen_without_cut_tables(page_at):
    page = page_at(1920, 1080)
    page.get_by_text("各品类").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1920
    grids = page.evaluate(TABLE_OVERFLOW)
    assert len(grids) >= 6
    for g in grids:  # inside the page, every column and every row shown without scrolling inside the table
        assert g["right"] <= g["mainRight"] + 1 and 0 <= g["hidden"] <= 1 and 0 <= g["hiddenRows"] <= 1, g
    assert page.get_by_text("模拟数据").first.is_visible()
    assert "CNY" not in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "report-1920x1080")
    page.close()
