"""The ``ioc_run`` Dagster logger: every log line of a run (Dagster's events, dbt's output
relayed by dagster-dbt) into the run's log file under ``$IOC_HOME/logs/``, and the events that
mark progress (steps, assets, checks) to whoever listens (``core/progress.py``)."""

from __future__ import annotations

import logging

import dagster as dg

from ioc_pipelines.core import progress

FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


class _ProgressHandler(logging.Handler):
    """Turns Dagster's structured events into :class:`~ioc_pipelines.core.progress.Progress`."""

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START":
            progress.report("step_start", step or "", step=step)
        elif kind == "STEP_SUCCESS":
            progress.report("step_done", step or "", step=step)
        elif kind == "STEP_FAILURE":
            progress.report("step_failed", step or "", step=step, passed=False)
        elif kind == "ASSET_MATERIALIZATION":
            key = event.event_specific_data.materialization.asset_key.to_user_string()
            progress.report("asset", key, step=step)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            progress.report("check", f"{evaluation.asset_key.to_user_string()}:"
                            f"{evaluation.check_name}", step=step, passed=evaluation.passed)


@dg.logger(
    config_schema={"path": dg.Field(str, default_value="", description="log file (appended)"),
                   "log_level": dg.Field(str, default_value="DEBUG")},
    description="The run's log file under $IOC_HOME/logs/ and the CLI's progress display.",
)
def run_log(init_context: dg.InitLoggerContext) -> logging.Logger:
    level = init_context.logger_config["log_level"].upper()
    logger = logging.Logger("ioc_run", level=level)
    path = init_context.logger_config["path"]
    if path:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    logger.addHandler(_ProgressHandler())
    return logger
