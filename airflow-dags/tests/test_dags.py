"""The DAG files load, have the tasks, order, schedule and production settings expected, and every task submits a
Lakeforge command line the real CLI accepts (checked against `lakeforge cli-spec` from the jar)."""
import os
import re
from datetime import timedelta

import pytest

import airflow
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from dagcheck import command_line_problems, dag_files, load_dags, topological_order

EXPECTED = {
    "lakeforge_daily": {
        "order": ["ingest", "refine", "quality_gate", "features", "score", "publish", "docs"],
        "commands": {"ingest": "ingest", "refine": "refine", "quality_gate": "quality-gate", "features": "marts", "score": "predict",
                     "publish": "publish", "docs": "docs"},
        "schedule": "0 5 * * *", "catchup": True,
    },
    "lakeforge_weekly_retrain": {
        "order": ["retrain_and_score", "plan", "publish", "docs"],
        "commands": {"retrain_and_score": "predict", "plan": "plan", "publish": "publish", "docs": "docs"},
        "schedule": "0 8 * * 0", "catchup": False,
    },
    "lakeforge_maintenance": {
        "order": ["optimize_and_vacuum"],
        "commands": {"optimize_and_vacuum": "maintain"},
        "schedule": "0 2 * * 6", "catchup": False,
    },
}


def all_dags():
    out = {}
    for path in dag_files():
        for dag in load_dags(path):
            out[dag.dag_id] = dag
    return out


def structure_problems(dag, expected) -> list[str]:
    """How a DAG differs from what is expected of it (tasks, their order, their commands, schedule)."""
    problems = []
    missing = [t for t in expected["order"] if t not in dag.task_dict]
    extra = [t for t in dag.task_dict if t not in expected["order"]]
    if missing:
        problems.append(f"{dag.dag_id}: missing tasks {missing}")
    if extra:
        problems.append(f"{dag.dag_id}: unexpected tasks {extra}")
    if not missing and not extra:
        order = topological_order(dag)
        if order != expected["order"]:
            problems.append(f"{dag.dag_id}: order {order}, expected {expected['order']}")
        for a, b in zip(expected["order"], expected["order"][1:]):
            if b not in dag.task_dict[a].downstream_task_ids:
                problems.append(f"{dag.dag_id}: {b} does not follow {a} directly")
    for tid, command in expected["commands"].items():
        task = dag.task_dict.get(tid)
        if task is not None and (not task.application_args or task.application_args[0] != command):
            problems.append(f"{dag.dag_id}.{tid}: runs {task.application_args[:1]}, expected {command}")
    if dag.schedule != expected["schedule"]:
        problems.append(f"{dag.dag_id}: schedule {dag.schedule!r}, expected {expected['schedule']!r}")
    if dag.catchup != expected["catchup"]:
        problems.append(f"{dag.dag_id}: catchup {dag.catchup}, expected {expected['catchup']}")
    return problems


def test_the_three_dags_are_there():
    assert sorted(all_dags()) == sorted(EXPECTED)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dag_has_its_tasks_in_order_with_its_schedule(dag_id):
    dag = all_dags()[dag_id]
    assert structure_problems(dag, EXPECTED[dag_id]) == []


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_production_settings(dag_id):
    dag = all_dags()[dag_id]
    assert dag.max_active_runs == 1, "runs of a Lakeforge DAG must not overlap"
    assert dag.dagrun_timeout is not None and dag.dagrun_timeout <= timedelta(hours=12)
    assert dag.start_date is not None and dag.start_date.tzinfo is not None
    for task in dag.tasks:
        assert isinstance(task, SparkSubmitOperator)
        assert task.pool == "lakeforge"
        assert task.execution_timeout is not None and task.execution_timeout <= dag.dagrun_timeout
        assert task.java_class == "dev.lakeforge.jobs.LakeforgeCli"
        assert task.conn_id == "lakeforge_spark"
        assert "--add-opens=java.base/java.lang=ALL-UNNAMED" in task.conf["spark.driver.extraJavaOptions"]
        if task.task_id == "quality_gate":
            assert task.retries == 0, "a failed quality gate is a data problem, not a transient one"
        else:
            assert task.retries >= 2 and task.retry_exponential_backoff and task.retry_delay >= timedelta(minutes=1)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_every_task_is_a_lakeforge_command_line_the_cli_accepts(dag_id, cli_spec):
    for task in all_dags()[dag_id].tasks:
        assert command_line_problems(task.application_args, cli_spec) == [], task.task_id


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_the_run_date_is_the_logical_date(dag_id):
    for task in all_dags()[dag_id].tasks:
        args = task.application_args
        assert "--run-date" in args, task.task_id
        assert args[args.index("--run-date") + 1] == "{{ ds }}"


def test_no_secret_in_a_dag_file():
    folder = os.path.dirname(dag_files()[0])
    for name in os.listdir(folder):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            assert not re.search(r"(?i)password\s*[=:]\s*['\"][^{'\"]", text), name
    for dag in all_dags().values():
        for task in dag.tasks:
            for var, value in task.env_vars.items():
                if "PASSWORD" in var:
                    assert re.fullmatch(r"\{\{ conn\.[a-z_]+\.password \}\}", value), (task.task_id, var)
    publish = all_dags()["lakeforge_daily"].task_dict["publish"]
    assert {"LAKEFORGE_SERVING_PASSWORD", "LAKEFORGE_BI_PASSWORD"} <= set(publish.env_vars)


# ---- the checks themselves catch a broken DAG ----

def test_a_cycle_is_caught():
    with airflow.DAG(dag_id="broken_cycle", schedule="@daily") as dag:
        a = SparkSubmitOperator(task_id="a", application_args=["ingest"])
        b = SparkSubmitOperator(task_id="b", application_args=["refine"])
        c = SparkSubmitOperator(task_id="c", application_args=["marts"])
        a >> b >> c >> a
    with pytest.raises(ValueError, match="cycle"):
        topological_order(dag)


def test_a_missing_or_reordered_task_is_caught():
    expected = EXPECTED["lakeforge_daily"]
    with airflow.DAG(dag_id="lakeforge_daily", schedule="0 5 * * *", catchup=True) as dag:
        tasks = [SparkSubmitOperator(task_id=t, application_args=[expected["commands"][t]]) for t in expected["order"] if t != "quality_gate"]
        for x, y in zip(tasks, tasks[1:]):
            x >> y
    assert any("missing tasks ['quality_gate']" in p for p in structure_problems(dag, expected))
    with airflow.DAG(dag_id="lakeforge_daily", schedule="0 5 * * *", catchup=True) as dag2:
        order = ["ingest", "quality_gate", "refine", "features", "score", "publish", "docs"]
        tasks = [SparkSubmitOperator(task_id=t, application_args=[expected["commands"][t]]) for t in order]
        for x, y in zip(tasks, tasks[1:]):
            x >> y
    assert any("order" in p for p in structure_problems(dag2, expected))


def test_a_wrong_command_or_option_is_caught(cli_spec):
    assert command_line_problems(["ingest", "--run-date", "{{ ds }}"], cli_spec) == []
    assert command_line_problems(["predict", "--apply-onyl", "--run-date", "{{ ds }}"], cli_spec) == ["predict: unknown option --apply-onyl"]
    assert command_line_problems(["ingset"], cli_spec)[0].startswith("unknown command 'ingset'")
    assert command_line_problems(["quality-gate", "--max-failed-share"], cli_spec) == ["quality-gate: option --max-failed-share needs a value"]
    assert command_line_problems(["sql"], cli_spec) == []  # sql --session reads its queries from stdin
    assert command_line_problems(["sql", "SELECT 1", "SELECT 2"], cli_spec) == ["sql: 2 positional argument(s), expected 0 to 1"]
    assert command_line_problems(["sql", "SELECT 1", "--format", "xml"], cli_spec)[0].startswith("sql: --format 'xml' is not one of")
    assert command_line_problems(["show"], cli_spec) == ["show: required option --table missing"]


def test_unknown_operator_arguments_are_refused_as_airflow_would():
    with airflow.DAG(dag_id="typo", schedule="@daily"):
        with pytest.raises(TypeError, match="retires"):
            SparkSubmitOperator(task_id="t", application_args=["ingest"], retires=3)
