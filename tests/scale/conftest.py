"""Private Redis and PostgreSQL (scripts/services.sh) for the tests of the scaled mode, started once per session."""

import os
import subprocess

import pytest

from bot.cluster import SERVICES, read_env_file


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    """The variables of services.env (REDIS_*, POSTGRES_*) of running private instances."""
    directory = tmp_path_factory.mktemp("services")
    subprocess.run(["bash", str(SERVICES), "start", str(directory)], check=True)
    try:
        yield read_env_file(directory / "services.env")
    finally:
        subprocess.run(
            ["bash", str(SERVICES), "stop", str(directory)], env=dict(os.environ, SCALE_TMP="1"), check=False
        )


@pytest.fixture
def redis_options(services):
    return {"host": services["REDIS_HOST"], "port": int(services["REDIS_PORT"]), "password": services["REDIS_PASSWORD"]}
