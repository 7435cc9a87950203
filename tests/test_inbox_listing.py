"""The inbox's waiting files: listed once for a backlog's runs, in name order,
with nothing lost and nothing that landed meanwhile left waiting for long."""

from __future__ import annotations

from collectors.ceb.listing import Waiting
from collectors.ceb.reading import GONE, read_file


def _land(folder, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(b"<x/>")


def test_a_backlog_is_taken_in_name_order_from_one_listing_and_relisted_in_time(tmp_path):
    now = {"t": 0.0}
    waiting = Waiting(tmp_path, relist_seconds=30, clock=lambda: now["t"])
    _land(tmp_path, "b.xml", "c.xml", "d.xml", "e.xml", "f.xml", ".hidden.xml", "g.xml.part")
    assert [p.name for p in waiting.take((), 2)] == ["b.xml", "c.xml"]
    _land(tmp_path, "a.xml")  # lands behind the backlog, its name first
    now["t"] = 10
    assert [p.name for p in waiting.take((), 2)] == ["d.xml", "e.xml"]  # the listing's next
    for name in ("b.xml", "c.xml", "d.xml", "e.xml"):  # moved by the runs that took them
        (tmp_path / name).unlink()
    now["t"] = 31  # the listing is old: the folder is listed again, and a.xml is seen
    assert [p.name for p in waiting.take((), 10)] == ["a.xml", "f.xml"]


def test_caught_up_every_take_sees_what_landed_and_skips_what_is_held(tmp_path):
    waiting = Waiting(tmp_path, relist_seconds=30, clock=lambda: 0.0)
    _land(tmp_path, "1.xml", "2.xml")
    assert [p.name for p in waiting.take((), 10)] == ["1.xml", "2.xml"]
    _land(tmp_path, "3.xml")  # 1 and 2 are still there: read, not moved yet (held, or to be read again)
    assert [p.name for p in waiting.take({tmp_path / "1.xml"}, 10)] == ["2.xml", "3.xml"]
    assert waiting.take({tmp_path / "1.xml", tmp_path / "2.xml", tmp_path / "3.xml"}, 10) == []


def test_a_listing_left_with_held_files_only_is_listed_again_for_what_landed(tmp_path):
    waiting = Waiting(tmp_path, relist_seconds=30, clock=lambda: 0.0)
    _land(tmp_path, "1.xml", "2.xml")
    assert [p.name for p in waiting.take((), 1)] == ["1.xml"]
    (tmp_path / "1.xml").unlink()  # written and moved
    _land(tmp_path, "3.xml")
    assert [p.name for p in waiting.take({tmp_path / "2.xml"}, 5)] == ["3.xml"]  # 2 is held: not a wait of 30 s


def test_a_file_gone_is_passed_over_but_a_folder_gone_is_a_fault(tmp_path):
    def code(path):
        return read_file(path, lambda hs: "other", 1 << 20, False).error.code

    assert code(tmp_path / "taken-back.xml") == GONE
    assert code(tmp_path / "unmounted" / "a.xml") == "unreadable"
