"""Run the expectation suites in ``expectations/`` with Great Expectations (GX Core 1.x).

The data reach GX as pandas DataFrames: GX's SQL datasource on DuckDB fails
upstream (every expectation errors with IndexError, GX issue 11579), while its
pandas datasource works and reports failing rows by ``doc_id``.

An expectation that GX could not evaluate is reported as a failure with the
error, never as a pass: "not evaluated" must not read as "fine".
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

SUITES_DIR = Path(__file__).resolve().parent.parent / "expectations"
SEVERITIES = ("critical", "warning")


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
    error: str | None = None
    failures: list[tuple[str | None, str]] = field(default_factory=list)  # (doc_id, observed)


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
        suites.append(SuiteSpec(spec["name"], spec["dataset"], spec["expectations"],
                                spec.get("meta", {}).get("description", "")))
    return suites


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def run_suites(suites: list[SuiteSpec], frames: dict) -> list[ExpectationOutcome]:
    """Validate each suite against ``frames[suite.dataset]`` (a pandas DataFrame with doc_id)."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("chuxin")
    outcomes: list[ExpectationOutcome] = []
    for spec in suites:
        frame = frames[spec.dataset]
        asset = source.add_dataframe_asset(spec.name)
        batch_def = asset.add_batch_definition_whole_dataframe(spec.name)
        suite = gx.ExpectationSuite(name=spec.name)
        for exp in spec.expectations:
            config = ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp["meta"])
            suite.add_expectation_configuration(config)
        suite = context.suites.add(suite)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch_def, suite=suite))
        index_cols = ["doc_id"] if "doc_id" in frame.columns else []
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols},
        )
        for r in result.results:
            outcomes.append(_outcome(spec.name, r, len(frame)))
    return outcomes


def _outcome(suite: str, r, n_rows: int) -> ExpectationOutcome:
    meta = r.expectation_config.meta or {}
    info = r.exception_info or {}
    error = None
    if info.get("raised_exception"):
        error = str(info.get("exception_message") or "GX raised an exception")
    res = r.result or {}
    failures: list[tuple[str | None, str]] = []
    column = r.expectation_config.kwargs.get("column")
    for item in res.get("unexpected_index_list") or []:
        if isinstance(item, dict):
            failures.append((item.get("doc_id"), str(item.get(column)) if column else ""))
    success = bool(r.success) and error is None
    n_failed = int(res.get("unexpected_count") or len(failures) or (0 if success else 1))
    return ExpectationOutcome(
        suite=suite,
        expectation=meta["name"],
        severity=meta["severity"],
        success=success,
        n_checked=int(res.get("element_count") or n_rows),
        n_failed=0 if success else n_failed,
        description=meta.get("description", ""),
        error=error,
        failures=failures,
    )
