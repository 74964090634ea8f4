"""``markwatch user add NAME --role analyst|admin``: an account for the web workbench (CONTRACTS §11).

The password is read from standard input (its first line), never from the command line, where it
would show in the process list and the shell history; on a terminal it is asked for twice without
echo. Users live in the web service's database, ``data_dir/web.sqlite``.
"""

from __future__ import annotations

import argparse

from markwatch.commands._store import data_dir_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "user", help="manage the web workbench's users",
        description="Add users of the web workbench (analysts decide on leads; admins also manage users "
                    "and platform keys). The password is read from standard input.",
        epilog="例: printf '%s\\n' \"$PASSWORD\" | markwatch user add zhangsan --role analyst  (添加分析员)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user (password from standard input)",
                             description="Add a user; the password (at least 8 characters) is the first line "
                                         "of standard input.")
    add.add_argument("name", metavar="NAME", help="login name")
    add.add_argument("--role", choices=("analyst", "admin"), default="analyst", help="analyst (default) or admin")
    data_dir_option(add)
    add.set_defaults(func=run_add)
    key = actions.add_parser("key", help="make an API key for a user (printed once)",
                             description="Print a new API key for NAME: scripts send it as 'Authorization: "
                                         "Bearer <key>' to the analysts' JSON API (/api/v1/leads …). Only its "
                                         "hash is kept; it is shown this once.")
    key.add_argument("name", metavar="NAME", help="login name")
    data_dir_option(key)
    key.set_defaults(func=run_key)
    listing = actions.add_parser("list", help="list users and their roles")
    data_dir_option(listing)
    listing.set_defaults(func=run_list)


def _read_password() -> str:
    import getpass
    import sys

    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            from markwatch.cli import UsageError

            raise UsageError("the two passwords differ; nothing was added")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _accounts(data_dir: str | None):
    from markwatch.config import load_config
    from web.accounts import Accounts
    from web.webdb import WEB_DB_FILE, WebDatabase

    config = load_config(data_dir=data_dir)
    return Accounts(WebDatabase(config.data_dir / WEB_DB_FILE)), config


def run_add(args: argparse.Namespace) -> int:
    import sys

    from markwatch.cli import UsageError
    from web.accounts import AccountError

    password = _read_password()
    accounts, config = _accounts(args.data_dir)
    try:
        user = accounts.add(args.name, password, role=args.role)
    except AccountError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        accounts.db.close()
    print(f"markwatch user: added {user.username} ({user.role}) to {config.data_dir / 'web.sqlite'}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    accounts, _config = _accounts(args.data_dir)
    try:
        for user in accounts.list():
            print(f"{user.username}\t{user.role}")
    finally:
        accounts.db.close()
    return 0


def run_key(args: argparse.Namespace) -> int:
    from markwatch.cli import UsageError
    from web.accounts import AccountError

    accounts, _config = _accounts(args.data_dir)
    try:
        print(accounts.new_api_key(args.name))
    except AccountError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        accounts.db.close()
    return 0
