"""lakeforge_maintenance: compact and clean the lakehouse tables once a week (OPTIMIZE with Z-ORDER, then VACUUM).

VACUUM keeps ``lakeforge.maintenance.retention`` (7 days by default) of old files, so time travel and
``show --as-of-run`` keep working for a week; it never runs with a shorter retention from here.
"""
from datetime import timedelta

from lakeforge_common import lakeforge_dag, lakeforge_task  # builds airflow DAG objects

with lakeforge_dag(
    "lakeforge_maintenance",
    "Lakeforge: OPTIMIZE / Z-ORDER and VACUUM every lakehouse table",
    "0 2 * * 6",
    catchup=False,
    run_timeout=timedelta(hours=6),
    tags=("maintenance",),
    doc_md=__doc__,
) as dag:
    maintain = lakeforge_task("optimize_and_vacuum", "maintain", timeout=timedelta(hours=5))
