"""The local REMC server of the data tests serves the real sources' tests too."""

from tests.data.conftest import cache_dir, remc_server, self_signed, served, served_manifest  # noqa: F401
