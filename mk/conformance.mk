# IRC conformance: tests/t-conform-*.py run each case against chat-server,
# ngIRCd and InspIRCd (tests/lib/conformance.py).
TEST_PKGS += inspircd ngircd
