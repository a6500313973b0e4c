"""The data tests' fixtures (the local REMC server, a closed port, the cache) serve the real sources' tests too."""

from tests.data.conftest import *  # noqa: F403
