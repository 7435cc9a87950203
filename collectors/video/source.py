"""The cameras as equipment: each run writes every configured camera's up/down
(and its last segment's age) as a health record of kind `camera`, the same
record the simulator or an exporter writes for a gate, so the equipment panels,
`cbec_equipment_up` and the equipment alert treat a dead camera as a dead gate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from base.clock import now_beijing
from collectors.records import make_batch
from collectors.sinks import Sink
from collectors.source import Collected
from collectors.video.supervisor import Supervisor

NAME = "video"


class VideoSource:
    name = NAME

    def __init__(self, supervisor: Supervisor, clock: Callable[[], datetime] = now_beijing):
        self.supervisor = supervisor
        self.clock = clock

    def collect(self, sink: Sink) -> Collected:
        now = self.clock()
        rows = []
        for c in self.supervisor.states():
            rows.append((c["site"], c["camera"], "up", 0.0 if c["state"] == "down" else 1.0))
            if c["segment_age_seconds"] is not None:
                rows.append((c["site"], c["camera"], "segment_age_seconds", round(c["segment_age_seconds"], 1)))
        if not rows:
            return Collected(0)
        columns = {
            "sampled_at": [now] * len(rows),
            "site_code": [r[0] for r in rows],
            "component": [r[1] for r in rows],
            "kind": ["camera"] * len(rows),
            "metric": [r[2] for r in rows],
            "value": [r[3] for r in rows],
        }
        sink.write(make_batch("health", columns, self.name))
        return Collected(len(rows))
