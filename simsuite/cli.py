"""The ``simsuite`` command: list rulebooks, show outlets and parameters,
score a ledger, explain a unit."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 100)
    pd.set_option("display.unicode.east_asian_width", True)
    try:
        return args.run(args)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"simsuite: error: {message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simsuite", description=__doc__)
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("rulebooks", help="list the built-in rulebooks")
    p.add_argument("--compare", action="store_true", help="their features side by side")
    p.set_defaults(run=_rulebooks)

    p = sub.add_parser("outlets", help="a rulebook's outlet catalogue with points")
    p.add_argument("rulebook")
    p.set_defaults(run=_outlets)

    p = sub.add_parser("params", help="a rulebook's parameters with values and citations")
    p.add_argument("rulebook", help="a rulebook id or a variant file")
    p.set_defaults(run=_params)

    p = sub.add_parser("behaviour", help="the behaviour model's parameters for synthetic histories")
    p.set_defaults(run=_behaviour)

    p = sub.add_parser("score", help="score a ledger (.xlsx or a folder of CSVs)")
    _history_args(p)
    p.add_argument("--variant", help="a variant file (TOML) whose baseline is the rulebook")
    p.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    p.set_defaults(run=_score)

    p = sub.add_parser("explain", help="where every point of one unit came from")
    _history_args(p)
    p.add_argument("--variant", help="a variant file (TOML)")
    p.add_argument("--unit", required=True, help="unit id or name")
    p.set_defaults(run=_explain)

    p = sub.add_parser("run", help="run a scenario: replicate histories scored under every comparison")
    p.add_argument("scenario", help="a scenario file (TOML), or the manifest.json of an earlier run")
    p.add_argument("--out", required=True,
                   help="folder for results.parquet, summary.xlsx, manifest.json, analysis.xlsx, figures/, report.html")
    p.add_argument("--workers", type=int, help="a local process pool of this many workers")
    p.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler address (pip install simsuite[dask])")
    p.add_argument("--until-se", type=float, metavar="SE",
                   help="go on past the scenario's replicates until every award, top-3 and bottom-3 "
                        "probability has at most this standard error")
    p.add_argument("--max-replicates", type=int, help="with --until-se: stop here at the latest")
    p.set_defaults(run=_run)

    p = sub.add_parser("simulate", help="write one synthetic ledger in the ledger format")
    p.add_argument("--rulebook", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--units", type=int, help="a synthetic population of this many units in the first group "
                   "(default: the jurisdiction's real units)")
    p.add_argument("--out", required=True, help="FILE.xlsx or a folder for CSVs")
    p.set_defaults(run=_simulate)

    p = sub.add_parser("explore", help="the what-if explorer as a web page on this computer (Voilà)")
    p.add_argument("--rulebook", default="ningxia-transport-2021", help="the rulebook it opens on")
    p.add_argument("--port", type=int, help="the port to serve on (default: a free one)")
    p.add_argument("--replicates", type=int, default=300, help="replicate years scored per change")
    p.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    p.set_defaults(run=_explore)
    return parser


def _history_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rulebook", required=True, help="rulebook id (see `simsuite rulebooks`)")
    p.add_argument("--history", required=True, help="ledger: .xlsx workbook or folder of CSVs")
    p.add_argument("--year", type=int, help="assessment year (default: the year most items fall in)")


def _version() -> str:
    from . import __version__

    return f"simsuite {__version__}"


def _rulebooks(args) -> int:
    from . import compare_rulebooks, list_rulebooks

    if args.compare:
        print(compare_rulebooks().to_string())
    else:
        for row in list_rulebooks().itertuples():
            print(f"{row.id:24} {row.name}: {row.summary}")
    return 0


def _outlets(args) -> int:
    from . import rulebook

    print(rulebook(args.rulebook).outlets().to_string(index=False))
    return 0


def _params(args) -> int:
    from . import rulebook

    frame = rulebook(args.rulebook).parameters.frame()
    print(frame[["path", "value", "unit", "range", "en", "cite"]].to_string(index=False))
    return 0


def _behaviour(args) -> int:
    from .synthetic.behaviour import default_parameters

    frame = default_parameters().frame()
    print(frame[["path", "value", "unit", "range", "en", "cite"]].to_string(index=False))
    return 0


def _scores(args):
    from . import score

    from .ledger import LedgerWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scores = score(args.rulebook, Path(args.history), year=args.year, variant=args.variant)
        finally:  # a ledger's warnings are shown even when another problem stops it
            for w in caught:
                kind = "warning" if issubclass(w.category, LedgerWarning) else "note"
                print(f"simsuite: {kind}: {w.message}", file=sys.stderr)
    return scores


def _score(args) -> int:
    scores = _scores(args)
    out = Path(args.out)
    table = scores.table
    if out.suffix.lower() == ".xlsx":
        stamp = pd.DataFrame(list(scores.stamp.items()), columns=["key", "value"])
        with pd.ExcelWriter(out) as xl:
            table.to_excel(xl, sheet_name="scores", index=False)
            stamp.to_excel(xl, sheet_name="stamp", index=False)
            scores.left_out.to_excel(xl, sheet_name="left_out", index=False)
    elif out.suffix.lower() == ".csv":
        table.to_csv(out, index=False, encoding="utf-8")
    else:
        raise ValueError(f"--out {out}: give a .csv or .xlsx file")
    s = scores.stamp
    print(f"{s['rulebook']}{' / ' + s['variant'] if s['variant'] else ''} · {s['period']} · "
          f"parameters {s['parameters']} · simsuite {s['simsuite']}")
    print(table[["unit_id", "name", "group", "points", "final", "rank", "award"]].to_string(index=False))
    for row in scores.left_out.itertuples():
        print(f"left out: {row.rows} {row.sheet} row(s) {row.reason}", file=sys.stderr)
    print(f"wrote {out}")
    return 0


def _explain(args) -> int:
    print(_scores(args).explain(args.unit))
    return 0


def _run(args) -> int:
    import dataclasses
    import json

    from .runs import parse_scenario, read_scenario, run

    path = Path(args.scenario)
    if path.suffix == ".json":  # repeat an earlier run exactly
        manifest = json.loads(path.read_text(encoding="utf-8"))
        scenario = parse_scenario(manifest["scenario_text"], Path(manifest["file"]).parent, manifest["file"])
        scenario = dataclasses.replace(scenario, replicates=manifest["replicates"])  # as many as it ran
    else:
        scenario = read_scenario(path)
    executor = args.workers
    if args.dask:
        from dask.distributed import Client

        executor = Client(args.dask)
    result = run(scenario, executor=executor, progress=True, until_se=args.until_se,
                 max_replicates=args.max_replicates)
    analysis = result.analyse()
    out = result.write(args.out, analysis=analysis)
    reached = f" (largest SE {result.manifest['largest_se']:.4f})" if args.until_se else ""
    print(f"{scenario.title}: {result.manifest['replicates']} replicates × {len(scenario.comparisons)} "
          f"comparisons{reached}")
    print(result.summary.groupby("comparison", observed=True)[["mean_rank", "p_top3"]].mean().to_string())
    for warning in analysis.warnings:
        print(f"warning: {warning}")
    print(f"wrote {out}/results.parquet, summary.xlsx, manifest.json, analysis.xlsx, figures/, report.html")
    return 0


def _simulate(args) -> int:
    from . import rulebook
    from .ledger import write_history
    from .synthetic import generate, real_units, synthetic_units, to_history

    rb = rulebook(args.rulebook)
    units = synthetic_units(rb, {rb.groups[0]: args.units}) if args.units else real_units(rb)
    s = generate(rb, units, args.year, replicates=1, seed=args.seed)
    history = to_history(s, rb, 0)
    out = Path(args.out)
    write_history(history, out)
    print(f"wrote a synthetic {rb.id} ledger for {args.year} ({len(history.items)} items, "
          f"{len(history.adoptions)} adoptions) to {out}")
    return 0


def _explore(args) -> int:
    from .explorer.serve import serve

    return serve(args.rulebook, port=args.port, open_browser=not args.no_browser, replicates=args.replicates)


if __name__ == "__main__":
    raise SystemExit(main())
