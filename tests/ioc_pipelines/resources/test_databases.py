"""The databases a backup dumps and a restore loads (resources/databases.py): a new,
migrated operational database holds nothing a restore could overwrite; one with an audit
entry does — on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources import appdb, databases


def test_a_new_operational_database_holds_nothing_until_something_is_recorded(app_settings):
    place = databases.places(app_settings)["app_db"]
    assert place.format == ("sqlite" if app_settings.app_db.startswith("sqlite") else "pg_dump")
    assert not databases.holds(place)  # not created yet
    appdb.engine(app_settings)  # migrated, as `ioc setup` or any door does first
    assert not databases.holds(place)
    audit.record(app_settings, Actor.named("test"), "home.backup", "x")
    assert databases.holds(place)
