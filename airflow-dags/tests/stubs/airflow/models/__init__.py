"""Stand-in for airflow.models: BaseOperator with dependencies (>>, <<) and default_args applied."""
from __future__ import annotations

import airflow

BASE_ARGS = {"task_id", "owner", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay", "execution_timeout",
             "pool", "pool_slots", "depends_on_past", "email_on_failure", "email_on_retry", "email", "queue", "priority_weight",
             "trigger_rule", "sla", "doc_md", "on_failure_callback", "on_retry_callback", "dag"}


class BaseOperator:
    template_fields: tuple[str, ...] = ()

    def __init__(self, task_id: str, dag=None, **kwargs):
        unknown = set(kwargs) - BASE_ARGS
        if unknown:
            raise TypeError(f"{type(self).__name__}({task_id}) got unexpected arguments {sorted(unknown)}")
        self.task_id = task_id
        self.dag = dag or airflow.current_dag()
        if self.dag is None:
            raise RuntimeError(f"task {task_id} is not inside a DAG")
        args = {**self.dag.default_args, **kwargs}
        for k in BASE_ARGS - {"task_id", "dag"}:
            setattr(self, k, args.get(k))
        self.upstream_task_ids: set[str] = set()
        self.downstream_task_ids: set[str] = set()
        self.dag.add_task(self)

    def set_downstream(self, other: "BaseOperator") -> None:
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)

    def __rshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.set_downstream(o)
        return other

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            o.set_downstream(self)
        return other

    def __rrshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            o.set_downstream(self)
        return self
