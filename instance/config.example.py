# Instance configuration, copied to instance/config.py. As it is, it is production's: set SECRET_KEY (a long random
# value), SERVER_NAME and the mail server here or in the environment (DATABASE_URL, MAIL_*: see README, Configuration).
SECRET_KEY = "change-me"
# The session and remember-me cookies travel over HTTPS only (Secure), as in core/config.py; keep these on.
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
# The public host name: links in mails are built from it (never from a request's Host header) and, unless
# TRUSTED_HOSTS lists others, it is the only host name answered (any other Host header gets 400).
SERVER_NAME = "skhcn.tayninh.gov.vn"
PREFERRED_URL_SCHEME = "https"
# Behind a reverse proxy (nginx...): how many proxies to believe for the client's address and https.
PROXY_FIX_HOPS = 0
MAIL_SERVER = "localhost"
MAIL_PORT = 25

# DEVELOPMENT ONLY. `make run` switches the lines below on (it removes their "# dev: "), for plain http on this machine;
# production leaves them commented out.
# dev: SESSION_COOKIE_SECURE = False  # http://127.0.0.1:5000 would never send a Secure cookie back: no login
# dev: REMEMBER_COOKIE_SECURE = False
# dev: SERVER_NAME = "127.0.0.1:5000"
# dev: PREFERRED_URL_SCHEME = "http"
# dev: TRUSTED_HOSTS = ["127.0.0.1", "localhost"]
# dev: DEMO_MODE = True  # shows the demo accounts on the login page
# dev: MAIL_PORT = 8025  # python -m aiosmtpd -n -l localhost:8025 prints the mails
