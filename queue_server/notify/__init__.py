"""Results back to the citizen: the channel chosen at intake, a durable outbox, the follow page (docs/results.md).

``messages`` builds the texts (Vietnamese; a diacritics-free ≤ 160-character SMS variant; nothing personal
beyond the dossier code and the appointment), ``adapters`` sends them (SMTP, an HTTP SMS gateway, Zalo OA),
``outbox`` enqueues a notification in the transaction of the dossier's transition and delivers it from a
sender thread with retry and exponential backoff, ``follow`` is the token of the slip's QR and the public
``/d/{code}`` page.
"""

from __future__ import annotations

CHANNELS = ("sms", "email", "zalo", "none")
