"""Manifest: hashes, package versions, git state."""

import subprocess

from ivp_analysis import manifest


def test_sha256_of_known_content(tmp_path):
    p = tmp_path / "abc.txt"
    p.write_bytes(b"abc")
    # FIPS 180-2 test vector for "abc"
    assert (
        manifest.sha256_file(p)
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_git_state_sees_uncommitted_changes(tmp_path):
    def git(*a):
        subprocess.run(["git", "-C", str(tmp_path), *a], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "f.txt").write_text("1")
    git("add", "f.txt")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x")
    state = manifest.git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["dirty"] is False
    (tmp_path / "f.txt").write_text("2")
    assert manifest.git_state(tmp_path)["dirty"] is True
    assert manifest.git_state(tmp_path / "nope") == {"commit": None, "dirty": None}


def test_package_versions_name_the_key_packages():
    v = manifest.package_versions()
    assert v["pandas"] and v["statsmodels"] and v["papermill"]
