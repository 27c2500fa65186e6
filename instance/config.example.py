# Local configuration for development (`make run` copies this to instance/config.py with a fresh SECRET_KEY).
# In production set SECRET_KEY, DATABASE_URL and MAIL_* in the environment instead and leave the cookie flags on.
SECRET_KEY = "change-me"
SESSION_COOKIE_SECURE = False  # development serves plain http://127.0.0.1:5000
REMEMBER_COOKIE_SECURE = False
DEMO_MODE = True  # shows the demo accounts on the login page
MAIL_SERVER = "localhost"
MAIL_PORT = 8025
# Links in mails are built from these (never from a request's Host header); production sets its public host name
# and https, which is the default scheme.
SERVER_NAME = "127.0.0.1:5000"
PREFERRED_URL_SCHEME = "http"
