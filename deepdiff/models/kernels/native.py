"""The compiled recurrence kernel: build on first use, and a ctypes binding.

The stacked bidirectional LSTM (see :mod:`deepdiff.models.kernels.recurrent`) is a long
sequential loop of small matrix products. In C (``bilstm.c`` beside this module, shipped with
the package), each thread takes whole groups (one row, one direction) and runs all time steps
without synchronisation, with the gate arithmetic fused into one pass and the hidden size a
compile-time constant, so the inner loops use full-width vector instructions.

The source is compiled once per hidden size with the system C compiler (``cc``/``gcc``; no
Python package is needed) into the cache directory (``$DEEPDIFF_CACHE_DIR/kernels`` or the
per-user cache), keyed by a hash of the source, the flags and the CPU. Without a compiler the
models fall back to the pure PyTorch recurrence, which computes the same values, only slower.
``DEEPDIFF_KERNELS`` selects the backend: ``auto`` (default), ``native`` or ``torch``.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

import torch

from deepdiff.errors import ConfigError

#: Environment variable choosing the recurrence backend: ``auto``, ``native`` or ``torch``.
BACKEND_ENV = "DEEPDIFF_KERNELS"
BACKENDS = ("auto", "native", "torch")
_CACHE_ENV = "DEEPDIFF_CACHE_DIR"
_FLAGS = ("-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-shared", "-fPIC", "-pthread")
#: The C source, package data of :mod:`deepdiff.models.kernels`.
SOURCE_FILE = "bilstm.c"


@functools.cache
def source() -> str:
    """The text of the kernel's C source (read from the installed package, not a checkout)."""
    return resources.files(__package__).joinpath(SOURCE_FILE).read_text(encoding="utf-8")


def compile_command(
    cc: str, source_path: str | os.PathLike[str], output: str | os.PathLike[str], hidden: int
) -> list[str]:
    """The command with which compiler ``cc`` builds the kernel for ``hidden`` into ``output``."""
    return [cc, *_FLAGS, f"-DHID={hidden}", str(source_path), "-o", str(output)]


def backend_from_env() -> str:
    """The backend named by ``$DEEPDIFF_KERNELS`` (``auto`` when unset)."""
    name = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if name not in BACKENDS:
        raise ConfigError(f"{BACKEND_ENV}={name!r} is not a backend; choose one of {', '.join(BACKENDS)}")
    return name


def _cache_dir() -> Path:
    env = os.environ.get(_CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser() / "kernels"
    import platformdirs

    return Path(platformdirs.user_cache_dir("deepdiff-repro")) / "kernels"


def _cpu_signature() -> str:
    """What ``-march=native`` depends on: the machine and its instruction-set flags."""
    flags = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("flags", "Features")):
                    flags = line
                    break
    except OSError:
        pass
    return f"{platform.machine()}|{platform.processor()}|{flags}"


def compiler() -> str | None:
    """The C compiler to build with (``$CC``, ``cc``, ``gcc`` or ``clang``), or ``None``."""
    for name in (os.environ.get("CC", ""), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return name
    return None


def library_path(hidden: int) -> Path:
    """Where the built kernel for ``hidden`` is cached: named by a hash of the source, the
    flags, the hidden size and the CPU, so a change to any of them builds a new library."""
    key = hashlib.sha256(
        "\n".join([source(), " ".join(_FLAGS), str(hidden), _cpu_signature()]).encode()
    ).hexdigest()
    return _cache_dir() / f"bilstm_h{hidden}_{key[:16]}.so"


@functools.cache
def _build(hidden: int) -> tuple[ctypes.CDLL | None, str]:
    """Compile (or find in the cache) and load the kernel for one hidden size.

    Returns the library, or ``None`` and the reason it is unavailable.
    """
    if platform.system() == "Windows":
        return None, "the compiled kernel is built for POSIX systems only"
    if hidden % 4:
        return None, f"hidden size {hidden} is not a multiple of 4"
    cc = compiler()
    if cc is None:
        return None, "no C compiler found (cc, gcc or clang)"
    try:
        target = library_path(hidden)
    except OSError as err:
        return None, f"the kernel source {SOURCE_FILE} is missing from the installed package: {err}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            source_path = Path(tmp) / SOURCE_FILE
            source_path.write_text(source(), encoding="utf-8")
            built = Path(tmp) / target.name
            cmd = compile_command(cc, source_path, built, hidden)
            try:
                result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            except (OSError, subprocess.SubprocessError) as err:
                return None, f"compiling the kernel failed: {err}"
            if result.returncode != 0:
                return None, f"compiling the kernel failed: {result.stderr.strip()[-2000:]}"
            os.replace(built, target)  # atomic: a concurrent build finds a whole file or none
    try:
        lib = ctypes.CDLL(str(target))
    except OSError as err:
        return None, f"loading {target} failed: {err}"
    ptr, num = ctypes.c_void_p, ctypes.c_int
    lib.bilstm_forward.argtypes = [num] * 5 + [ptr] * 9 + [num]
    lib.bilstm_forward.restype = num
    lib.bilstm_backward.argtypes = [num] * 5 + [ptr] * 17 + [num]
    lib.bilstm_backward.restype = num
    lib.bilstm_hidden_size.restype = num
    lib.bilstm_advise_huge.argtypes = [ptr, ctypes.c_long]
    lib.bilstm_advise_huge.restype = None
    if lib.bilstm_hidden_size() != hidden:
        return None, f"{target} was built for another hidden size"
    return lib, ""


def empty_huge(shape: tuple[int, ...], like: torch.Tensor) -> torch.Tensor:
    """``torch.empty`` for a large CPU buffer, backed by transparent huge pages where possible.

    Fewer page faults when the buffer is first written (several hundred MB per training step
    at batch 256); a plain ``torch.empty`` where the kernel is unavailable.
    """
    out = like.new_empty(shape)
    lib = _build(32)[0] if out.device.type == "cpu" and out.numel() >= 1 << 20 else None
    if lib is not None:
        lib.bilstm_advise_huge(out.data_ptr(), out.numel() * out.element_size())
    return out


def kernel(hidden: int) -> ctypes.CDLL | None:
    """The compiled kernel for ``hidden``, or ``None`` when it cannot be built here."""
    return _build(hidden)[0]


def unavailable_reason(hidden: int) -> str:
    """Why :func:`kernel` returns ``None`` for ``hidden`` (empty when it is available)."""
    return _build(hidden)[1]
