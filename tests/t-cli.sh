#!/bin/sh
# t-cli.sh - the multi-call binary: dispatch, --list, --install, --help, errors.
. tests/lib/testing.sh
E=${CHATBOX_EMU:-}
B=$CHATBOX_BIN

testing "--list prints the applets, one a line" \
	"$CHATBOX --list" "chat-client\nchat-discover\nchat-server\n" "" ""
testing "no arguments prints a banner with the applets" \
	"$CHATBOX | grep -c 'Applets: chat-client chat-discover chat-server'" "1\n" "" ""
testing "--help is the banner too" \
	"$CHATBOX --help | head -n 1" "chatbox: the Wi-Fi chat hub for OpenWrt routers and Raspberry Pis.\n" "" ""
testing "an unknown applet exits 127 with a message" \
	"$CHATBOX nosuch 2>&1; echo rc=\$?" "chatbox: applet not found\nrc=127\n" "" ""
testing "'chatbox APPLET --help' prints the applet's usage" \
	"$CHATBOX chat-server --help | head -n 1 | cut -c1-19" "Usage: chat-server \n" "" ""
for a in chat-server chat-client chat-discover; do
	testing "a symlink named $a dispatches to it" \
		"ln -s '$B' $a && $E ./$a --help | head -n 1 | cut -d' ' -f2" "$a\n" "" ""
done
testing "a hard link named chat-client dispatches to it" \
	"ln '$B' chat-client 2>/dev/null || cp '$B' chat-client; $E ./chat-client --help | head -n 1 | cut -d' ' -f2" \
	"chat-client\n" "" ""
testing "a bad option value is a clear error, exit 1" \
	"$CHATBOX chat-server -p 99999 2>&1 | head -n 1; $CHATBOX chat-server -p 99999 2>/dev/null; echo rc=\$?" \
	"chat-server: -p: '99999' is not a number from 0 to 65535\nrc=1\n" "" ""
# The segments a bigger journal needs would not all be read at a restart.
testing "-J is bounded by what a restart reads back" \
	"$CHATBOX chat-server -J 32769 2>&1 | head -n 1; $CHATBOX chat-server -J 32769 2>/dev/null; echo rc=\$?" \
	"chat-server: -J: '32769' is not a number from 64 to 32768\nrc=1\n" "" ""
testing "an unknown option is a clear error" \
	"$CHATBOX chat-discover -Z 2>&1 | head -n 1" "chat-discover: unknown option -Z\n" "" ""
testing "a missing option value is a clear error" \
	"$CHATBOX chat-client -n 2>&1 | head -n 1" "chat-client: option -n needs a value\n" "" ""
testing "an unknown letter in a cluster is named" \
	"$CHATBOX chat-discover -1Zw 2>&1 | head -n 1" "chat-discover: unknown option -Z\n" "" ""
testing "options end at -- and the first operand is checked" \
	"$CHATBOX chat-discover -1w -t5 -- -m 2>&1 | head -n 1" "chat-discover: unexpected argument '-m'\n" "" ""
testing "a value may be attached and the next word is its own" \
	"$CHATBOX chat-server -p1 -J -1 2>&1 | head -n 1" "chat-server: -J: '-1' is not a number from 64 to 32768\n" "" ""
testing "--install -s DIR makes a symlink per applet" \
	"mkdir bin && $CHATBOX --install -s bin && ls bin && readlink bin/chat-server | grep -c chatbox" \
	"chat-client\nchat-discover\nchat-server\n1\n" "" ""
testing "--install DIR makes hard links, and again is harmless" \
	"mkdir hl && cp '$B' hl/chatbox && $E hl/chatbox --install && $E hl/chatbox --install; echo rc=\$?; ls hl; [ hl/chat-server -ef hl/chatbox ] && echo same" \
	"rc=0\nchat-client\nchat-discover\nchat-server\nchatbox\nsame\n" "" ""
testing "--install leaves another program's file alone and says so" \
	"mkdir o && echo other >o/chat-server && $CHATBOX --install -s o 2>&1 | grep -c 'chat-server: File exists'; cat o/chat-server" \
	"1\nother\n" "" ""
# One version (file VERSION) for the binary and every applet.
V=$(cat VERSION)
testing "--version prints chatbox and VERSION" "$CHATBOX --version" "chatbox $V\n" "" ""
for a in chat-server chat-client chat-discover; do
	testing "$a --version prints the same" "$CHATBOX $a --version" "chatbox $V\n" "" ""
done
exit $((FAILCOUNT > 0))
