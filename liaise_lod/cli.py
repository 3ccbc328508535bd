"""The ``liaise-lod`` command line. Errors are printed without a traceback.

Exit codes: 0 success; 1 the graph violates the shapes (or another failure); 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from ._internal.progress import log
from .errors import ConfigError, InvalidGraphError, LiaiseError, LiaiseWarning

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help_text: str):
    """Register a sub-command: its run function, given a function that adds its arguments."""

    def register(arguments: Callable[[argparse.ArgumentParser], None]):
        def wrap(run: Command) -> Command:
            COMMANDS[name] = (run, arguments, help_text)
            return run

        return wrap

    return register


def _dataset_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path, help="dataset folder (or one YAML/JSON/CSV file)")
    _base_argument(parser)


def _base_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", help="base IRI of the dataset's resources (overrides settings)")


def _processes_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--processes",
        type=_positive,
        metavar="N",
        help="processes that validate (and write dumps and pages) at once (default: one per "
        "core, at most 4, for large datasets)",
    )


def _positive(text: str) -> int:
    number = int(text) if text.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not '{text}'")
    return number


def _strict_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict",
        action="store_const",
        const=True,
        help="also report completeness warnings, which ask for what the data may not know, and "
        "the items Google will show no rich result for (default: as the dataset's 'strict' "
        "setting says)",
    )


def _shacl_engine_argument(parser: argparse.ArgumentParser) -> None:
    from ._internal.shacl_engines import DEFAULT_ENGINE, ENGINES

    parser.add_argument(
        "--shacl-engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="the engine that validates: pyshacl (default) or topbraid, TopBraid SHACL in Java "
        "(pip install 'liaise-lod[topbraid]'; same results, more memory)",
    )


def _engine_arguments(parser: argparse.ArgumentParser) -> None:
    from ._internal.engines import DEFAULT_ENGINE, engine_names

    parser.add_argument(
        "--engine",
        choices=engine_names(),
        default=DEFAULT_ENGINE,
        help="what runs the parallel work: fork (default), processes forked from this one; "
        "dask, the workers of a Dask cluster (pip install 'liaise-lod[dask]'); the output is "
        "the same",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the cluster's scheduler, e.g. tcp://host:8786 (default: "
        "start a local cluster of one worker per core)",
    )


def _shards_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shards",
        type=_positive,
        metavar="N",
        help="also cut the N-Triples dump into N gzipped shards (dataset-0001.nt.gz, ...) for "
        "bulk loaders; a subject's triples stay in one shard",
    )


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    _dataset_arguments(parser)
    _processes_argument(parser)
    _engine_arguments(parser)
    _strict_argument(parser)
    _shacl_engine_argument(parser)
    _shards_argument(parser)
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced whole)")
    parser.add_argument(
        "--allow-invalid",
        action="store_true",
        help="write the output even when the graph violates the shapes",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="build from nothing, not reusing what an earlier build left in the output "
        "(the files are the same either way)",
    )
    _partitions_argument(parser, "50,000 records")


def _partitions_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--partitions",
        type=_positive,
        metavar="N",
        help="map, validate and write the dataset in N parts, one at a time, so that memory "
        f"follows the part's size (default: one part per {default}; the files are the "
        "same either way, but no manifest is kept in parts, so the next run is from "
        "nothing too)",
    )


@command("build", "validate a dataset and write Turtle, JSON-LD, N-Triples and the report")(
    _build_arguments
)
def run_build(args: argparse.Namespace) -> int:
    from .pipeline import build

    try:
        result = build(
            args.dataset,
            args.out,
            base=args.base,
            allow_invalid=args.allow_invalid,
            processes=args.processes,
            strict=args.strict,
            shacl_engine=args.shacl_engine,
            incremental=not args.full,
            shards=args.shards,
            parallel=args.engine,
            scheduler=args.scheduler,
            partitions=args.partitions,
        )
    except InvalidGraphError as error:
        print(error.report.summary_text(), file=sys.stderr)
        print(
            f"nothing written to {args.out}: fix the violations or pass --allow-invalid",
            file=sys.stderr,
        )
        return 1
    print(result.report.headline())
    print(f"{result.triples_written} triples written to {args.out}:")
    for file in result.files:
        print(f"  {file.name}")
    return 0 if result.report.conforms else 1


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    _dataset_arguments(parser)
    _processes_argument(parser)
    _engine_arguments(parser)
    _strict_argument(parser)
    _shacl_engine_argument(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text: a summary by rule (every result with -v); json: the report as data; "
        "sarif: SARIF 2.1.0 for editors and code review (input problems too)",
    )
    parser.add_argument(
        "-v", "--verbose", dest="details", action="store_true", help="list every result"
    )


@command("validate", "check a dataset against the SHACL shapes and print a report")(
    _validate_arguments
)
def run_validate(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .pipeline import check

    try:
        report = check(
            args.dataset,
            args.base,
            processes=args.processes,
            strict=args.strict,
            shacl_engine=args.shacl_engine,
            parallel=args.engine,
            scheduler=args.scheduler,
        ).report
    except InputError as error:
        if args.format == "text":
            raise
        from .sarif import problems_sarif
        from .validation import ValidationReport

        sarif = args.format == "sarif"
        document = (
            problems_sarif(error.problems)
            if sarif
            else ValidationReport.problems_dict(error.problems)
        )
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return error.exit_code
    if args.format == "sarif":
        from .sarif import report_sarif

        print(json.dumps(report_sarif(report), indent=2, ensure_ascii=False))
    elif args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif args.details or args.verbose:
        print(report.text(), end="")
    else:
        print(report.summary_text(), end="")
        if report.results:
            print("\n-v lists every result; --format json or sarif gives them to tools.")
    return 0 if report.conforms else 1


def _new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a folder that does not exist yet, or is empty")


@command("new", "write a small commented dataset to start from")(_new_arguments)
def run_new(args: argparse.Namespace) -> int:
    from ._internal.starter import write_starter

    for path in write_starter(args.folder):
        print(f"  {path}")
    print(f"edit them, then: liaise-lod validate {args.folder}")
    return 0


def _schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dataset",
        type=Path,
        nargs="?",
        help="a dataset folder whose own vocabularies (vocab/*.ttl) add codes to the schema",
    )
    parser.add_argument(
        "--format",
        choices=("json", "markdown"),
        default="json",
        help="json: the JSON Schema (for editors); markdown: the data-format reference",
    )


@command("schema", "print the JSON Schema of the data files, or their reference")(_schema_arguments)
def run_schema(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        from .reference import markdown

        sys.stdout.write(markdown())
        return 0
    from .schema import json_schema
    from .schemes import read_vocabulary, vocabulary_files

    vocabulary = read_vocabulary(vocabulary_files(args.dataset)) if args.dataset else None
    print(json.dumps(json_schema(vocabulary), indent=2, ensure_ascii=False))
    return 0


def _query_arguments(parser: argparse.ArgumentParser) -> None:
    from .formats import query_formats

    parser.add_argument(
        "dataset",
        type=Path,
        help="dataset folder or file, or a Turtle (.ttl) / N-Triples (.nt) dump",
    )
    parser.add_argument("query", help="the SPARQL query, a .rq file holding it, or - for stdin")
    parser.add_argument(
        "--format",
        choices=[fmt.name for fmt in query_formats()],
        help="output (default: table on a terminal, csv otherwise; turtle for CONSTRUCT/DESCRIBE)",
    )
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="stop the query after S seconds (at most a week)"
    )
    _base_argument(parser)


@command("query", "run a SPARQL query over a dataset in an embedded store (no server)")(
    _query_arguments
)
def run_query(args: argparse.Namespace) -> int:
    from .sparql import for_terminal, query, read_query

    text = read_query(args.query)
    # Isolated: the engine runs in a process of its own, which can reach no network, and
    # whose crash is reported as an error.
    result = query(args.dataset, text, timeout=args.timeout, base=args.base, isolated=True)
    terminal = sys.stdout.isatty()
    fmt = args.format or ("turtle" if result.kind == "graph" else None)
    fmt = fmt or ("table" if terminal else "csv")
    data = result.serialize(fmt)
    if terminal:  # what the data holds must not drive the terminal (escape sequences)
        data = for_terminal(data)
    sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
    sys.stdout.flush()
    return 0


def _push_arguments(parser: argparse.ArgumentParser) -> None:
    from .graph_store import DEFAULT_CHUNK_SIZE, TIMEOUT_SECONDS

    _dataset_arguments(parser)
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="the store's Graph Store Protocol URL (Oxigraph: http://HOST:7878/store)",
    )
    parser.add_argument(
        "--bulk",
        metavar="STORE",
        help="instead of --endpoint, load with the store's bulk loader: oxigraph:DIR (a store "
        "folder no server holds meanwhile; serve it afterwards) or virtuoso:HOST:PORT (its SQL "
        "port, through isql; with --bulk-dir and --auth-env)",
    )
    parser.add_argument(
        "--bulk-dir",
        type=Path,
        metavar="DIR",
        help="with --bulk virtuoso:HOST:PORT: a folder on the server's machine listed in "
        "DirsAllowed in its virtuoso.ini, where the file to load is written",
    )
    parser.add_argument("--graph", metavar="IRI", help="named graph to replace (default: base IRI)")
    parser.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="the store's SPARQL Update URL: upload to a temporary graph, then MOVE it in place",
    )
    parser.add_argument(
        "--auth-env",
        metavar="VAR",
        help="environment variable holding 'user:password' or 'Bearer TOKEN' (sent only to "
        "the endpoints given, never in a URL)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        metavar="N",
        help=f"triples per request (default {DEFAULT_CHUNK_SIZE})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT_SECONDS,
        metavar="S",
        help="give up on a request after S seconds in all, from connecting to the last byte of "
        f"the answer (default {TIMEOUT_SECONDS:g})",
    )
    parser.add_argument(
        "--changes",
        type=Path,
        metavar="OLD",
        help="send only what changed since OLD (the version the store holds: a dataset, a "
        "folder written by build or publish, or a dump), as one SPARQL Update; refused unless "
        "the store's graph is OLD, as the version marker of the last push says (needs "
        "--update-endpoint)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="with --changes: read the store's graph back and compare it with OLD triple for "
        "triple before the update, and count it after, whatever the version marker says",
    )


@command("push", "load a dataset's graph into a triple store (SPARQL 1.1 Graph Store Protocol)")(
    _push_arguments
)
def run_push(args: argparse.Namespace) -> int:
    from .graph_store import push

    if args.bulk is not None:
        return _bulk_push(args)
    if args.endpoint is None:
        raise ConfigError("give the store: --endpoint URL, or --bulk STORE")
    if args.bulk_dir is not None:
        raise ConfigError("--bulk-dir goes with --bulk virtuoso:HOST:PORT")
    result = push(
        args.dataset,
        args.endpoint,
        graph=args.graph,
        update_endpoint=args.update_endpoint,
        auth_env=args.auth_env,
        chunk_size=args.chunk_size,
        base=args.base,
        timeout=args.timeout,
        changes_from=args.changes,
        verify=args.verify,
    )
    print(result.summary())
    return 0


def _bulk_push(args: argparse.Namespace) -> int:
    from ._internal.bulk import bulk_push

    given = [f"--{name.replace('_', '-')}" for name in _NOT_BULK if getattr(args, name)]
    if given:
        raise ConfigError(f"--bulk loads a store folder: {', '.join(given)} does not go with it")
    result = bulk_push(
        args.dataset,
        args.bulk,
        graph=args.graph,
        base=args.base,
        auth_env=args.auth_env,
        staging=args.bulk_dir,
        timeout=args.timeout,
    )
    print(result.summary())
    return 0


_NOT_BULK = ("endpoint", "update_endpoint", "changes", "verify")


def _diff_arguments(parser: argparse.ArgumentParser) -> None:
    for name, which in (("old", "the old version"), ("new", "the new version")):
        parser.add_argument(
            name,
            type=Path,
            help=f"{which}: a dataset, a folder written by build or publish, or a dump "
            "(.nt, .ttl, .jsonld, gzipped or not)",
        )
    parser.add_argument(
        "--format",
        choices=("patch", "table", "json"),
        help="patch: RDF Patch; table: a block per resource; json: the same as data "
        "(default: table on a terminal, patch otherwise)",
    )
    _base_argument(parser)


@command("diff", "say which triples changed between two versions, per resource (exit 1 if any)")(
    _diff_arguments
)
def run_diff(args: argparse.Namespace) -> int:
    from .graph_diff import diff
    from .sparql import for_terminal

    changes = diff(args.old, args.new, base=args.base)
    terminal = sys.stdout.isatty()
    fmt = args.format or ("table" if terminal else "patch")
    if fmt == "table":
        data = changes.table().encode("utf-8")
    else:
        data = changes.to_json() if fmt == "json" else changes.patch()
    if terminal:  # what the data holds must not drive the terminal (escape sequences)
        data = for_terminal(data)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0 if changes.equal else 1


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    _dataset_arguments(parser)
    _processes_argument(parser)
    _engine_arguments(parser)
    _strict_argument(parser)
    _shacl_engine_argument(parser)
    _shards_argument(parser)
    parser.add_argument("--out", type=Path, required=True, help="site folder (replaced whole)")
    parser.add_argument(
        "--license", help="licence IRI of the data (default: the dataset's 'license' setting)"
    )
    parser.add_argument(
        "--modified", help="date stated as last modified, YYYY-MM-DD (default: from the data)"
    )
    parser.add_argument(
        "--issued",
        help="date this release is published, YYYY-MM-DD (default: the 'issued' setting)",
    )
    parser.add_argument(
        "--release",
        metavar="VERSION",
        help="this release's version (default: the 'version' setting, else one more than the "
        "previous release's)",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="SITE",
        help="the site of the previous release, to say what changed since (default: the one "
        "--out holds)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="publish from nothing, not reusing what an earlier publish left in the site "
        "(the files are the same either way)",
    )
    _partitions_argument(parser, "50,000 records above 200,000 records, else one part")


@command("publish", "validate a dataset and write a static Linked Data site")(_publish_arguments)
def run_publish(args: argparse.Namespace) -> int:
    from ._internal.progress import ProgressBar
    from .publish import Settings, publish

    settings = Settings(
        base=args.base,
        license=args.license,
        modified=args.modified,
        issued=args.issued,
        version=args.release,
        previous=args.previous,
        processes=args.processes,
        strict=args.strict,
        shacl_engine=args.shacl_engine,
        shards=args.shards,
        parallel=args.engine,
        scheduler=args.scheduler,
        partitions=args.partitions,
    )
    bar = ProgressBar("publishing", "pages", minimum=500)  # small sites are done in a blink
    try:
        result = publish(args.dataset, args.out, settings, progress=bar, incremental=not args.full)
    except InvalidGraphError as error:
        print(error.report.summary_text(), file=sys.stderr)
        print(f"nothing written to {args.out}: fix the violations first", file=sys.stderr)
        return 1
    finally:
        bar.close()  # so that a message after a failure starts on its own line
    print(result.build.report.headline())
    print(f"{len(result.pages)} pages, {len(result.files)} files written to {args.out}")
    if result.quality:
        print("\n".join(result.quality.lines()))
    return 0


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", type=Path, help="a folder written by 'liaise-lod publish'")
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0: any)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")


def _port(text: str) -> int:
    number = int(text) if text.isdigit() else -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not '{text}'")
    return number


@command("serve", "serve a published site locally, with content negotiation")(_serve_arguments)
def run_serve(args: argparse.Namespace) -> int:
    from .errors import ConfigError
    from .publish.server import make_server

    if not args.site.is_dir():
        raise ConfigError(f"{args.site} is not a folder")
    if not (args.site / "index.html").is_file():
        raise ConfigError(
            f"{args.site} is not a published site (it has no index.html): make one with "
            "liaise-lod publish DATASET --out SITE"
        )
    try:
        server = make_server(args.site, args.host, args.port)
    except OSError as error:  # the port is taken, not ours to take, the host unknown
        reason = error.strerror or str(error)
        raise ConfigError(f"cannot serve on {args.host} port {args.port}: {reason}") from None
    host, port = server.socket.getsockname()[:2]
    print(f"serving {args.site} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="liaise-lod",
        description="Publish European cooperation projects as Linked Open Data.",
    )
    top.add_argument("--version", action="version", version=f"liaise-lod {__version__}")
    top.add_argument("-v", "--verbose", action="store_true", help=_VERBOSE)
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (run, arguments, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        arguments(sub)
        _verbose_after_the_command(sub)
        sub.set_defaults(run=run)
    return top


_VERBOSE = "say how long each stage took (on stderr)"


def _verbose_after_the_command(sub: argparse.ArgumentParser) -> None:
    """``-v`` after the command as before it (``publish DATA -v``), where the command gives
    ``-v`` no meaning of its own (``validate``'s lists every result)."""
    with contextlib.suppress(argparse.ArgumentError):  # the command has a -v of its own
        sub.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_VERBOSE
        )


class _Stderr(logging.Handler):
    """Log lines on whatever ``sys.stderr`` is when they come."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"liaise-lod: {record.getMessage()}", file=sys.stderr)


@contextmanager
def _stage_times(shown: bool) -> Iterator[None]:
    """While running one command: stage times on stderr, if asked for."""
    if not shown:
        yield
        return
    handler, level = _Stderr(), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with _stage_times(args.verbose), _warnings_as_lines():
            return args.run(args)
    except LiaiseError as error:
        print(f"liaise-lod: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("liaise-lod: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (e.g. head) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Our warnings as one line each on stderr, like our errors; others as Python prints them."""
    python_shows = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, LiaiseWarning):
            print(f"liaise-lod: warning: {message}", file=sys.stderr)
        else:
            python_shows(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


if __name__ == "__main__":
    sys.exit(main())
