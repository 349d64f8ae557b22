# client.mk - chat-client: its test peers (Debian's ngircd; tmux for the
# interactive tests; python3-dnslib for t-client-resolve's DNS server), and
# a target to try it.
#   make chat [TO=HOST[:PORT]]   chat with chat-client (default: localhost, as make run serves)
#   make client-size [BOARD=x]   what chat-client adds to the binary (text+data), per option too
TEST_PKGS += ngircd tmux python3-dnslib

.PHONY: chat
chat: all
	@ln -sf chatbox $(O)/chat-client
	$(O)/chat-client $(TO)

# (The whole binary is built -fno-pie, and -mno-sse on x86_64: see CFLAGS
# in the Makefile.)

# make client-size [BOARD=x]: what chat-client adds to BOARD's binary (size
# text+data, built with and without CHAT_CLIENT), and each CLIENT_* option.
.PHONY: client-size
client-size:
	@scripts/client-size.sh $(BOARD)

# make client-screenshot: README's text capture of two windows with activity
# (tests/screenshots/client-windows.txt), from a real run in tmux.
.PHONY: client-screenshot
client-screenshot: all
	@CLIENT_SCREENSHOT=$(CURDIR)/tests/screenshots/client-windows.txt ONLY=t-client-tty-win tests/run.sh x86_64
