"""Run the expectation suites in ``expectations/`` with Great Expectations (GX Core 1.x).

The data reach GX as pandas DataFrames: GX's SQL datasource on DuckDB fails
upstream (every expectation errors with IndexError, GX issue 11579), while its
pandas datasource works and reports failing rows by ``doc_id`` (and the
expectation's ``meta.observed`` columns) through ``unexpected_index_column_names``.

An expectation that GX could not evaluate is reported as a failure with the
error, never as a pass: "not evaluated" must not read as "fine".
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

SUITES_DIR = Path(__file__).resolve().parent.parent / "expectations"
SEVERITIES = ("critical", "warning")
DOCS_SITE = "chuxin"


@dataclass
class SuiteSpec:
    name: str
    dataset: str
    expectations: list[dict]
    description: str = ""


@dataclass
class ExpectationOutcome:
    suite: str
    expectation: str
    severity: str
    success: bool
    n_checked: int
    n_failed: int
    description: str
    error: str | None = None  # set when GX could not evaluate the expectation
    failures: list[tuple[str | None, str]] = field(default_factory=list)  # (doc_id, observed)
    observed: str | None = None  # a table-level expectation's observed value


def load_suites(directory: Path = SUITES_DIR) -> list[SuiteSpec]:
    suites = []
    for path in sorted(directory.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        for exp in spec["expectations"]:
            meta = exp.setdefault("meta", {})
            if meta.get("severity") not in SEVERITIES:
                raise ValueError(f"{path.name}: expectation {meta.get('name')!r} needs a severity in {SEVERITIES}")
            if not meta.get("name"):
                raise ValueError(f"{path.name}: every expectation needs meta.name")
            observed = meta.get("observed", [])
            if not (isinstance(observed, list) and all(isinstance(c, str) for c in observed)):
                raise ValueError(f"{path.name}: {meta['name']}: meta.observed must be a list of column names")
        names = [exp["meta"]["name"] for exp in spec["expectations"]]
        if len(set(names)) != len(names):
            raise ValueError(f"{path.name}: expectation names must be unique within a suite")
        suites.append(SuiteSpec(spec["name"], spec["dataset"], spec["expectations"],
                                spec.get("meta", {}).get("description", "")))
    return suites


def observed_columns(exp: dict) -> list[str]:
    """The columns whose values tell a person what was wrong: ``meta.observed`` if given,
    else the expectation's own column(s)."""
    kwargs = exp["kwargs"]
    return exp["meta"].get("observed") or [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def run_suites(suites: list[SuiteSpec], frames: dict, run_id: str | None = None,
               docs_dir: Path | None = None) -> list[ExpectationOutcome]:
    """Validate each suite against ``frames[suite.dataset]`` (a pandas DataFrame with doc_id).

    With ``docs_dir``, GX Data Docs for these results are built there (``index.html``).
    """
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (DataContextConfig, InMemoryStoreBackendDefaults,
                                                            ProgressBarsConfig)
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.expectations.metadata_types import FailureSeverity

    # In-memory stores, and no throw-away docs site in /tmp (GX's ephemeral default).
    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        # Metric progress bars would scramble a run's log; results are summarised instead.
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False)))
    if docs_dir is not None:
        context.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs_dir).resolve())},
        })
    source = context.data_sources.add_pandas("chuxin")
    gx_run_id = RunIdentifier(run_name=run_id or "adhoc")
    outcomes: list[ExpectationOutcome] = []
    for spec in suites:
        frame = frames[spec.dataset]
        asset = source.add_dataframe_asset(spec.name)
        batch_def = asset.add_batch_definition_whole_dataframe(spec.name)
        suite = gx.ExpectationSuite(name=spec.name, meta={"dataset": spec.dataset},
                                    notes=spec.description or None)
        for exp in spec.expectations:
            meta = exp["meta"]
            suite.add_expectation_configuration(ExpectationConfiguration(
                type=exp["type"], kwargs=exp["kwargs"], meta=meta,
                severity=FailureSeverity(meta["severity"]),
                notes=f"**{meta['severity']}** `{meta['name']}`: {meta.get('description', '')}"))
        suite = context.suites.add(suite)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch_def, suite=suite))
        wanted = ["doc_id"] + [c for exp in spec.expectations for c in observed_columns(exp)]
        index_cols = [c for c in dict.fromkeys(wanted) if c in frame.columns]
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols},
            run_id=gx_run_id,
        )
        by_name = {exp["meta"]["name"]: exp for exp in spec.expectations}
        for r in result.results:
            outcomes.append(_outcome(spec.name, r, by_name[r.expectation_config.meta["name"]], len(frame)))
    if docs_dir is not None:
        try:
            context.build_data_docs(site_names=[DOCS_SITE])
            _add_run_summary(Path(docs_dir), run_id, suites, outcomes)
        except Exception:  # the docs are a view of the results; never lose a run over them
            logging.getLogger(__name__).exception("building GX Data Docs in %s failed", docs_dir)
            (Path(docs_dir) / "index.html").unlink(missing_ok=True)
    return outcomes


def _gx_error(r) -> str | None:
    """GX's error for an expectation it could not evaluate. The error sits either at the top of
    ``exception_info`` or under the metric that failed to compute."""
    info = r.exception_info or {}
    candidates = [info] + [v for v in info.values() if isinstance(v, dict)]
    for item in candidates:
        if item.get("raised_exception"):
            return str(item.get("exception_message") or "GX raised an exception")
    return None


def _is_null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


def _show(value) -> str:
    if _is_null(value):
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _outcome(suite: str, r, exp: dict, n_rows: int) -> ExpectationOutcome:
    meta = exp["meta"]
    error = _gx_error(r)
    res = r.result or {}
    cols = observed_columns(exp)
    failures: list[tuple[str | None, str]] = []
    for item in res.get("unexpected_index_list") or []:
        if not isinstance(item, dict):
            continue
        if len(cols) == 1:
            observed = _show(item.get(cols[0]))
        else:
            observed = "; ".join(f"{c}={_show(item.get(c))}" for c in cols)
        doc_id = item.get("doc_id")
        failure = (None if _is_null(doc_id) else str(doc_id), observed)
        if failure not in failures:  # one person's two role rows are one failure
            failures.append(failure)
    success = bool(r.success) and error is None
    n_failed = 0 if success else int(res.get("unexpected_count") or len(failures) or 1)
    table_observed = res.get("observed_value")
    return ExpectationOutcome(
        suite=suite,
        expectation=meta["name"],
        severity=meta["severity"],
        success=success,
        n_checked=int(res.get("element_count") or n_rows),
        n_failed=n_failed,
        description=meta.get("description", ""),
        error=error,
        failures=failures,
        observed=None if table_observed is None else _show(table_observed),
    )


# --- Data Docs ----------------------------------------------------------------------------

_SUMMARY_STYLE = ("font-family: sans-serif; margin: 1em 3em; padding: 1em; border: 1px solid #ccc; "
                  "border-radius: 6px")


def _add_run_summary(docs_dir: Path, run_id: str | None, suites: list[SuiteSpec],
                     outcomes: list[ExpectationOutcome]) -> None:
    """Put a static summary of this run at the top of the Data Docs index page.

    GX fills its own index tables with JavaScript loaded from public CDNs, so offline
    (or behind a strict proxy) they stay empty; this section is plain HTML with links
    to GX's per-suite pages, which render without any download.
    """
    index = docs_dir / "index.html"
    e = html.escape
    rows, failed_rows = [], []
    for spec in suites:
        mine = [o for o in outcomes if o.suite == spec.name]
        failed = [o for o in mine if not o.success]
        critical = [o for o in failed if o.severity == "critical"]
        status = "passed" if not failed else ("failed (critical)" if critical else "failed (warnings only)")
        pages = sorted((docs_dir / "validations" / spec.name).rglob("*.html"))
        links = [f'<a href="expectations/{e(spec.name)}.html">expectations</a>']
        links += [f'<a href="{e(p.relative_to(docs_dir).as_posix())}">validation result</a>' for p in pages]
        rows.append(f'<tr class="chuxin-suite" data-suite="{e(spec.name)}"><td><b>{e(spec.name)}</b></td>'
                    f"<td>{e(spec.dataset)}</td><td>{len(mine)}</td><td>{len(mine) - len(failed)}</td>"
                    f"<td>{len(failed)}</td><td>{len(critical)}</td><td>{e(status)}</td>"
                    f"<td>{' · '.join(links)}</td></tr>")
        for o in failed:
            shown = o.failures[:5]
            what = "; ".join(f"{d or '(no document)'} → {obs}" for d, obs in shown) or (
                f"not evaluated: {o.error}" if o.error else (o.observed or ""))
            more = f" … and {len(o.failures) - len(shown)} more" if len(o.failures) > len(shown) else ""
            failed_rows.append(f'<tr class="chuxin-failure"><td>{e(o.suite)}.{e(o.expectation)}</td>'
                               f"<td>{e(o.severity)}</td><td>{o.n_failed}</td><td>{e(what + more)}</td></tr>")
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in (
        "suite", "dataset", "expectations", "passed", "failed", "critical failed", "status", "pages")) + "</tr>"
    section = [f'<section id="chuxin-run-summary" style="{_SUMMARY_STYLE}">',
               f"<h2>chuxin data quality — run {e(run_id or '')}</h2>",
               f'<table class="table table-sm">{head}{"".join(rows)}</table>']
    if failed_rows:
        section += ["<h3>Failed expectations</h3>",
                    '<table class="table table-sm"><tr><th>expectation</th><th>severity</th><th>rows</th>'
                    f"<th>documents → observed</th></tr>{''.join(failed_rows)}</table>"]
    else:
        section.append("<p>Every expectation passed.</p>")
    section.append("<p>Failures are also in the warehouse: <code>SELECT * FROM dq_failures</code>.</p></section>")
    page = index.read_text(encoding="utf-8")
    at = page.find("<body>")
    at = at + len("<body>") if at >= 0 else 0
    index.write_text(page[:at] + "\n" + "\n".join(section) + "\n" + page[at:], encoding="utf-8")
