"""Compare the current releases of two homes table by table (figures only; never pass/fail).

    .venv/bin/python benchmarks/compare_releases.py HOME_A HOME_B [--province 12]

For checking that a change of the code leaves the content as it was: deliver the same files
into two homes, run each with one version of the code, then compare. Each published table's
rows are hashed without run-time columns (``core.content.release_content``: row order does
not count); for a table that differs, the rows only one side has are counted and the first
few printed. Pseudonyms (``house_key`` …) are keyed per home, so they differ between homes
by design.
"""

from __future__ import annotations

import argparse
import os

RUN_TIME = ("_loaded_at", "loaded_at", "built_at", "_built_at", "published_at", "measured_at")


def _settings(home: str, province: str):
    from ioc_pipelines.settings import load_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(IOC_HOME=home, IOC_PROVINCE=province, IOC_ENV_FILE=os.path.join(home, "no.env"))
    return load_settings(env)


def _rows(settings, release: int, table: str) -> set[tuple]:
    from ioc_pipelines.resources.lakes import PUBLISHED, connect

    with connect(settings, work=False, published=True, published_snapshot=release) as con:
        cursor = con.execute(f'SELECT * FROM {PUBLISHED}.main."{table}"')
        names = [d[0] for d in cursor.description]
        keep = [i for i, n in enumerate(names) if n not in RUN_TIME]
        return {tuple(row[i] for i in keep) for row in cursor.fetchall()}


def main() -> None:
    from ioc_pipelines.core.content import release_content
    from ioc_pipelines.core.publishing import current_release

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home_a")
    parser.add_argument("home_b")
    parser.add_argument("--province", default="12", help="the homes' IOC_PROVINCE")
    args = parser.parse_args()
    sides = []
    for home in (args.home_a, args.home_b):
        settings = _settings(home, args.province)
        release = current_release(settings)
        if release is None:
            raise SystemExit(f"{home}: no release")
        sides.append((settings, release.id, release_content(settings, release.id,
                                                            exclude=RUN_TIME)))
    (sa, ra, a), (sb, rb, b) = sides
    print(f"{args.home_a} release {ra}: {len(a)} tables; {args.home_b} release {rb}: "
          f"{len(b)} tables")
    for name, only in (("only in A", set(a) - set(b)), ("only in B", set(b) - set(a))):
        if only:
            print(f"  {name}: {', '.join(sorted(only))}")
    differ = [t for t in sorted(set(a) & set(b)) if a[t] != b[t]]
    print(f"  equal: {len(set(a) & set(b)) - len(differ)}; differ: {len(differ)}")
    for table in differ:
        rows_a, rows_b = _rows(sa, ra, table), _rows(sb, rb, table)
        print(f"  {table}: {a[table]['rows']} vs {b[table]['rows']} rows; "
              f"{len(rows_a - rows_b)} only in A, {len(rows_b - rows_a)} only in B")
        for side, rows in (("A", rows_a - rows_b), ("B", rows_b - rows_a)):
            for row in sorted(rows, key=str)[:3]:
                print(f"    {side} {row}")


if __name__ == "__main__":
    main()
