"""Settings for the served-throughput benchmark: the product's settings, plus the bench-only URLs
(the bare view the ledger API is compared with). Never used by the product itself."""

from xuncha.settings import *  # noqa: F403

ROOT_URLCONF = "xuncha.bench.urls"
