"""feeds: what markwatch tells the outside world — notices to platforms, webhook signing and the
outbox that delivers them, clues to partner offices.

Why a room of its own: a notice must reach the platform at least once even when the web service
restarts, so writing a notice and its outbox entry is one store transaction and delivery is a
separate loop. Both the web service (a platform pulling its feed) and the routine (sending what is
due) use it.

May import: the ground (``markwatch.config``, ``markwatch.contracts``) and ``index`` (the store it
reads leads from and writes the outbox to). Never ``crawler``, ``pipelines`` or ``web``
(tests/test_layout.py keeps this).
"""
