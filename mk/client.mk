# client.mk - chat-client: its test peers (Debian's ngircd; tmux for the
# interactive tests), and a target to try it.
#   make chat [TO=HOST[:PORT]]   chat with chat-client (default: localhost, as make run serves)
#   make client-size [BOARD=x]   what chat-client adds to the binary (text+data), per option too
TEST_PKGS += ngircd tmux

.PHONY: chat
chat: all
	@ln -sf chatbox $(O)/chat-client
	$(O)/chat-client $(TO)

# (The whole binary is built -fno-pie: see CFLAGS in the Makefile.) The
# client does no floating point: on x86_64 without SSE a varargs function
# saves no vector registers and small structs are cleared and copied with
# plain moves, 0.6 KB less (BusyBox's way of sizing flags per arch).
# (Not for SANITIZE=1: a clang build for the host.)
ifneq ($(SANITIZE),1)
CLIENT_CFLAGS := $(if $(filter x86_64,$(BOARD)),-mno-sse)
$(O)/obj/applets/client/%.o: CFLAGS += $(CLIENT_CFLAGS)
endif

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
