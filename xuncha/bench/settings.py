"""Settings for the served-throughput benchmark: the product's settings, plus the bench-only URLs
(the bare view the ledger API is compared with). Never used by the product itself.

``XUNCHA_BENCH_CONN_MAX_AGE`` (seconds) overrides the connection lifetime for an experiment — the
product keeps SQLite connections for one request only (CONN_MAX_AGE = 0), so each request starts
with an empty page cache.
"""

import os

from xuncha.settings import *  # noqa: F403
from xuncha.settings import DATABASES

ROOT_URLCONF = "xuncha.bench.urls"

if os.environ.get("XUNCHA_BENCH_CONN_MAX_AGE") and "pool" not in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["XUNCHA_BENCH_CONN_MAX_AGE"])
