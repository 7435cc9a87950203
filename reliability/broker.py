"""A private RabbitMQ node (Debian's rabbitmq-server) for tests and drills: its
own ports, node name and folders under a given directory, no root and no
system service. `stop()` and `kill()` end it; `start()` brings it back on the
same data, so durable queues and persistent messages survive a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
CTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.dist_port = free_port()
        self.node = f"cbec{self.port}@localhost"
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "enabled_plugins").write_text("[].\n")
        # the node's disk alarm would stop publishers on a nearly full test disk
        (folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "disk_free_limit.absolute = 10MB\n"
            "vm_memory_high_watermark.relative = 0.2\n"
        )

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def env(self) -> dict[str, str]:
        f = self.folder
        return {
            **os.environ,
            "HOME": str(f),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(f / "mnesia"),
            "RABBITMQ_LOG_BASE": str(f / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(f / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(f / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(f / "rabbitmq.pid"),
        }

    def start(self, timeout: float = 60) -> Broker:
        with open(self.folder / "server.out", "ab") as out:
            self.proc = subprocess.Popen(
                [str(SERVER)], env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while True:  # await_startup answers at once while the node is not registered yet
            try:
                self.ctl("await_startup", timeout=max(1.0, deadline - time.monotonic()))
                return self
            except Exception as e:
                if not self.running() or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"the broker did not start; see {self.folder / 'log'}: {e}") from None
                time.sleep(0.2)

    def ctl(self, *args: str, timeout: float = 30) -> str:
        done = subprocess.run(
            [str(CTL), "-n", self.node, *args], env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
        return done.stdout

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30) -> None:
        """A clean shutdown (rabbitmqctl stop); the process group is killed if it lingers."""
        if not self.running():
            return
        try:
            self.ctl("stop", timeout=timeout)
            self.proc.wait(timeout)
        except Exception:
            pass
        self.kill()

    def kill(self) -> None:
        """Kills the node's whole process group at once (beam.smp and its helpers); epmd, shared, stays."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        self.proc = None

    def leftovers(self) -> list[int]:
        """Processes of this node still running (none once it is stopped or killed).

        epmd is left out: the first node on a machine starts it with its own
        environment, and it stays to serve every node after."""
        pids, mark = [], f"RABBITMQ_NODENAME={self.node}\0".encode()
        for entry in Path("/proc").iterdir():
            try:
                if (
                    entry.name.isdigit()
                    and mark in (entry / "environ").read_bytes() + b"\0"
                    and (entry / "comm").read_text().strip() != "epmd"
                ):
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def queue_depths(self) -> dict[str, tuple[int, int]]:
        """Queue name -> (messages ready, messages unacknowledged)."""
        out = self.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged")
        depths = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3:
                depths[parts[0]] = (int(parts[1]), int(parts[2]))
        return depths

    def depth(self, queue: str) -> int:
        """Messages in `queue`, ready or handed out and not acknowledged yet."""
        ready, unacked = self.queue_depths().get(queue, (0, 0))
        return ready + unacked

    def wait_depth(self, queue: str, n: int, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while True:
            d = self.depth(queue)
            if d == n or time.monotonic() > deadline:
                return d
            time.sleep(0.1)


def main() -> None:
    """`python -m reliability.broker [--port 5672] [--dir var/rabbitmq]`: a private node until Ctrl-C."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m reliability.broker", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=5672)
    p.add_argument("--dir", default="var/rabbitmq", help="its data and logs (default: var/rabbitmq)")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it cleanly too
    signal.signal(signal.SIGINT, signal.default_int_handler)  # started in the background of a script
    broker = Broker(Path(args.dir).resolve(), args.port).start()
    print(f"RabbitMQ node {broker.node} on 127.0.0.1:{broker.port} (guest/guest, loopback only); Ctrl-C stops it")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
