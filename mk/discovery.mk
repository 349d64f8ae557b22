# discovery: mDNS/DNS-SD (issue 5). Interop peers for the tests, and
# mdns-announce, a test tool that announces like chat-server does, built
# for every board beside the unit tests.
TEST_PKGS += python3-zeroconf avahi-daemon iproute2

$(O)/mdns-announce: $(O)/obj/tests/tools/mdns_announce.o $(CORE_OBJS) $(TOOLCHAIN_DEP)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(O)/obj/tests/tools/mdns_announce.o $(CORE_OBJS) 2>/dev/null || \
		$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(O)/obj/tests/tools/mdns_announce.o $(CORE_OBJS)
unit: $(O)/mdns-announce
-include $(O)/obj/tests/tools/mdns_announce.d
