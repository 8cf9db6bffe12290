"""Real servers the tests start on 127.0.0.1: Dovecot, an SMTP sink, Request Tracker."""
