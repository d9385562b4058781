"""``crmkit`` on the command line.

    crmkit cases
    crmkit generate pschse --customers 100000 --seed 7 --format parquet --out data/
    crmkit datasets --out datasets/
    crmkit plan export pschse --format mspdi --out pschse.xml
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading

from crmkit.errors import CrmkitError


def _cases(args) -> int:
    from crmkit.world.cases import cases, load_config

    for name in cases():
        config = load_config(name)
        print(f"{name:12} {config.title}: {config.description}")
    return 0


def _generate(args) -> int:
    from crmkit.world.paths import check_output_path
    from crmkit.world.stream import generate

    check_output_path(args.out, args.format, field="--out")  # before minutes of simulating
    path = generate(args.case, out=args.out, customers=args.customers, seed=args.seed, format=args.format,
                    workers=args.workers, scheduler=args.scheduler, include_truth=not args.no_truth, progress=not args.quiet,
                    overwrite=args.overwrite, force=args.force)
    print(f"wrote {path}")
    return 0


def _datasets(args) -> int:
    from crmkit.world.datasets import build_datasets

    for path in build_datasets(args.out, names=args.names or None):
        print(f"wrote {path}")
    return 0


def _present(args) -> int:
    if args.to == "html":  # a file to hand out, not a live session
        from crmkit.lecture_html import write_slides_html

        print(f"wrote {write_slides_html(args.notebook, args.out)}")
        return 0
    from crmkit.lecture import present

    present(args.notebook, mode=args.mode, port=args.port, launch=not args.dry_run)
    return 0


def _int_or_text(text: str) -> int | str:
    # Not type=int: a seed like "1.5" goes on to the kit's own one-line error naming the seed.
    try:
        return int(text)
    except ValueError:
        return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmkit", description="Synthetic CRM worlds and lessons (all data synthetic).")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("cases", help="list the cases").set_defaults(func=_cases)

    gen = sub.add_parser("generate", help="simulate a world and write it to disk")
    gen.add_argument("case", help="a case name (see `crmkit cases`) or a path to a world.yaml")
    gen.add_argument("--customers", type=int, help="number of customers (default: the case's own)")
    gen.add_argument("--seed", type=_int_or_text, help="master seed, 0 to 2**63-1 (default: the case's own)")
    gen.add_argument("--format", default="parquet", choices=["csv", "parquet", "sqlite", "duckdb"])
    gen.add_argument("--out", required=True, help="folder (csv, parquet) or .db (sqlite) or .duckdb file to write")
    gen.add_argument("--workers", type=int, default=1, help="processes to use (the world does not depend on it)")
    gen.add_argument("--scheduler", metavar="ADDRESS",
                     help="run the blocks on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786) instead of "
                          "--workers; Parquet parts are written by its workers, which must see --out at the same path")
    gen.add_argument("--no-truth", action="store_true", help="leave the hidden truth out (for handing out)")
    gen.add_argument("--overwrite", action="store_true",
                     help="replace --out even if it is not a world crmkit wrote (a world it wrote is always replaced)")
    gen.add_argument("--force", action="store_true",
                     help="make the world even if its estimated size is past the kit's bound (see crmkit.world.budget)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_generate)

    ds = sub.add_parser("datasets", help="regenerate the shipped datasets and their data cards")
    ds.add_argument("--out", default="datasets", help="folder to write them into")
    ds.add_argument("names", nargs="*", help="which datasets (default: all)")
    ds.set_defaults(func=_datasets)

    present = sub.add_parser("present", help="present a lesson: as slides (RISE) or as widgets only (Voila)")
    present.add_argument("notebook", help="the lesson notebook, e.g. notebooks/07_lifecycle_and_retention_economics.ipynb")
    present.add_argument("--mode", choices=["slides", "widgets"], default="slides")
    present.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    present.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    present.add_argument("--to", choices=["html"], help="write the executed lesson as one self-contained, offline "
                                                         "reveal.js slide file instead of starting a session")
    present.add_argument("--out", help="with --to html: the file to write (default: LESSON.slides.html beside it)")
    present.set_defaults(func=_present)

    # Each part of the kit adds its own commands.
    for module in ("crmkit.planning.cli", "crmkit.teach.cli", "crmkit.teach.assignment_cli"):
        importlib.import_module(module).register(sub)
    return parser


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or Ctrl-C, raised in the main process so every ``finally`` and ``except``
    on the way out runs: workers are stopped and temporary files removed."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum, frame) -> None:
    # Once: a second signal during the clean-up must not cut the clean-up short.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def stop_signals_raise():
    """Turn SIGTERM (from ``timeout``, a batch scheduler, a closed terminal) into the same
    clean stop as Ctrl-C while the block runs; the previous handlers come back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the caller keeps its own
        return
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupted_line(args, signum: int) -> str:
    note = f"; nothing was written to {args.out}" if args.command == "generate" else ""
    return f"crmkit: interrupted by {signal.Signals(signum).name}{note}"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; errors the user can fix print one line and exit with 2.

    Ctrl-C and SIGTERM print one line and exit with 128 + the signal's number (130, 143).
    """
    args = build_parser().parse_args(argv)
    try:
        with stop_signals_raise():
            return args.func(args)
    except CrmkitError as exc:
        print(f"crmkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        print(_interrupted_line(args, signum), file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
