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
import re
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


def suites_fingerprint(directory: Path = SUITES_DIR) -> str:
    """A hash of the suite files and of the SQL of their datasets: what the last validation checked."""
    import hashlib

    from tasks import dq_datasets

    h = hashlib.sha256()
    for path in sorted(directory.glob("*.json")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name, sql in sorted(dq_datasets.DATASETS.items()):
        h.update(name.encode() + b"\0" + sql.encode() + b"\0")
    return h.hexdigest()


def observed_columns(exp: dict) -> list[str]:
    """The columns whose values tell a person what was wrong: ``meta.observed`` if given,
    else the expectation's own column(s)."""
    kwargs = exp["kwargs"]
    return exp["meta"].get("observed") or [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]


def import_gx_in_background() -> None:
    """Start importing Great Expectations (~2.5 s of a run) in a thread.

    A run calls this before loading the warehouse: DuckDB releases the GIL while it loads, so
    the import overlaps the load instead of following it. ``run_suites``' own import then
    waits for it (Python's import lock) and finds the modules ready.
    """
    import threading

    def target() -> None:
        _quiet_gx()
        import great_expectations  # noqa: F401
        import great_expectations.expectations.core  # noqa: F401

    threading.Thread(target=target, name="import-great-expectations", daemon=True).start()


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


# Arrow bytes per DataFrame handed to GX. A dataset larger than this is validated chunk by chunk
# (chunks end on a doc_id boundary, so per-document checks such as uniqueness see every row of a
# document together) and the chunks' results are merged: memory stays bounded by the chunk, not by
# the warehouse. Sized in bytes, not rows: GX spends a fixed ~30 ms per expectation per chunk
# (rebuilding its configurations and metric graph) besides the rows, so narrow datasets (people,
# agreement: ~200 bytes a row) take chunks of ~80,000 rows, while wide ones (reports,
# cross_reports) stay near the 25,000 rows of before. At 100,000 reports validation went from
# 10.3 to ~8.5 s. 32 MB (7.2 s) put the 1M run's peak at 1.96 GB, against 1.66 before.
CHUNK_BYTES = 16 * 2**20
# Failing rows shown per expectation on the GX Data Docs pages. dq_failures (the warehouse) and
# the outcomes keep every failing row; a page listing 100,000 of them helps nobody.
DOCS_MAX_ROWS = 20

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def needed_columns(spec: SuiteSpec, available) -> list[str]:
    """The columns a suite reads: doc_id, each expectation's column(s), its row_condition's
    columns and its observed columns; only those reach pandas (never the text columns)."""
    available = list(available)
    wanted = ["doc_id"]
    for exp in spec.expectations:
        kwargs = exp["kwargs"]
        wanted += [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]
        wanted += observed_columns(exp)
        condition = kwargs.get("row_condition")
        if condition:
            words = set(_WORD.findall(str(condition)))
            wanted += [c for c in available if c in words]
    return [c for c in dict.fromkeys(wanted) if c in available]


def _chunks_of(source, spec: SuiteSpec):
    """DataFrames for one suite: ``source`` is a pandas DataFrame (one chunk, narrowed to the
    suite's columns) or a callable ``spec -> iterable of DataFrames`` (``warehouse.dq_chunks``)."""
    if callable(source):
        return source(spec)
    return [source[needed_columns(spec, source.columns)]]


class _Merged:
    """The results of one expectation over every chunk of its dataset."""

    def __init__(self, suite: str, exp: dict):
        self.suite, self.exp = suite, exp
        self.success, self.error, self.observed = True, None, None
        self.n_checked = self.n_rows = self.n_failed = 0
        self.failures: list[tuple[str | None, str]] = []
        self._seen: set = set()
        self.docs_unexpected: list = []  # the first DOCS_MAX_ROWS failing rows, for Data Docs
        self.docs_index: list = []

    def add(self, r, n_rows: int) -> None:
        o = _outcome(self.suite, r, self.exp, n_rows)
        res = r.result or {}
        self.n_checked += int(res.get("element_count") or 0)
        self.n_rows += n_rows
        self.error = self.error or o.error
        self.success = self.success and o.success
        self.n_failed += o.n_failed
        if o.observed is not None:
            self.observed = o.observed
        for f in o.failures:
            if f not in self._seen:  # one person's two role rows are one failure
                self._seen.add(f)
                self.failures.append(f)
        room = DOCS_MAX_ROWS - len(self.docs_unexpected)
        if room > 0:
            self.docs_unexpected += list(res.get("unexpected_list") or [])[:room]
            self.docs_index += list(res.get("unexpected_index_list") or [])[:room]

    def outcome(self) -> ExpectationOutcome:
        meta = self.exp["meta"]
        success = self.success and self.error is None
        return ExpectationOutcome(
            suite=self.suite, expectation=meta["name"], severity=meta["severity"], success=success,
            n_checked=self.n_checked or self.n_rows, n_failed=0 if success else (self.n_failed or 1),
            description=meta.get("description", ""), error=self.error, failures=self.failures,
            observed=self.observed)

    def trim_for_docs(self, r) -> None:
        """Make the GX result ``r`` (of the last chunk) describe every chunk, with short lists."""
        r.success = self.success and self.error is None
        res = r.result
        if not isinstance(res, dict) or "element_count" not in res:
            return
        total = self.n_checked or self.n_rows
        res["element_count"] = total
        res["unexpected_count"] = self.n_failed if not r.success else 0
        res["unexpected_percent"] = 100.0 * res["unexpected_count"] / total if total else 0.0
        if "unexpected_percent_nonmissing" in res:
            res["unexpected_percent_nonmissing"] = res["unexpected_percent"]
        if "unexpected_percent_total" in res:
            res["unexpected_percent_total"] = res["unexpected_percent"]
        for key in ("unexpected_list", "partial_unexpected_list"):
            if key in res:
                res[key] = self.docs_unexpected
        for key in ("unexpected_index_list", "partial_unexpected_index_list"):
            if key in res:
                res[key] = self.docs_index
        if "partial_unexpected_counts" in res:
            res["partial_unexpected_counts"] = list(res["partial_unexpected_counts"] or [])[:DOCS_MAX_ROWS]
        if res.get("unexpected_index_query"):
            res["unexpected_index_query"] = (f"{self.n_failed} failing rows: SELECT * FROM dq_failures WHERE "
                                             f"expectation = '{self.exp['meta']['name']}'")


def run_suites(suites: list[SuiteSpec], frames: dict, run_id: str | None = None,
               docs_dir: Path | None = None) -> list[ExpectationOutcome]:
    """Validate each suite against ``frames[suite.dataset]``.

    A frame is a pandas DataFrame with doc_id, or a callable giving the suite's chunks
    (``warehouse.dq_chunks``): each chunk is validated and the results merged. With
    ``docs_dir``, GX Data Docs for these results are built there (``index.html``), listing at
    most DOCS_MAX_ROWS failing rows per expectation.
    """
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
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
    store = context.validation_results_store
    outcomes: list[ExpectationOutcome] = []
    for spec in suites:
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
        by_name = {exp["meta"]["name"]: exp for exp in spec.expectations}
        merged = {name: _Merged(spec.name, exp) for name, exp in by_name.items()}
        result = None
        for frame in _chunks_of(frames[spec.dataset], spec):
            wanted = ["doc_id"] + [c for exp in spec.expectations for c in observed_columns(exp)]
            index_cols = [c for c in dict.fromkeys(wanted) if c in frame.columns]
            result = validation.run(
                batch_parameters={"dataframe": frame},
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols},
                run_id=gx_run_id,
            )
            for r in result.results:
                merged[r.expectation_config.meta["name"]].add(r, len(frame))
            del frame
        mine = [merged[name].outcome() for name in by_name]
        outcomes += mine
        if docs_dir is not None and result is not None:
            _store_for_docs(store, spec.name, result, merged)
    if docs_dir is not None:
        try:
            context.build_data_docs(site_names=[DOCS_SITE])
            _add_run_summary(Path(docs_dir), run_id, suites, outcomes)
        except Exception:  # the docs are a view of the results; never lose a run over them
            logging.getLogger(__name__).exception("building GX Data Docs in %s failed", docs_dir)
            (Path(docs_dir) / "index.html").unlink(missing_ok=True)
    return outcomes


def _store_for_docs(store, suite_name: str, result, merged: dict) -> None:
    """Replace what GX stored for this suite's chunks by one result covering all of them, with
    short failure lists, so the Data Docs page stays small however many rows failed."""
    for r in result.results:
        merged[r.expectation_config.meta["name"]].trim_for_docs(r)
    n_ok = sum(bool(r.success) for r in result.results)
    result.success = n_ok == len(result.results)
    stats = result.statistics or {}
    stats.update(evaluated_expectations=len(result.results), successful_expectations=n_ok,
                 unsuccessful_expectations=len(result.results) - n_ok,
                 success_percent=100.0 * n_ok / len(result.results) if result.results else None)
    keys = [k for k in store.list_keys() if k.expectation_suite_identifier.name == suite_name]
    for key in keys[1:]:
        store.remove_key(key)
    if keys:
        store.set(keys[0], result)


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
    seen: set = set()
    for item in res.get("unexpected_index_list") or []:
        if not isinstance(item, dict):
            continue
        if len(cols) == 1:
            observed = _show(item.get(cols[0]))
        else:
            observed = "; ".join(f"{c}={_show(item.get(c))}" for c in cols)
        doc_id = item.get("doc_id")
        failure = (None if _is_null(doc_id) else str(doc_id), observed)
        if failure not in seen:  # one person's two role rows are one failure
            seen.add(failure)
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
