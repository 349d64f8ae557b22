# client.mk - chat-client: its test peers (Debian's ngircd; tmux for the
# interactive tests).
TEST_PKGS += ngircd tmux
