"""The account's index key and the binding of an index blob to its account and mailbox."""

from __future__ import annotations

import pytest

from crypto import AccountKeys, DecryptionError
from crypto.indexkey import index_key, open_index, seal_index


def test_index_key_is_stable_per_account_and_differs_between_accounts() -> None:
    keys = AccountKeys.generate()
    again = AccountKeys.from_secret(keys.secret())
    assert index_key(keys).raw == index_key(again).raw
    assert index_key(keys).raw != index_key(AccountKeys.generate()).raw
    assert index_key(keys).raw != bytes(keys.encryption), "derived, not the private key itself"


def test_blob_opens_only_for_its_account_and_mailbox() -> None:
    keys = AccountKeys.generate()
    key = index_key(keys)
    blob = seal_index(key, b"index plaintext", 7, 42, 1000)
    assert open_index(key, blob, 7, 42, 1000) == b"index plaintext"
    for account_id, mailbox_id, uidvalidity in ((8, 42, 1000), (7, 43, 1000), (7, 42, 1001)):
        with pytest.raises(DecryptionError):
            open_index(key, blob, account_id, mailbox_id, uidvalidity)
    with pytest.raises(DecryptionError):
        open_index(index_key(AccountKeys.generate()), blob, 7, 42, 1000)
