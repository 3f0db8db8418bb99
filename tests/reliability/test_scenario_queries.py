"""Every `kam bench` scenario — each main page and API list, detail and report, as each persona
it is measured for — takes no more SQL queries with a volume of records added to the demo than
on the demo alone. A page whose query count grows with the data (a query per row) fails here,
in the normal suite, before a benchmark on the large data set would show it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.core import seed
from kam.core.bench import discover_scenarios
from kam.people.models import User
from tests.core.test_seed_scale import SMALL

pytestmark = pytest.mark.django_db


def scenario_paths(client) -> dict[tuple[str, str], str]:
    """{(scenario, persona): path} for every scenario and each of its personas, the
    placeholders filled with what the persona's API lists first."""
    paths = {}
    for scenario in discover_scenarios():
        for persona in scenario.personas:
            client.force_login(User.objects.get(username=persona))
            paths[(scenario.name, persona)] = scenario.path.format(
                **_lookups(client, scenario.lookups)
            )
    return paths


def query_counts(client, paths: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
    """{(scenario, persona): queries} of each path, signed in as the persona."""
    counts = {}
    for (name, persona), path in paths.items():
        client.force_login(User.objects.get(username=persona))
        with CaptureQueriesContext(connection) as run:
            response = client.get(path)
        assert response.status_code == 200, (name, persona, path, response.status_code)
        counts[(name, persona)] = len(run)
    return counts


def _lookups(client, lookups: dict[str, str]) -> dict[str, int]:
    values = {}
    for name, api_path in lookups.items():
        items = client.get(api_path).json()["items"]
        assert items, f"{api_path} gave nothing to fill {{{name}}} with"
        values[name] = items[0]["id"]
    return values


def test_no_scenario_takes_more_queries_with_more_data(client):
    ctx = seed.make_context(scale="demo", seed=2026)
    seed.seed_all(ctx)
    # The same records before and after: a page's count is compared with itself.
    paths = scenario_paths(client)
    on_the_demo = query_counts(client, paths)
    ctx.volumes = SMALL
    seed.add_volumes(ctx)
    with_volume = query_counts(client, paths)
    grown = {
        (*key, paths[key]): (count, with_volume[key])
        for key, count in on_the_demo.items()
        if with_volume[key] > count
    }
    assert grown == {}, grown
    assert len(paths) > 100  # every app's scenarios, each for its personas
