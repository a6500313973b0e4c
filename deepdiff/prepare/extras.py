"""The optional packages of the ``prepare`` extra, imported with a message that says how to get them."""

from __future__ import annotations

import importlib
from types import ModuleType

from deepdiff.errors import ConfigError

#: Module -> what it is needed for.
EXTRAS = {"pysam": "BAM files", "pyBigWig": "bigWig files"}


def require(module: str) -> ModuleType:
    """Import ``module`` (pysam or pyBigWig); a ConfigError saying how to install it when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"{module} is needed to read {EXTRAS.get(module, 'these files')}; install the prepare extra: "
            'pip install "deepdiff-repro[prepare]" (conda: conda install -c bioconda pysam pybigwig)'
        ) from None
