# web.mk - the chat page (web/) built into chat-server (SERVER_WEB):
# every web/*.html, *.css, *.js, *.svg (and *.png, *.ico, *.webmanifest)
# gzip -9n'd by scripts/web-embed.sh into build/gen/web/ and a table,
# build/gen/web_files.c, compiled and linked like any source. gzip -n
# leaves out the name and time, so the bytes, and the binary, are the
# same every build. Without SERVER_WEB the linker drops them unused.
# the tests speak WebSocket with an independent client, too
TEST_PKGS += python3-websockets

WEB_FILES := $(sort $(wildcard $(addprefix web/*.,html css js svg png ico webmanifest)))
WEB_C     := $(GEN)/web_files.c
WEB_OBJ   := $(O)/obj/$(GEN)/web_files.o

# The list itself is a prerequisite too: a file taken out of web/ must
# leave the table (its name is rewritten only when the list changes).
WEB_LIST  := $(GEN)/web_files.list
$(shell mkdir -p $(GEN) && echo '$(WEB_FILES)' | cmp -s - $(WEB_LIST) 2>/dev/null || \
	echo '$(WEB_FILES)' >$(WEB_LIST))
$(WEB_C): $(WEB_FILES) $(WEB_LIST) scripts/web-embed.sh
	@sh scripts/web-embed.sh $(GEN) $(WEB_FILES)
$(WEB_OBJ): applets/server/web.h $(WEB_FILES)

OBJS      += $(WEB_OBJ)
UNIT_LINK += $(WEB_OBJ)
$(O)/chatbox_unstripped $(O)/unit-tests: $(WEB_OBJ)
