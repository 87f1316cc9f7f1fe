"""E-mail to data subjects: German and English templates, SMTP and a dev outbox."""

from __future__ import annotations
