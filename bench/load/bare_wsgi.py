"""The application with the benchmark's bare page beside it, for `bench/load.sh ceiling`.

    gunicorn --pythonpath bench/load bare_wsgi:application

The bare page (bench/bare.py: signed in, the full middleware, one query, no template) under
load shows the most requests a second this machine can serve of any signed-in page.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, where bare.py is

from django.conf import settings  # noqa: E402 (bench/ must be importable first)
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "bare"
