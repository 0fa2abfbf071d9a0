"""A minimal stand-in for the few Apache Airflow classes the Lakeforge DAGs use (Airflow itself cannot be installed on
the build machines). It keeps what the tests check — DAG arguments, tasks, their arguments and dependencies — and
refuses arguments the real classes would refuse, so a typo in a DAG file fails here as it would in Airflow."""
from __future__ import annotations

from datetime import datetime, timedelta

_current: list["DAG"] = []

_DAG_ARGS = {"dag_id", "description", "schedule", "start_date", "end_date", "catchup", "max_active_runs", "max_active_tasks",
             "dagrun_timeout", "default_args", "tags", "doc_md", "params", "on_failure_callback", "on_success_callback"}


class DAG:
    def __init__(self, dag_id: str | None = None, **kwargs):
        unknown = set(kwargs) - _DAG_ARGS
        if unknown:
            raise TypeError(f"DAG() got unexpected arguments {sorted(unknown)}")
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.schedule = kwargs.get("schedule")
        self.start_date: datetime | None = kwargs.get("start_date")
        self.catchup = kwargs.get("catchup", True)
        self.max_active_runs = kwargs.get("max_active_runs", 16)
        self.dagrun_timeout: timedelta | None = kwargs.get("dagrun_timeout")
        self.default_args = dict(kwargs.get("default_args") or {})
        self.tags = list(kwargs.get("tags") or [])
        self.task_dict: dict[str, object] = {}

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False

    def add_task(self, task) -> None:
        if task.task_id in self.task_dict:
            raise ValueError(f"task id {task.task_id} is used twice in DAG {self.dag_id}")
        self.task_dict[task.task_id] = task

    @property
    def tasks(self):
        return list(self.task_dict.values())


def current_dag() -> DAG | None:
    return _current[-1] if _current else None
