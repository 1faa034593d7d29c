"""One lock per home: a second operation is refused (or waits), naming who holds it."""

from __future__ import annotations

import threading

import pytest

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy
from ioc_pipelines.core.lock import holder, home_lock
from ioc_pipelines.settings import load_settings


def test_second_holder_is_refused_with_who_holds_it(ioc_home):
    settings = load_settings()
    assert holder(settings) is None
    with home_lock(settings, Actor("Nguyễn Văn A"), "ioc run"):
        assert holder(settings)["actor"] == "Nguyễn Văn A"
        errors = []

        def other():
            try:
                with home_lock(settings, Actor("B"), "ioc approve 1", wait=False):
                    pass
            except Busy as exc:
                errors.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        assert len(errors) == 1
        assert "ioc run by Nguyễn Văn A" in str(errors[0])
        assert errors[0].holder["purpose"] == "ioc run"
    assert holder(settings) is None


def test_a_waiting_holder_is_told_and_gets_the_lock_after(ioc_home):
    settings = load_settings()
    told, order = [], []
    first_in = threading.Event()
    release_first = threading.Event()

    def first():
        with home_lock(settings, Actor("A"), "ioc run"):
            order.append("A")
            first_in.set()
            release_first.wait(10)

    def second():
        with home_lock(settings, Actor("B"), "ioc run", on_wait=told.append):
            order.append("B")

    a = threading.Thread(target=first)
    a.start()
    assert first_in.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.5)
    assert b.is_alive() and order == ["A"]  # B waits while A holds the lock
    release_first.set()
    a.join(10)
    b.join(10)
    assert order == ["A", "B"]
    assert told and told[0]["actor"] == "A"


def test_the_lock_is_reentrant_in_one_thread_and_released_on_error(ioc_home):
    settings = load_settings()
    with pytest.raises(RuntimeError):
        with home_lock(settings, Actor("A"), "ioc run"):
            with home_lock(settings, Actor("A"), "inner"):  # no deadlock
                assert holder(settings)["purpose"] == "ioc run"
            raise RuntimeError("boom")
    assert holder(settings) is None
    with home_lock(settings, Actor("B"), "after", wait=False):
        assert holder(settings)["actor"] == "B"
