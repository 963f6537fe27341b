"""``python -m alexandra.reconstruction``: rebuild a trial of your own from its digitised figure."""

from alexandra.reconstruction._command import command

raise SystemExit(command())
