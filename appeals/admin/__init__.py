"""Django admin for appeals: reference data (reference.py) and the staff workspace (workspace.py)."""

from appeals.admin import reference, workspace  # noqa: F401 — registers the ModelAdmins
