"""Stand-in for apache-airflow-providers-apache-spark's SparkSubmitOperator: the same constructor arguments (4.x),
kept for the tests to read; unknown arguments are refused as the real class refuses them."""
from __future__ import annotations

from airflow.models import BaseOperator

SPARK_ARGS = {"application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars", "java_class",
              "packages", "exclude_packages", "repositories", "total_executor_cores", "executor_cores", "executor_memory",
              "driver_memory", "keytab", "principal", "proxy_user", "name", "num_executors", "status_poll_interval",
              "application_args", "env_vars", "verbose", "spark_binary", "properties_file", "yarn_queue", "deploy_mode",
              "use_krb5ccache"}


class SparkSubmitOperator(BaseOperator):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages", "exclude_packages",
                       "keytab", "principal", "proxy_user", "name", "application_args", "env_vars", "properties_file")

    def __init__(self, *, task_id: str, application: str = "", conn_id: str = "spark_default", **kwargs):
        spark = {k: kwargs.pop(k) for k in list(kwargs) if k in SPARK_ARGS}
        super().__init__(task_id=task_id, **kwargs)
        self.application = application
        self.conn_id = conn_id
        self.java_class = spark.get("java_class")
        self.name = spark.get("name", "arrow-spark")
        self.application_args = list(spark.get("application_args") or [])
        self.conf = dict(spark.get("conf") or {})
        self.env_vars = dict(spark.get("env_vars") or {})
        self.driver_memory = spark.get("driver_memory")
        self.spark_kwargs = spark
