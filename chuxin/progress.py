"""A progress bar and a closing summary for ``chuxin run`` on a terminal.

Off a terminal (cron, CI, a Prefect worker) the plain Prefect logs are the record.
On a terminal the INFO chatter of Prefect's console handler is hidden (warnings still
show, and everything still reaches the Prefect API), and the flow's progress records
(``extra={"chuxin_progress": (phase, done, total)}``) drive a rich progress bar.
"""

from __future__ import annotations

import logging
import os

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

PHASES = {"plan": "planning", "extract": "extracting batches", "load": "loading, validating, publishing"}


class TerminalProgress(logging.Handler):
    def __init__(self, console: Console | None = None):
        super().__init__(level=logging.INFO)
        self.console = console or Console(stderr=True)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                                 transient=False)
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "TerminalProgress":
        from prefect.logging.configuration import setup_logging
        from prefect.logging.handlers import PrefectConsoleHandler

        # Quiets the console handler here and in extraction worker processes (which inherit the
        # environment); the API handlers still send every record to the Prefect server.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        setup_logging()
        for logger in [logging.getLogger()] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, PrefectConsoleHandler):
                    handler.setLevel(logging.WARNING)
        logging.getLogger("prefect.flow_runs").addHandler(self)
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("prefect.flow_runs").removeHandler(self)
        self.progress.stop()

    def emit(self, record: logging.LogRecord) -> None:
        info = getattr(record, "chuxin_progress", None)
        if not info:
            return
        phase, done, total = info
        if phase not in self.tasks:
            for other in self.tasks.values():  # a new phase means the earlier ones are done
                t = self.progress.tasks[other]
                self.progress.update(other, completed=t.total)
            self.tasks[phase] = self.progress.add_task(PHASES.get(phase, phase), total=max(total, 1))
        self.progress.update(self.tasks[phase], completed=done, total=max(total, 1))


def print_summary(summary: dict, warehouse: str, console: Console | None = None) -> None:
    console = console or Console()
    plan, counts = summary["plan"], summary["counts"]
    failed = [o for o in summary["outcomes"] if not o["success"]]
    table = Table(title=f"chuxin run {summary['run_id']}", show_header=True)
    for col in ("seen", "new", "changed", "unchanged", "removed", "loaded", "quarantined",
                "checks passed", "checks failed"):
        table.add_column(col, justify="right")
    table.add_row(*map(str, (plan["seen"], plan["new"], plan["changed"], plan["unchanged"], plan["removed"],
                             counts["loaded"], counts["quarantined"], len(summary["outcomes"]) - len(failed),
                             len(failed))))
    console.print(table)
    console.print(f"warehouse [bold]{warehouse}[/]: " + ", ".join(f"{k} {v}" for k, v in counts["rows"].items()))
    for o in failed:
        console.print(f"  [red]FAILED[/] {o['suite']}.{o['expectation']} ({o['severity']}): {o['n_failed']} rows")
    for q in summary["quarantine"]:
        console.print(f"  [yellow]quarantined[/] {q['source_path']} ({q['stage']}): {q['reason']}")
    if summary.get("quarantine_more"):
        from tasks.steps import more_quarantined

        console.print("  " + more_quarantined(summary["quarantine_more"], summary["run_id"]), markup=False)
    console.print("next: [bold]chuxin query --list[/], [bold]chuxin report[/]")
