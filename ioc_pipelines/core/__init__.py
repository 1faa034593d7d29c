"""The application core: what the IOC lakehouse can do, as plain functions with typed inputs
and outputs, called by every door — the ``ioc`` command (``ioc_pipelines/cli``), the Dagster
assets and sensors (``ioc_pipelines/defs``), and later the web portal and sharing endpoints.

A core function never prints, parses arguments or speaks HTTP. Each state-changing function
takes an :class:`~ioc_pipelines.core.actors.Actor` (who is doing it) and returns what it did.
One module per verb family:

- ``ingest``     deliver files into the landing zone (a provider's upload); demo provinces
- ``landing``    the landing zone's files and their delivery records; ``raw``: loading them
- ``runs``       the main job end to end (one run per home at a time: ``lock``); ``jobs``
                 launches Dagster jobs and reads what they did
- ``candidates`` / ``publishing`` / ``releases``   the gate's far side: candidates, sign-off,
                 releases and rollback
- ``reports``    render and list reports; ``status``: the warehouse's state in one object
- ``query``, ``tools``, ``servers``, ``setup``     engineers' verbs: SQL, dbt, docs, local S3,
                 the Dagster UI, set-up
- ``state``      the operational tables ``work.ops.*`` (DDL in ``state.sql``)
"""
