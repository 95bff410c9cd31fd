"""The simsuite command: list rulebooks, show outlets and parameters, score
a ledger, explain a unit, run a scenario. Tables wrap to the terminal's
width; --wide prints them with one line per row."""

from __future__ import annotations

import argparse
import shutil
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
    except KeyboardInterrupt:
        print("\nsimsuite: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a file that cannot be written or read: one line, not a traceback
        print(f"simsuite: error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}",
              file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simsuite", description=__doc__)
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("rulebooks", help="list the built-in rulebooks")
    p.add_argument("--compare", action="store_true", help="their features side by side")
    _wide_arg(p)
    p.set_defaults(run=_rulebooks)

    p = sub.add_parser("components", help="the rule components a rulebook file can compose, with their parameters")
    p.set_defaults(run=_components)

    p = sub.add_parser("outlets", help="a rulebook's outlet catalogue with points")
    p.add_argument("rulebook")
    _wide_arg(p)
    p.set_defaults(run=_outlets)

    p = sub.add_parser("params", help="a rulebook's parameters with values and citations")
    p.add_argument("rulebook", help="a rulebook id or a variant file")
    _wide_arg(p)
    p.set_defaults(run=_params)

    p = sub.add_parser("behaviour", help="the behaviour model's parameters for synthetic histories")
    p.add_argument("--rulebook", metavar="ID",
                   help="also show the values a built-in rulebook's simulations use, group by group")
    _wide_arg(p)
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
    _wide_arg(p)
    p.set_defaults(run=_explain)

    p = sub.add_parser("run", help="run a scenario: replicate histories scored under every comparison")
    p.add_argument("scenario", help="a scenario file (TOML), or the manifest.json of an earlier run")
    p.add_argument("--out", required=True,
                   help="folder for results.parquet, summary.xlsx, manifest.json, analysis.xlsx, figures/, report.html")
    p.add_argument("--workers", type=int, help="a local process pool of this many workers")
    p.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler address (pip install simsuite[dask])")
    p.add_argument("--until-se", type=float, metavar="SE",
                   help="go on past the scenario's replicates until every unit's chance of first place, "
                        "top 3, bottom 3 and each award has at most this standard error (from its Wilson interval)")
    p.add_argument("--max-replicates", type=int, help="with --until-se: stop here at the latest")
    p.add_argument("--force", action="store_true", help="replace what the --out folder holds")
    p.set_defaults(run=_run)

    p = sub.add_parser("design", help="search rule designs: the best trade-offs between fidelity, stability, "
                                      "fairness and closeness to today's rule")
    p.add_argument("spec", help="a design specification (TOML), e.g. scenarios/design/ningxia-adoption-points.toml")
    p.add_argument("--out", required=True, help="folder for front.csv, trials.csv, designs.csv, variants/, "
                                                "figures/, report.html and the study file")
    p.add_argument("--trials", type=int, help="candidate rules to try in all (default: the specification's)")
    p.add_argument("--workers", type=int, help="score each generation on a local process pool of this many workers")
    p.add_argument("--dask", metavar="ADDRESS", help="score each generation on a Dask cluster (its workers must see "
                                                     "the specification's folder)")
    p.add_argument("--resume", action="store_true", help="continue the study kept in the --out folder")
    p.add_argument("--force", action="store_true", help="start over, replacing what the --out folder holds")
    _wide_arg(p)
    p.set_defaults(run=_design)

    p = sub.add_parser("simulate", help="write one synthetic ledger in the ledger format")
    p.add_argument("--rulebook", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--units", type=int, help="a synthetic population of this many units in the first group "
                   "(default: the jurisdiction's real units)")
    p.add_argument("--out", required=True, help="FILE.xlsx or a folder for CSVs")
    p.set_defaults(run=_simulate)

    p = sub.add_parser("calibrate", help="fit each unit's behaviour from a ledger into a population file for scenarios")
    p.add_argument("--rulebook", required=True, help="rulebook id, as simsuite rulebooks lists them, or a rulebook file")
    p.add_argument("--history", required=True, help="ledger of one or several years: .xlsx workbook or folder of CSVs")
    p.add_argument("--out", required=True, help="FILE.toml for the calibrated population")
    p.add_argument("--years", type=int, nargs="+", metavar="YEAR",
                   help="the assessment years to fit on (default: every year of the ledger but stray ones)")
    p.add_argument("--check", metavar="FOLDER", help="also write the predictive check (table and figure) here")
    p.add_argument("--year", type=int, help="with --check: the year simulated against the ledger "
                   "(default: its last)")
    p.set_defaults(run=_calibrate)

    p = sub.add_parser("explore", help="the what-if explorer as a web page on this computer (Voilà)")
    p.add_argument("--rulebook", default="ningxia-transport-2021", help="the rulebook it opens on")
    p.add_argument("--port", type=int, help="the port to serve on (default: a free one)")
    p.add_argument("--replicates", type=int, default=300, help="replicate years scored per change")
    p.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    p.add_argument("--idle-timeout", type=int, default=600, metavar="SECONDS",
                   help="end a page's kernel this long after its page is gone (default 600)")
    p.set_defaults(run=_explore)
    return parser


def _wide_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wide", action="store_true",
                   help="one line per table row, however long (default: wrap to the terminal)")


def _table(frame: pd.DataFrame, args) -> str:
    from .results.text import fit_table

    return fit_table(frame, wide=getattr(args, "wide", False))


def _wrap(text: str) -> str:
    from .results.text import terminal_width, wrap

    return "\n".join(line for para in text.split("\n") for line in
                     _indent(wrap(para.strip(), terminal_width() - (len(para) - len(para.lstrip()))), para))


def _indent(lines: list[str], para: str) -> list[str]:
    lead = para[:len(para) - len(para.lstrip())]
    return [lead + line for line in lines]


def _history_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rulebook", required=True, help="rulebook id, as simsuite rulebooks lists them, or a rulebook file")
    p.add_argument("--history", required=True, help="ledger: .xlsx workbook or folder of CSVs")
    p.add_argument("--year", type=int, help="assessment year (default: the year most items fall in)")


def _version() -> str:
    from . import __version__

    return f"simsuite {__version__}"


def _rulebooks(args) -> int:
    from . import compare_rulebooks, list_rulebooks

    if args.compare:
        table = compare_rulebooks()
        long = table.rename_axis(index="feature", columns="rulebook").stack().rename("value").reset_index()
        long["feature"] = long["feature"].where(~long["feature"].duplicated(), "")  # name each feature once
        print(_table(long, args))
    else:
        for row in list_rulebooks().itertuples():
            print(f"{row.id:24} {row.name}: {row.summary}")
    return 0


def _components(args) -> int:
    from .rulebooks.catalogue import catalogue_markdown

    print(catalogue_markdown())
    return 0


def _outlets(args) -> int:
    from . import rulebook

    print(_table(rulebook(args.rulebook).outlets(), args))
    return 0


def _params(args) -> int:
    from . import rulebook

    frame = rulebook(args.rulebook).parameters.frame()
    print(_table(frame[["path", "value", "unit", "range", "en", "cite"]], args))
    return 0


def _behaviour(args) -> int:
    from .synthetic.behaviour import behaviour_table

    try:
        frame = behaviour_table(args.rulebook)
    except ValueError as exc:
        print(f"simsuite behaviour: {exc}", file=sys.stderr)
        return 2
    print(_table(frame, args))
    if args.rulebook:
        print(f"\n{args.rulebook}: the values its simulations use unless a scenario's [behaviour] changes them; "
              "docs/calibration.md says why each was chosen.")
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
    from .results.awards import award_label

    out = Path(args.out)
    _check_out_file(out)
    scores = _scores(args)
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
    shown = table[["unit_id", "name", "group", "points", "final", "rank", "award"]].copy()
    shown["award"] = shown["award"].map(award_label)  # the file keeps the codes; staff read the names
    print(_table(shown, args))
    for row in scores.left_out.itertuples():
        print(f"left out: {row.rows} {row.sheet} row(s) {row.reason}", file=sys.stderr)
    print(f"wrote {out}")
    return 0


def _check_out_file(out: Path) -> None:
    """An output file's folder must exist and the name must not be a folder."""
    if out.is_dir():
        raise ValueError(f"--out {out}: is a folder; give a file name such as {out / 'scores.csv'}")
    if not out.parent.is_dir():
        raise ValueError(f"--out {out}: the folder {out.parent} does not exist")


def _explain(args) -> int:
    explanation = _scores(args).explain(args.unit)
    print(explanation.to_text(width=None if not args.wide else 0))
    return 0


def _run(args) -> int:
    import json

    from .runs import read_scenario, repeat_manifest
    from .runs.run import refuse_output

    path = Path(args.scenario)
    out = Path(args.out)
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers}: give 1 or more worker processes")
    if args.until_se is not None and not 0 < args.until_se < 0.5:
        raise ValueError(f"--until-se {args.until_se}: give a standard error between 0 and 0.5, such as 0.01")
    if args.max_replicates is not None and args.max_replicates < 1:
        raise ValueError(f"--max-replicates {args.max_replicates}: give 1 or more")
    refuse_output(out, args.force)  # before any work, not after it
    if path.suffix == ".json":  # repeat an earlier run exactly, from the texts its manifest kept
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the manifest: {exc}") from None
        scenario = repeat_manifest(manifest, str(path))
    else:
        scenario = read_scenario(path)
    executor = args.workers
    local, worker_memory = max(1, args.workers or 1), None
    if args.dask:
        executor, worker_memory = _dask_client(args.dask)
        local = 0
    try:
        return _run_on(args, scenario, out, executor, local, worker_memory)
    finally:
        if args.dask:
            executor.close()


def _run_on(args, scenario, out: Path, executor, local: int, worker_memory: int | None) -> int:
    from .response.scenario import response_settings
    from .runs import run
    from .runs.resources import check, replicates_that_fit
    from .runs.run import ChunkStore

    settings = response_settings(scenario)  # a bad [response] section fails before any work

    workers = local or max(1, len(executor.scheduler_info().get("workers", {})))
    estimate = check(scenario, workers=workers, local_workers=local, worker_memory=worker_memory)
    print(f"{scenario.title}: {scenario.replicates:,} replicates × {len(scenario.comparisons)} comparisons "
          f"need {estimate.describe()}", file=sys.stderr)
    max_replicates = args.max_replicates
    if args.until_se is not None:
        limit = max(max_replicates or 100 * scenario.replicates, scenario.replicates)
        fit = replicates_that_fit(scenario, local)
        if limit > fit:
            print(f"--until-se: stopping at {fit:,} replicates at the latest, as many as memory holds",
                  file=sys.stderr)
            max_replicates = fit
    checkpoint = out.with_name(f".{out.name}.chunks")  # completed chunks, kept until the run is written
    store = ChunkStore(checkpoint, scenario)  # discards chunks of any other scenario
    if store.resumed:
        print(f"resuming from {store.resumed} completed chunk(s) kept in {checkpoint}", file=sys.stderr)
    try:
        result = run(scenario, executor=executor, progress=True, until_se=args.until_se,
                     max_replicates=max_replicates, checkpoint=store, check_resources=False)
    except KeyboardInterrupt:
        done = len(list(checkpoint.glob("chunk-*.parquet")))
        print(f"\nsimsuite: interrupted; the {done} completed chunk(s) are kept in {checkpoint}: "
              f"the same command resumes from them", file=sys.stderr)
        return 130
    from .report import analyse, write_report

    analysis = analyse(result)
    equilibria = None
    if settings is not None:  # units respond to each rule: an equilibrium per comparison
        from .response.scenario import respond

        print(f"[response] best responses for {len(scenario.comparisons)} comparison(s) …", file=sys.stderr)
        equilibria = respond(scenario, settings, executor if isinstance(executor, int) else None)
    write_report(result, out, analysis, force=args.force, response=equilibria)
    shutil.rmtree(checkpoint, ignore_errors=True)
    reached = f" (largest SE {result.manifest['largest_se']:.4f})" if args.until_se else ""
    print(f"{scenario.title}: {result.manifest['replicates']} replicates × {len(scenario.comparisons)} "
          f"comparisons{reached}")
    for headline in analysis.headlines:
        print(_wrap(str(headline)))
    from .analytics.diagnostics import diagnostics, lines
    from .report.labels import traits_note

    print(_wrap("\n".join(lines(diagnostics(result), analysis.group_names))))
    print(_wrap("\n".join(traits_note(result.manifest))))
    for warning in analysis.warnings:
        print(f"warning: {warning}")
    if equilibria:
        from .response.scenario import summary_lines

        print(_wrap("\n".join(summary_lines(equilibria))))
    print(f"wrote {out}/results.parquet, summary.xlsx, manifest.json, analysis.xlsx, figures/, report.html"
          + (", response.csv, response_summary.csv, response_convergence.csv" if equilibria else ""))
    return 0


def _dask_client(address: str):
    """A Dask client and its smallest worker's memory, or one line saying why not."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ValueError("--dask needs Dask: pip install -e \".[dask]\"") from None
    try:
        client = Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(f"--dask {address}: no Dask scheduler answers there ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else 'no answer'})") from None
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info().get("workers", {}).values()]
    return client, (min(limits) or None) if limits else None


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
    from .analytics.diagnostics import diagnose_synthetic, lines

    print(_wrap("\n".join(lines(diagnose_synthetic(rb, s, args.year)))))  # is this ledger fit to tell the units apart?
    return 0


def _calibrate(args) -> int:
    from . import api
    from .ledger import LedgerWarning, read_history

    out = Path(args.out)
    _check_out_file(out)
    if out.suffix.lower() != ".toml":
        raise ValueError(f"--out {out}: give a .toml file")
    rb = api.rulebook(args.rulebook)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            history = read_history(Path(args.history), rb.vocabulary)
            calibration = api.calibrate(rb, history, years=args.years)
        finally:
            for w in caught:
                kind = "warning" if issubclass(w.category, LedgerWarning) else "note"
                print(f"simsuite: {kind}: {w.message}", file=sys.stderr)
    calibration.write(out)
    print(_wrap(calibration.summary()))
    print(f"wrote {out}")
    if args.check:
        from .plots.calibration import predictive_check_chart
        from .synthetic.calibrate import check_table, predictive_check

        folder = Path(args.check)
        folder.mkdir(parents=True, exist_ok=True)
        year = args.year or calibration.years[-1]
        check = predictive_check(calibration, rb, history, year)
        table = check_table(check)
        table.to_csv(folder / "predictive-check.csv", index=False, encoding="utf-8")
        predictive_check_chart(check).savefig(folder / "predictive-check.png", dpi=120)
        print(f"predictive check, {year}: the ledger against 200 simulated years of the calibrated units")
        for (zh, en, meaning), part in table.groupby(["label_zh", "label_en", "meaning"], sort=False):
            print(_wrap(f"{zh} {en}: {meaning}"))
            shown = part[["value", "observed", "simulated_mean", "simulated_p05", "simulated_p95", "inside"]]
            print(_table(shown.rename(columns={"value": "取值 value", "observed": "台账 ledger",
                                               "simulated_mean": "模拟均值 simulated",
                                               "simulated_p05": "5%", "simulated_p95": "95%",
                                               "inside": "区间内 inside"}), args))
        print(f"wrote {folder / 'predictive-check.csv'} and {folder / 'predictive-check.png'}")
    return 0


def _explore(args) -> int:
    from .explorer.serve import serve

    return serve(args.rulebook, port=args.port, open_browser=not args.no_browser, replicates=args.replicates,
                 idle_timeout=args.idle_timeout)

def _design(args) -> int:
    """Search, keeping the study in a journal beside --out while it runs (an
    interrupted search is continued by the same command), then write the
    folder in one move."""
    from .design import read_design, search
    from .report.design import STUDY_FILE, write_design
    from .runs.run import refuse_output

    out = Path(args.out)
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers}: give 1 or more worker processes")
    if args.trials is not None and args.trials < 1:
        raise ValueError(f"--trials {args.trials}: give 1 or more")
    if args.resume and args.force:
        raise ValueError("--resume continues the study in --out, --force starts over: give one of them")
    journal = out.with_name(f".{out.name}.{STUDY_FILE}")
    if args.resume:
        if not (out / STUDY_FILE).exists() and not journal.exists():
            raise ValueError(f"--resume: {out} holds no {STUDY_FILE} to continue; leave out --resume to start")
        if not journal.exists():
            shutil.copyfile(out / STUDY_FILE, journal)
    else:
        if (out / STUDY_FILE).exists() and not args.force:
            raise ValueError(f"--out {out}: holds an earlier search; --resume continues it, --force starts over")
        refuse_output(out, args.force)
        if args.force:
            journal.unlink(missing_ok=True)
        elif journal.exists():
            print(f"continuing the interrupted search kept in {journal}", file=sys.stderr)
    spec = read_design(args.spec)
    total = args.trials or spec.trials

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} candidate rules", end="", file=sys.stderr, flush=True)

    workers = _dask_client(args.dask)[0] if args.dask else args.workers
    try:
        result = search(spec, journal, trials=total, workers=workers, progress=progress)
    except KeyboardInterrupt:
        print(f"\nsimsuite: interrupted; the search so far is kept in {journal}: the same command continues it",
              file=sys.stderr)
        return 130
    finally:
        if args.dask:
            workers.close()
    print(file=sys.stderr)
    write_design(result, out, force=True if args.resume else args.force, study_file=journal)
    journal.unlink(missing_ok=True)
    print(f"{spec.title}: {len(result.trials)} candidate rules, {len(result.front)} on the front; see {out / 'report.html'}")
    from .report.design import changes_text

    changes = [changes_text(result.candidate(int(n)), spec.baseline) for n in result.front["number"]]
    print(_table(_front_table(result.front, spec.search, changes), args))
    return 0


def _front_table(front: pd.DataFrame, searched, changes: list[str]) -> pd.DataFrame:
    """The front as staff read it: each design's changes, each searched
    objective as value ± SE under its Chinese and English name (the report's
    own columns), and at equilibrium the largest gain a unit could still make (ε)."""
    from .design.objectives import OBJECTIVES
    from .report.design import objective_columns

    out = pd.DataFrame({"设计 design": front["number"].to_numpy(), "改动 changes": changes}, index=front.index)
    out = out.join(objective_columns(front)[[OBJECTIVES[name].label for name in searched]])
    if "eps" in front:
        out["ε 均衡残余收益 equilibrium gap"] = [f"{e:.3f}" + ("" if c else " (未收敛 not converged)")
                                         for e, c in zip(front["eps"], front["converged"])]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
