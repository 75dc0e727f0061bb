"""The portal's settings plus the stock admin baseline at /stock-admin/ (benchmarks only)."""

from openalmaty.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
