"""The compiled recurrence kernel: build on first use, and a ctypes binding.

The stacked bidirectional LSTM (see :mod:`deepdiff.models.kernels.recurrent`) is a long
sequential loop of small matrix products. In C (``bilstm.c`` beside this module, shipped with
the package), each thread takes whole groups (one row, one direction) and runs all time steps
without synchronisation, with the gate arithmetic fused into one pass and the hidden size a
compile-time constant, so the inner loops use full-width vector instructions.

The source is compiled once per hidden size with the system C compiler (``cc``/``gcc``; no
Python package is needed) into the cache directory (``$DEEPDIFF_CACHE_DIR/kernels`` or the
per-user cache), keyed by a hash of the source, the compiler, the flags and the CPU. Without a
compiler the models fall back to the pure PyTorch recurrence, which computes the same values,
only slower. ``DEEPDIFF_KERNELS`` selects the backend: ``auto`` (default), ``native`` or ``torch``.

Loading a library runs its code, so only a library this installation compiled is loaded: each
is recorded beside it (``.json``: its key and the SHA-256 of its bytes), and the record, the
library and the folder must belong to this user and be writable by nobody else. A library without
a matching record (planted, damaged, or built by other code) is compiled again. A cache folder
that other users may write (a shared cache on a cluster) is ignored with a warning: the kernel is
then compiled into a private temporary folder for the process.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import hashlib
import json
import os
import platform
import shutil
import stat
import subprocess
import tempfile
import warnings
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


@functools.cache
def _compiler_identity(cc: str | None) -> str:
    """The compiler as it enters the cache key: its path and its version line."""
    if cc is None:
        return "none"
    try:
        version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        version = ""
    return f"{shutil.which(cc) or cc}|{version.splitlines()[0] if version else ''}"


def _key(hidden: int) -> str:
    """SHA-256 of what a built kernel depends on: source, compiler, flags, hidden size and CPU."""
    parts = [source(), _compiler_identity(compiler()), " ".join(_FLAGS), str(hidden), _cpu_signature()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def library_path(hidden: int) -> Path:
    """Where the built kernel for ``hidden`` is cached: named by :func:`_key`, so a change to the
    source, the compiler, the flags, the hidden size or the CPU builds a new library."""
    return _cache_dir() / f"bilstm_h{hidden}_{_key(hidden)[:16]}.so"


def _record_path(library: Path) -> Path:
    return library.with_suffix(".json")


def _foreign(path: Path) -> str:
    """Why ``path`` may hold what another user wrote ("" when it is this user's alone)."""
    try:
        info = path.lstat()
    except OSError:
        return ""
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "owned by another user"
    if info.st_mode & 0o022:
        return "writable by other users"
    return ""


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _recorded(library: Path, key: str) -> bool:
    """Whether ``library`` is the one this installation compiled for ``key``: a plain file of this
    user's, with its record (key and SHA-256 of its bytes) beside it, checked before it is loaded."""
    record = _record_path(library)
    if not library.is_file() or not record.is_file() or _foreign(library) or _foreign(record):
        return False
    try:
        recorded = json.loads(record.read_text(encoding="utf-8"))
        return recorded == {"key": key, "sha256": _file_sha256(library)}
    except (OSError, ValueError):
        return False


@functools.cache
def _private_dir() -> Path:
    """A folder of this process only (0700), removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="deepdiff-kernels-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _kernel_dir(cache: Path) -> Path:
    """``cache`` when only this user can write it (created so when new); else, with a warning, a
    private folder of this process."""
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o755)
    except OSError as err:
        warnings.warn(
            f"cannot create the kernel cache {cache} ({err}); building a private copy", stacklevel=3
        )
        return _private_dir()
    why = _foreign(cache)
    if why:
        warnings.warn(
            f"the kernel cache {cache} is {why}: compiled kernels there are ignored (loading one runs its "
            "code), and the kernel is compiled into a private folder for this process. Give this user a "
            f"cache of its own (unset DEEPDIFF_CACHE_DIR, or chmod go-w {cache})",
            stacklevel=3,
        )
        return _private_dir()
    return cache


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
        key = _key(hidden)
        target = _kernel_dir(_cache_dir()) / library_path(hidden).name
    except OSError as err:
        return None, f"the kernel source {SOURCE_FILE} is missing from the installed package: {err}"
    if _recorded(target, key):
        try:
            lib = ctypes.CDLL(str(target))
        except OSError as err:
            return None, f"loading {target} failed: {err}"
    else:
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
            built.chmod(0o755)  # never writable by others, whatever the umask
            try:
                lib = ctypes.CDLL(str(built))  # the file just compiled, loaded before anyone can swap it
            except OSError as err:
                return None, f"loading {built} failed: {err}"
            record = Path(tmp) / _record_path(target).name
            record.write_text(json.dumps({"key": key, "sha256": _file_sha256(built)}), encoding="utf-8")
            record.chmod(0o644)
            os.replace(built, target)  # atomic: a concurrent build finds a whole file or none
            os.replace(record, _record_path(target))
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
