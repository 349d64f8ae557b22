# client.mk - chat-client: its test peers (Debian's ngircd; tmux for the
# interactive tests), and a target to try it.
#   make chat [TO=HOST[:PORT]]   chat with chat-client (default: localhost, as make run serves)
TEST_PKGS += ngircd tmux

.PHONY: chat
chat: all
	@ln -sf chatbox $(O)/chat-client
	$(O)/chat-client $(TO)
