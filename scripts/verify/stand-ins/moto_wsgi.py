"""moto's WSGI app for a keep-alive, threaded server (gunicorn gthread): the bench's S3 stand-in.

moto_server runs the same app under werkzeug's development server, which closes every connection;
the AWS SDK then opens a TCP connection per call, and that cost lands on the service being measured.
One worker process only: moto keeps its state in memory, so a second process would be a second S3.
"""

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

app = DomainDispatcherApplication(create_backend_app)
