"""A storage failure is recognised wherever it sits in an exception's chain or in what a
failed Dagster step said, and only then (the end-to-end cases: tests/faults full disk,
tests/e2e/test_s3.py SeaweedFS killed mid-run)."""

from __future__ import annotations

import errno
import sqlite3

import dagster as dg

from ioc_pipelines.core import jobs, storage_failure
from ioc_pipelines.settings import load_settings


def _settings(tmp_path, **extra):
    return load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                          "IOC_ENV_FILE": str(tmp_path / "none.env"), **extra})


def _s3(tmp_path):
    return _settings(tmp_path, IOC_OBJECT_STORE="s3", IOC_S3_ENDPOINT="http://127.0.0.1:9",
                     IOC_S3_ACCESS_KEY="k", IOC_S3_SECRET_KEY="s")


def _wrapped(inner: BaseException) -> RuntimeError:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise RuntimeError("the step failed") from exc
    except RuntimeError as outer:
        return outer


def test_a_full_disk_is_named_from_the_errno_or_the_words(tmp_path):
    settings = _settings(tmp_path)
    said = storage_failure.describe(settings, _wrapped(OSError(errno.ENOSPC, "no room")))
    assert said.startswith("the disk is full (") and "MiB free" in said
    assert "still served" in said
    full = sqlite3.OperationalError("database or disk is full")
    assert storage_failure.describe(settings, _wrapped(full)).startswith("the disk is full")


def test_other_failures_are_not_storage_failures(tmp_path):
    settings = _settings(tmp_path)
    assert storage_failure.describe(settings, _wrapped(ValueError("bad value 'x'"))) is None
    # a bare I/O error is a full disk only while the disk is nearly full: this one is not
    assert storage_failure.describe(settings, _wrapped(OSError("disk I/O error"))) is None
    # a refused connection is the object store only when the home is on S3
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    assert storage_failure.describe(settings, _wrapped(refused)) is None
    assert "does not answer" in storage_failure.describe(_s3(tmp_path), _wrapped(refused))


def test_a_failed_step_names_its_innermost_cause_and_the_run_the_store(tmp_path):
    @dg.op
    def reads_the_store():
        try:
            raise OSError("IO Error: Could not connect to server error for HTTP GET to "
                          "'http://127.0.0.1:9/ioc-work/lake/x.parquet'")
        except OSError as exc:
            raise RuntimeError("DuckDB failed") from exc

    @dg.job
    def one_step():
        reads_the_store()

    result = one_step.execute_in_process(raise_on_error=False)
    failures, _ = jobs.check_outcomes(result.all_events)
    assert failures == ["step reads_the_store failed: IO Error: Could not connect to server "
                        "error for HTTP GET to 'http://127.0.0.1:9/ioc-work/lake/x.parquet'"]
    said = storage_failure.describe_texts(_s3(tmp_path), failures)
    assert said.startswith("the object store (S3 at 127.0.0.1:9) does not answer")
    assert storage_failure.describe_texts(_settings(tmp_path), failures) is None
