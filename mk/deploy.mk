# deploy.mk - install, and packages for OpenWrt and Raspberry Pi OS.
#
#   make install [DESTDIR=dir] [PREFIX=/usr/local]   chatbox + a link per applet
#   make install CONFIG_PREFIX=dir                   BusyBox's spelling: dir/bin/
#   make uninstall                                   the same, removed
#   make ipk BOARD=openwrt-ath79                     .ipk for OpenWrt 24.10's opkg
#   make deb BOARD=rpi-aarch64                       .deb for Raspberry Pi OS
#   make openwrt-config                              refresh the feed's Config.in
# Packages land in build/BOARD/pkg/. CHATBOX_VERSION=x.y.z sets their version.

TEST_PKGS += shellcheck dpkg-dev binutils tar gzip systemd init-system-helpers file busybox

PREFIX         ?= /usr/local
INSTALL_ROOT    = $(if $(CONFIG_PREFIX),$(CONFIG_PREFIX),$(DESTDIR)$(PREFIX))
IPK_RELEASE    ?= 1
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
PKG_DIR         = $(O)/pkg
# The enabled applets, from the generated headers: a cross-built binary
# cannot be asked with --list here.
APPLET_LIST     = $$(sh scripts/applets.sh $(GEN)/applets.h $(O)/gen/autoconf.h)

.PHONY: install uninstall ipk deb openwrt-config

install: $(O)/chatbox
	@sh scripts/install.sh $(O)/chatbox $(INSTALL_ROOT)/bin $(APPLET_LIST)

uninstall: $(O)/gen/autoconf.h
	@for a in chatbox $(APPLET_LIST); do \
		rm -f "$(INSTALL_ROOT)/bin/$$a" && echo "  RM      $(INSTALL_ROOT)/bin/$$a"; \
	done

# One package per board and kind in build/BOARD/pkg/, so that the README's
# "scp build/BOARD/pkg/chatbox_*.ipk" copies just the newest.
ipk: $(O)/chatbox
	@mkdir -p $(PKG_DIR) && rm -f $(PKG_DIR)/chatbox_*.ipk
	@SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) sh scripts/mkpkg.sh ipk $(O)/chatbox $(IPK_ARCH) \
		$(CHATBOX_VERSION)-r$(IPK_RELEASE) \
		$(PKG_DIR)/chatbox_$(CHATBOX_VERSION)-r$(IPK_RELEASE)_$(IPK_ARCH).ipk $(APPLET_LIST)
	@echo "  IPK     $(PKG_DIR)/chatbox_$(CHATBOX_VERSION)-r$(IPK_RELEASE)_$(IPK_ARCH).ipk"

deb: $(O)/chatbox
	@mkdir -p $(PKG_DIR) && rm -f $(PKG_DIR)/chatbox_*.deb
	@SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) sh scripts/mkpkg.sh deb $(O)/chatbox $(DEB_ARCH) \
		$(CHATBOX_VERSION) $(PKG_DIR)/chatbox_$(CHATBOX_VERSION)_$(DEB_ARCH).deb $(APPLET_LIST)
	@echo "  DEB     $(PKG_DIR)/chatbox_$(CHATBOX_VERSION)_$(DEB_ARCH).deb"

# The OpenWrt menu mirrors our Kconfig with a CHATBOX_CONFIG_ prefix, as
# OpenWrt's busybox package does; routers get the router board's defaults.
openwrt-config: $(GEN)/.stamp
	@sh scripts/openwrt-config.sh board/openwrt-ath79/config Kconfig $(GEN)/Kconfig.gen \
		>board/openwrt/chatbox/Config.in.new
	@mv board/openwrt/chatbox/Config.in.new board/openwrt/chatbox/Config.in
	@echo "  GEN     board/openwrt/chatbox/Config.in"
