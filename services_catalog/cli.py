"""`veiviser catalog ...`: build and maintain the catalogue from the terminal."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services_catalog.db import migrate, make_engine, session_factory
from services_catalog.hsds import ImportFailed, import_files

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "catalogue"


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.json"))


def build(db_path: Path) -> int:
    """Rebuild the embedded SQLite catalogue from the shipped HSDS files."""
    tmp = db_path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    migrate(make_engine(url))
    with session_factory(url)() as session:
        try:
            report = import_files(session, shipped_files())
        except ImportFailed as failure:
            print(f"The shipped catalogue has {len(failure.problems)} problem(s):", file=sys.stderr)
            print(failure, file=sys.stderr)
            return 1
        session.commit()
    tmp.replace(db_path)
    print(f"Catalogue built: {report.services} services in {db_path}")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    catalog = subparsers.add_parser("catalog", help="build and search the services catalogue")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)
    build_cmd = commands.add_parser("build", help="build the embedded SQLite catalogue from shipped data")
    build_cmd.add_argument("--db", type=Path, default=Path("var/catalogue.sqlite"))
    build_cmd.set_defaults(handler=lambda args: build(args.db))
