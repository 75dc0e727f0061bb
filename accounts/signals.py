"""Signals other apps listen to (accounts imports no other app of the project, ARCHITECTURE.md).

identity_verified(user, what): a phone ('phone') or an IIN ('iin') of the user was proved; appeals links
the appeals registered for that phone or IIN to the account.
"""

from django.dispatch import Signal

identity_verified = Signal()
