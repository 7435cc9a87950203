"""`cbec user add|passwd|role|disable|enable|list` and `cbec token
create|revoke|list`, run on the server machine. `cbec user` needs the app
stopped (it holds its database; with it running, use the admin page); `cbec
token` asks the running app when there is one, and acts on the file when not."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from base.clock import now_beijing
from base.config import load_config
from core.access import accounts, local_api, passwords, tokens
from core.access.roles import ROLES, Viewer
from queries.store import Store


class CommandError(ValueError):
    pass


def _store(args: argparse.Namespace) -> Store:
    return Store(args.db or load_config(args.config).store_path)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise CommandError("the two passwords differ")
    return first


def _run(args: argparse.Namespace, errors: tuple[type[Exception], ...], work) -> int:
    """Opens the store, does `work(store, now, actor)` and closes it; an
    expected error is one line and exit code 2."""
    store = _store(args)
    try:
        work(store, now_beijing(), local_api.cli_actor())
        return 0
    except errors as e:
        print(f"cbec {args.command} {args.action}: {e}", file=sys.stderr)
        return 2
    finally:
        store.close()


def cmd_user(args: argparse.Namespace) -> int:
    def work(store: Store, now, actor: Viewer) -> None:
        if args.action == "list":
            with store.reading() as con:
                df = accounts.accounts(con)
            print(df.to_string(index=False) if len(df) else "no accounts")
            return
        if args.action == "add":
            accounts.add(store, actor, args.name, args.role, _password(args), now)
        elif args.action == "passwd":
            accounts.set_password(store, actor, args.name, _password(args), now)
        elif args.action == "role":
            accounts.set_role(store, actor, args.name, args.role, now)
        else:
            accounts.set_disabled(store, actor, args.name, args.action == "disable", now)
        print(f"{args.action} {args.name}: done")

    return _run(args, (accounts.AccountError, passwords.WeakPassword, CommandError), work)


def cmd_token(args: argparse.Namespace) -> int:
    from cbec import app_client

    config = load_config(args.config)
    fields = {"action": args.action, "name": args.name or "", "screens": args.screens, "id": args.id or "",
              "lang": args.lang, "token": sys.stdin.readline().strip() if args.action == "add" else ""}  # fmt: skip
    try:
        answer = app_client.ask(args.db or config.store_path, "POST", "/api/local/token", body=fields)
    except app_client.NotRunning:
        answer = None
    except app_client.AppError as e:
        print(f"cbec {args.command} {args.action}: {e}", file=sys.stderr)
        return 2
    if answer is not None:
        _say(answer["out"], answer["err"])
        return 0

    def work(store: Store, now, actor: Viewer) -> None:
        name, screens, tid = fields["name"], fields["screens"], fields["id"]
        _say(*local_api.token_action(store, config, actor, now, args.action, name, screens, tid, args.lang,
                                     fields["token"]))  # fmt: skip

    return _run(args, (tokens.TokenError,), work)


def _say(out: str, err: str) -> None:
    if err:
        print(err, file=sys.stderr)
    print(out)


def add_parsers(sub) -> None:
    u = sub.add_parser("user", help="local accounts: add, passwd, role, disable, enable, list")
    u.add_argument("action", choices=("add", "passwd", "role", "disable", "enable", "list"))
    u.add_argument("name", nargs="?", help="account name")
    u.add_argument("--role", choices=ROLES, help="for add and role")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u.add_argument("--db", help="database file (default: the configured store)")
    u.set_defaults(func=cmd_user)
    t = sub.add_parser(
        "token",
        help="kiosk tokens for wall screens: create, add (another instance's, read from standard input), revoke, list",
    )
    t.add_argument("action", choices=("create", "add", "revoke", "list"))
    t.add_argument("name", nargs="?", help="for create and add: where the screen hangs")
    t.add_argument("--screens", default="*", help="for create and add: * or city and site codes (default: *)")
    t.add_argument("--id", help="for revoke: the token's id")
    t.add_argument("--db", help="database file (default: the configured store)")
    t.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    t.set_defaults(func=cmd_token)


def check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Arguments each action needs, said before anything opens the database."""
    if args.command == "user" and args.action != "list":
        if not args.name:
            parser.error(f"user {args.action} needs a name")
        if args.action in ("add", "role") and not args.role:
            parser.error(f"user {args.action} needs --role ({', '.join(ROLES)})")
    if args.command == "token":
        if args.action in ("create", "add") and not args.name:
            parser.error(f"token {args.action} needs a name")
        if args.action == "revoke" and not args.id:
            parser.error("token revoke needs --id")
    if args.command in ("user", "token"):
        os.umask(0o077)  # a database created here is readable by its owner only
