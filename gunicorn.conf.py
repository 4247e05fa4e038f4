"""gunicorn's settings for this site, read from the working directory (`gunicorn qfapp.wsgi:application`).

gunicorn trusts `X-Forwarded-Proto` (and makes the request https) from the addresses in
`forwarded_allow_ips`, by default 127.0.0.1 and ::1: anything on the same machine, or a proxy that
passes a client's header through, could claim https. Here it trusts no address unless
FORWARDED_ALLOW_IPS names the proxy deliberately; Django decides https itself from the proxy's
header only with BEHIND_PROXY=1 (SECURE_PROXY_SSL_HEADER). See docs/sec.md.
"""

import os

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
proxy_allow_ips = forwarded_allow_ips
# The request line and headers are small here; the body limit is the application's and the proxy's.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
