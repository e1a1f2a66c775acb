"""A site server with the demo centre and its site services (the provisioning CA's TLS, the announcer), in-process
under uvicorn; for the enrolment tests and the provisioning benchmark.

    python tests/support/serve_site_tls.py DATA_DIR PORT SITE_ID

Configured like ``motcua server`` from the environment (``MOTCUA_PROVISION_TLS=true`` etc.).
"""

from __future__ import annotations

import sys

import uvicorn

from queue_server.app import create_app
from queue_server.demo import seed_demo
from queue_server.provisioning.hooks import site_services
from queue_server.settings import ServerSettings

SCRIPT = __file__


def main(data_dir: str, port: str, site_id: str) -> None:
    settings = ServerSettings(data_dir=data_dir, port=int(port), site_id=site_id)
    app = create_app(settings)
    seed_demo(app.state.service.db)
    with site_services(settings) as extra:
        uvicorn.run(app, host="127.0.0.1", port=settings.port, log_level="warning", **extra)


if __name__ == "__main__":
    main(*sys.argv[1:4])
