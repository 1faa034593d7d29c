"""`ioc dbt …` runs the real dbt on the pipeline's profile and variables."""

from ioc_pipelines.core.publishing import published_marts
from tests.conftest import clean_env, run_ioc


def test_ioc_dbt_lists_every_published_mart(tmp_path):
    env = clean_env(tmp_path / "ioc")
    proc = run_ioc(env, "dbt", "ls", "--select", "marts", "--resource-type", "model",
                   "--output", "name", "--quiet")
    listed = set(proc.stdout.split())
    assert set(published_marts()) <= listed
    # and the profile it used is the generated one, private to this home
    profile = tmp_path / "ioc" / "dbt" / "profiles.yml"
    assert profile.exists() and profile.stat().st_mode & 0o077 == 0


def test_ioc_dbt_without_a_command_says_what_to_give(tmp_path):
    proc = run_ioc(clean_env(tmp_path / "ioc"), "dbt", check=False)
    assert proc.returncode != 0
    assert "ioc dbt build --select marts" in proc.stdout + proc.stderr


def test_every_published_mart_names_its_grain():
    """The reviewer's diff matches rows on a mart's grain (meta.grain): a mart without one
    could only be diffed as a whole."""
    from ioc_pipelines.core.publishing import mart_grains

    grains = mart_grains()
    assert {"map_points_of_interest", "planning_areas"} <= set(grains)
    assert [mart for mart, grain in grains.items() if not grain] == []
    assert grains["planning_areas"] == ("plan_id",)
