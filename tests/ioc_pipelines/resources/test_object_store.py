import pytest

from ioc_pipelines.resources.object_store import LocalObjectStore, ObjectStoreError, check_key


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/key", "a/../../b", "a\\b", "", "a/./b",
                                 "landing/x/\x00.csv", "landing/x/a\nb.csv"])
def test_hostile_keys_are_refused(key):
    with pytest.raises(ObjectStoreError):
        check_key(key)


def test_vietnamese_names_are_fine():
    assert check_key("landing/population/2026-11-22/Dân số xã Bình Lư.csv")


def test_local_store_roundtrip_and_listing(tmp_path):
    store = LocalObjectStore(tmp_path)
    store.ensure_bucket("b")
    store.put_bytes("b", "x/1.txt", b"one")
    store.put_bytes("b", "y/2.txt", b"two")
    assert store.get_bytes("b", "x/1.txt") == b"one"
    assert store.exists("b", "x/1.txt") and not store.exists("b", "x/9.txt")
    assert [o.key for o in store.list("b", "x/")] == ["x/1.txt"]
    assert not list((tmp_path / "b" / "x").glob(".tmp-*"))  # atomic writes leave no temp files
    with pytest.raises(ObjectStoreError, match="no object"):
        store.get_bytes("b", "missing.txt")
