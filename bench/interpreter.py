"""What the build of the Python interpreter costs on this machine: the same pure-Python work (bench/
interpreter_workload.py) on the distribution's CPython (Debian builds it with profile-guided and link-time
optimisation, its library linked into the binary) and on pyenv's build of the same version (its default:
neither, and a shared library), which is how the set-up's Python comes when it is found under pyenv.

Key: machine.python_build. The portal's own interpreter is counted beside them: every figure of the
portal's Python processes (gunicorn, the Celery workers) moves with its build.
"""

import glob
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from bench.harness import ROOT, callgrind_instructions, machine, now

WORKLOAD = str(ROOT / "bench" / "interpreter_workload.py")
DISTRIBUTION = "/usr/bin"


def _version(python: str) -> str | None:
    probe = [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    answer = subprocess.run(probe, capture_output=True, text=True, check=False)
    return answer.stdout.strip() if answer.returncode == 0 else None


def _same_version_pair() -> tuple[str, str, str] | None:
    """(version, the distribution's interpreter, pyenv's) for a version that both have, the portal's if they can."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    found: dict[str, dict[str, str]] = {}
    for origin, pattern in (
        ("distribution", f"{DISTRIBUTION}/python3.*"),
        ("pyenv", f"{pyenv_root}/versions/*/bin/python3.*"),
    ):
        for path in sorted(glob.glob(pattern)):
            if path[-1].isdigit() and (version := _version(path)):  # not python3.11-config and the like
                found.setdefault(version, {}).setdefault(origin, path)
    pairs = {version: origins for version, origins in found.items() if len(origins) == 2}
    if not pairs:
        return None
    ours = "{}.{}".format(*sys.version_info[:2])
    version = ours if ours in pairs else max(pairs)
    return version, pairs[version]["distribution"], pairs[version]["pyenv"]


def _instructions(python: str, few: int = 500, many: int = 2500) -> float:
    """Instructions per round of the workload; two lengths, so that the interpreter's start-up cancels out."""
    counts = [callgrind_instructions([python, WORKLOAD, str(rounds)]) for rounds in (few, many)]
    return (counts[1] - counts[0]) / (many - few)


def _cpu_seconds(python: str, rounds: int) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([python, WORKLOAD, str(rounds)], capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench_python_build(*, rounds: int = 20000, repeats: int = 7) -> dict[str, dict]:
    pair = _same_version_pair()
    if pair is None:
        print("machine.python_build: no Python version here from both the distribution and pyenv; skipped")
        return {}
    version, distribution, pyenv = pair
    compared = {"distribution": distribution, "pyenv": pyenv, "ours": sys.executable}
    instructions = {name: _instructions(path) for name, path in compared.items()}
    seconds = {name: [] for name in compared}
    for _ in range(repeats):  # alternated, so that the host's slow and fast minutes fall on all three
        for name, path in compared.items():
            seconds[name].append(_cpu_seconds(path, rounds))
    cpu = {name: statistics.median(values) for name, values in seconds.items()}
    ratio = instructions["pyenv"] / instructions["distribution"]
    cpu_ratio = cpu["pyenv"] / cpu["distribution"]
    return {
        "machine.python_build": {
            "what": f"a pure-Python workload on pyenv's default build of CPython {version} (no PGO, no LTO, "
            "shared library) against the distribution's build of the same version",
            "unit": "× instructions",
            "measured_at": now(),
            "machine": machine(),
            "data": "bench/interpreter_workload.py",
            "value": round(ratio, 2),
            "n": repeats,
            "target": "report",
            "baseline": f"{distribution} (PGO, LTO, static)",
            "baseline_value": 1.0,
            "cpu_ratio": round(cpu_ratio, 2),
            "note": f"{instructions['pyenv'] / 1e3:.1f} k instructions a round on {pyenv} against "
            f"{instructions['distribution'] / 1e3:.1f} k on {distribution} ({ratio:.2f}×); CPU time, median of "
            f"{repeats} alternated runs of {rounds} rounds: {cpu['pyenv']:.2f} s against {cpu['distribution']:.2f} "
            f"s ({cpu_ratio:.2f}×). The portal's interpreter, {os.path.realpath(sys.executable)}: "
            f"{instructions['ours'] / 1e3:.1f} k instructions a round, {cpu['ours']:.2f} s",
        }
    }


def run(database_url: str) -> dict[str, dict]:
    return bench_python_build()
