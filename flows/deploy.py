"""The scheduled deployment ``chuxin-etl/scheduled``, declared in code under version control.

``chuxin deploy`` registers it with the Prefect server named by PREFECT_API_URL
for a ``process`` work pool (created if missing); ``chuxin serve`` serves the same
deployment from one long-running process, without a work pool or worker.
"""

from __future__ import annotations

from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron

from flows.etl import chuxin_etl

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = "scheduled"
DEFAULT_POOL = "chuxin"
DEFAULT_CRON = "0 2 * * *"  # daily at 02:00
DEFAULT_TIMEZONE = "Asia/Shanghai"


def parameters(raw_dir: str | None, data_dir: str | None) -> dict:
    # Absolute paths: a worker runs the flow from wherever it was started.
    return {"raw_dir": str(Path(raw_dir or ROOT / "data" / "raw").resolve()),
            "data_dir": str(Path(data_dir or ROOT / "data").resolve())}


def ensure_work_pool(name: str) -> None:
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))


def deploy(pool: str = DEFAULT_POOL, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE,
           raw_dir: str | None = None, data_dir: str | None = None, paused: bool = False):
    ensure_work_pool(pool)
    flow = chuxin_etl.from_source(source=str(ROOT), entrypoint="flows/etl.py:chuxin_etl")
    return flow.deploy(
        name=DEPLOYMENT,
        work_pool_name=pool,
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters(raw_dir, data_dir),
        # Overlapping runs queue behind each other; the warehouse lock is the second guard.
        concurrency_limit=1,
        paused=paused,
        description="Incremental chuxin ETL: new or changed reports → Parquet → DuckDB → expectations.",
        tags=["chuxin"],
        build=False,
        push=False,
        print_next_steps=False,
        ignore_warnings=True,
    )


def serve(cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE,
          raw_dir: str | None = None, data_dir: str | None = None) -> None:
    chuxin_etl.serve(name=DEPLOYMENT, schedules=[Cron(cron, timezone=timezone)],
                     parameters=parameters(raw_dir, data_dir), limit=1)
