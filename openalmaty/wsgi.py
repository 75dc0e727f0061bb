import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openalmaty.settings")

application = get_wsgi_application()

# gunicorn imports this module in each worker, after the fork (the Procfile and the benchmarks use no
# --preload, which would open one connection in the master for every worker to share). The worker opens
# its persistent connection now and loads the search dictionaries into it, instead of making the first
# search it serves wait ~100 ms for them.
from life_situations.search import warm_up  # noqa: E402 — needs the app registry set up above

warm_up()
