# chat-server: a real third-party IRC client for tests/t-server-irssi.py,
# driven in tmux.
TEST_PKGS += irssi tmux
