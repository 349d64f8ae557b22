# openwrt-shim.sh - just enough of OpenWrt's /lib/functions.sh (UCI),
# /lib/functions/network.sh and procd.sh for an init script's
# start_service and service_triggers to run on a Debian host. Instead of
# talking to ubus, the procd calls print what procd would be sent:
#
#   instance NAME
#    command ARG ARG [ARG WITH SPACES] ...
#    PARAM VALUE...            (in the order they were set)
#
# With PROCD_ARGS_FILE set, each instance's command is also written there,
# one argument a line, to be run for real.
# UCI files are read from $UCI_DIR; they are shell (config/option/list),
# as OpenWrt's own loader treats them. A network N is up with addresses
# $NET_V4_N / $NET_V6_N on device $NET_DEV_N.
# shellcheck shell=dash disable=SC2034

_nl='
'
config() { _sec=$2; _secs="$_secs $2"; eval "_type_$2=\$1"; }
option() { eval "_opt_${_sec}_$1=\$2"; }
list() {
	eval "_list_${_sec}_$1=\"\${_list_${_sec}_$1:+\${_list_${_sec}_$1}\$_nl}\$2\""
}
# shellcheck source=/dev/null
config_load() { _secs=""; . "$UCI_DIR/$1"; }
config_get() { eval "$1=\${_opt_$2_$3:-\$4}"; }
config_get_bool() {
	local _b
	config_get _b "$2" "$3" "$4"
	case "$_b" in
	1|on|true|yes|enabled) _b=1 ;;
	0|off|false|no|disabled) _b=0 ;;
	*) _b=$4 ;;
	esac
	eval "$1=\$_b"
}
config_foreach() {
	local _fn="$1" _type="$2" _s _t
	shift 2
	for _s in $_secs; do
		eval "_t=\$_type_$_s"
		[ "$_t" = "$_type" ] && "$_fn" "$_s" "$@"
	done
	return 0
}
config_list_foreach() {
	local _items _item IFS="$_nl"
	eval "_items=\${_list_$1_$2:-}"
	for _item in $_items; do
		"$3" "$_item"
	done
}

network_get_ipaddrs() { eval "$1=\${NET_V4_$2:-}"; }
network_get_ipaddrs6() { eval "$1=\${NET_V6_$2:-}"; }
network_get_device() { eval "$1=\${NET_DEV_$2:-}"; }

_arg() { case "$1" in *" "*) printf ' [%s]' "$1" ;; *) printf ' %s' "$1" ;; esac; }
procd_open_instance() { _cmd="" _argv="" _params=""; echo "instance $1"; }
procd_set_param() {
	local _t="$1" _a _line
	shift
	if [ "$_t" = command ]; then
		_cmd="" _argv=""
		procd_append_param command "$@"
		return
	fi
	_line=$(printf '%s' "$_t"; for _a in "$@"; do _arg "$_a"; done)
	_params="$_params $_line$_nl"
}
procd_append_param() {
	local _a
	shift
	_cmd="$_cmd$(for _a in "$@"; do _arg "$_a"; done)"
	for _a in "$@"; do _argv="$_argv$_a$_nl"; done
}
procd_add_mdns() {
	local _a
	_params="$_params mdns${MDNS_INSTANCE_NAME:+ instance [$MDNS_INSTANCE_NAME]}$(for _a in "$@"; do _arg "$_a"; done)$_nl"
}
procd_close_instance() {
	echo " command$_cmd"
	printf '%s' "$_params"
	[ -z "${PROCD_ARGS_FILE:-}" ] || printf '%s' "$_argv" >>"$PROCD_ARGS_FILE"
}
procd_add_reload_trigger() { echo "reload trigger on config $*"; }
procd_add_reload_interface_trigger() { echo "reload trigger on interface $*"; }
