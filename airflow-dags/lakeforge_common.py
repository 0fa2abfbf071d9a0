"""What the Lakeforge DAGs share: default arguments, the run date, and how a Lakeforge job becomes a task.

Every task is a ``SparkSubmitOperator`` (apache-airflow-providers-apache-spark) that submits the Lakeforge slim jar
with ``dev.lakeforge.jobs.LakeforgeCli`` as main class and one Lakeforge command line as application arguments.
The run date is the DAG run's logical date (``{{ ds }}``): every Lakeforge job is idempotent per run date, so
retries, catch-up and backfills re-run safely.

Nothing secret lives here. Deployment settings come from Airflow Variables (read when a task renders, not when
the file is parsed) and the passwords from Airflow Connections, handed to the job as environment variables:

============================  =====================================================  ==================================
Airflow                        what                                                   default
============================  =====================================================  ==================================
Connection ``lakeforge_spark``  the Spark master (type Spark; host ``spark://…``,       (required)
                               ``yarn`` or ``k8s://…``, extra ``{"deploy-mode": …}``)
Variable ``lakeforge_jar``      path or URL of ``lakeforge-jobs-<version>-slim.jar``   ``/opt/lakeforge/lakeforge-jobs-slim.jar``
Variable ``lakeforge_conf``     ``application.conf`` the jobs read                     ``/opt/lakeforge/conf/application.conf``
Variable ``lakeforge_env``      environment overlay ``conf/env/<name>.conf``           ``prod``
Connection ``lakeforge_serving``  password of the serving database's writer account   (required by publish)
Connection ``lakeforge_bi``      password of the read-only BI role                     (required by publish)
Connection ``lakeforge_metastore``  password of the metastore database                 (required with a JDBC metastore)
============================  =====================================================  ==================================

Pool ``lakeforge`` (create it with as many slots as jobs may run at once on the cluster; 1 keeps every Lakeforge
job on its own) bounds the jobs across all three DAGs.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

SPARK_CONN_ID = os.environ.get("LAKEFORGE_SPARK_CONN_ID", "lakeforge_spark")
POOL = "lakeforge"
MAIN_CLASS = "dev.lakeforge.jobs.LakeforgeCli"
RUN_DATE = "{{ ds }}"

#: The first logical date the DAGs schedule (catch-up starts there); set LAKEFORGE_START_DATE where the DAGs are parsed.
START_DATE = datetime.fromisoformat(os.environ.get("LAKEFORGE_START_DATE", "2024-06-30")).replace(tzinfo=timezone.utc)

DEFAULT_ARGS = {
    "owner": "data-platform",
    "depends_on_past": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=45),
    "execution_timeout": timedelta(hours=2),
    "email_on_failure": False,
    "email_on_retry": False,
}

#: Environment variable of the job  <-  Airflow Connection whose password it gets.
SECRET_CONNECTIONS = {
    "LAKEFORGE_SERVING_PASSWORD": "lakeforge_serving",
    "LAKEFORGE_BI_PASSWORD": "lakeforge_bi",
    "LAKEFORGE_METASTORE_PASSWORD": "lakeforge_metastore",
}


def jvm_flags() -> str:
    """The JVM options Spark 4 needs on Java 17 (``bin/jvm-flags.txt`` of the release, copied beside the DAGs)."""
    path = os.environ.get("LAKEFORGE_JVM_FLAGS_FILE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "jvm-flags.txt"))
    try:
        with open(path, encoding="utf-8") as f:
            return " ".join(line.strip() for line in f if line.strip() and not line.startswith("#"))
    except FileNotFoundError:
        # without the file the job still starts on clusters whose spark-defaults already carry the flags
        return ""


def lakeforge_args(command: str, *args: str, run_date: bool = True) -> list[str]:
    """The Lakeforge command line of a task: command, its options, the configuration file and the run date."""
    out = [command, *args, "--conf", "{{ var.value.get('lakeforge_conf', '/opt/lakeforge/conf/application.conf') }}"]
    if run_date:
        out += ["--run-date", RUN_DATE]
    return out


def secret_env(needed: tuple[str, ...]) -> dict[str, str]:
    """Environment variables with the passwords of the named Connections, rendered when the task runs."""
    return {var: "{{ conn.%s.password }}" % conn for var, conn in SECRET_CONNECTIONS.items() if conn in needed}


def lakeforge_task(task_id: str, command: str, *args: str, timeout: timedelta = timedelta(hours=2),
                   secrets: tuple[str, ...] = (), driver_memory: str = "4g", run_date: bool = True, **kwargs) -> SparkSubmitOperator:
    """One Lakeforge job as a Spark submission (client deploy mode unless the connection says otherwise)."""
    flags = jvm_flags()
    conf = {"spark.driver.extraJavaOptions": flags, "spark.executor.extraJavaOptions": flags} if flags else {}
    env = {"LAKEFORGE_ENV": "{{ var.value.get('lakeforge_env', 'prod') }}", **secret_env(secrets)}
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id=SPARK_CONN_ID,
        application="{{ var.value.get('lakeforge_jar', '/opt/lakeforge/lakeforge-jobs-slim.jar') }}",
        java_class=MAIN_CLASS,
        name="lakeforge-%s-{{ ds_nodash }}" % command,
        application_args=lakeforge_args(command, *args, run_date=run_date),
        conf=conf,
        env_vars=env,
        driver_memory=driver_memory,
        pool=POOL,
        execution_timeout=timeout,
        **kwargs,
    )


def lakeforge_dag(dag_id: str, description: str, schedule: str, *, catchup: bool, run_timeout: timedelta, tags: tuple[str, ...] = (),
                  doc_md: str | None = None) -> DAG:
    """A Lakeforge DAG: runs never overlap, the shared default arguments, start date and tags."""
    return DAG(
        dag_id=dag_id,
        description=description,
        schedule=schedule,
        start_date=START_DATE,
        catchup=catchup,
        max_active_runs=1,
        dagrun_timeout=run_timeout,
        default_args=DEFAULT_ARGS,
        tags=["lakeforge", *tags],
        doc_md=doc_md,
    )
