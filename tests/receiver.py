"""A local group robot for tests: records each JSON post and answers like
WeCom/DingTalk, with the queued HTTP statuses first."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver:
    """A local group robot: records each post; answers with the queued statuses first."""

    def __init__(self, statuses: list[int]):
        self.posts: list[dict] = []
        self.statuses = statuses
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append(json.loads(body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                answer = json.dumps({"errcode": 0 if status == 200 else 500, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send?key=${{CBEC_TEST_ROBOT_KEY}}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
