"""`cbec publish FILES|FOLDERS`: sends CEB message files to the broker's
fanout exchange, where every instance's ceb_broker collector picks them up."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from base.config import load_config, options
from base.secrets import SecretMissing


def cmd_publish(args: argparse.Namespace) -> int:
    from collectors.broker.link import BrokerUnavailable
    from collectors.broker.options import BrokerOptions
    from collectors.broker.publish import NotRouted, Publisher
    from collectors.ceb.inbox import list_files

    configured = next((c.options for c in load_config(args.config).collectors if c.kind == "ceb_broker"), {})
    o = options(BrokerOptions, configured, "[[collector]] ceb_broker")
    publisher = Publisher(args.url or o.url, args.exchange or o.exchange)
    sent, files = 0, []
    try:
        files = list_files([Path(p) for p in args.paths])
        for path in files:
            publisher.send_file(path)
            sent += 1
    except (BrokerUnavailable, NotRouted, SecretMissing, OSError) as e:
        why = f"cannot read {e.filename}: {e.strerror}" if isinstance(e, OSError) and e.strerror else e
        print(f"cbec publish: {why}" + (f" ({sent} of {len(files)} sent)" if sent else ""), file=sys.stderr)
        return 2
    finally:
        publisher.close()
    if not args.quiet:
        print(f"sent {sent:,} message(s) to exchange {publisher.exchange!r}")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("publish", help="send CEB message files (or folders of them) to the message broker")
    p.add_argument("paths", nargs="+", help="message files, or folders of them")
    p.add_argument(
        "--url", help="broker URL, amqp://user:password@host:port/vhost (default: the collector ceb_broker's)"
    )
    p.add_argument("--exchange", help="fanout exchange (default: the ceb_broker collector's, cbec.ceb)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=cmd_publish)
