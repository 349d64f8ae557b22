/* applets.c - the multi-call dispatcher: picks an applet by the name it was
 * run as (argv[0]) or by its first argument, BusyBox-style. The table comes
 * from the //applet: lines of each applet file; disabled applets are not in it,
 * so the linker drops them. */
#include "applet.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usage.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
};

static const struct applet applets[] = {
#define APPLET(name, fn, sym) IF_##sym({ name, fn##_main, fn##_usage },)
#include "applets.h"
#undef APPLET
	{ NULL, NULL, NULL }
};
#define NUM_APPLETS (ARRAY_LEN(applets) - 1)

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static const struct applet *find_applet(const char *name)
{
	for (const struct applet *a = applets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static int print_version(void)
{
	printf("chatbox %s\n", CHATBOX_VERSION);
	return 0;
}

/* --help and --version are answered here, once, for every applet. */
static int run_applet(const struct applet *a, int argc, char **argv)
{
	applet_name = a->name;
	applet_usage = a->usage;
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		show_usage();
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		return print_version();
	return a->main(argc, argv);
}

static void print_banner(void)
{
	printf("chatbox: the Wi-Fi chat hub for OpenWrt routers and Raspberry Pis.\n\n"
	       "Usage: chatbox APPLET [ARGS...]   or   ln -s chatbox APPLET; APPLET [ARGS...]\n"
	       "       chatbox --list | --install [-s] [DIR] | --help | --version\n\n"
	       "Applets:");
	for (const struct applet *a = applets; a->name; a++)
		printf(" %s", a->name);
	printf("%s\n", NUM_APPLETS ? "" : " (none: enable some with make menuconfig)");
}

/* Like BusyBox: a hard link per applet (symlinks with -s) next to the
 * binary or in DIR. An existing file of another program is left alone. */
static int install_links(int argc, char **argv)
{
	char self[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 64];
	bool sym = argc > 2 && strcmp(argv[2], "-s") == 0;
	int failed = 0;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n >= 0)
		self[n] = '\0';
	else
		die("--install: cannot find my own path: %s", strerror(errno));
	if (argc > 2 + sym) {
		if (!strlcpy_ok(dir, argv[2 + sym], sizeof(dir)))
			die("--install: directory name too long");
	} else {
		strlcpy_ok(dir, self, sizeof(dir));
		*strrchr(dir, '/') = '\0';
	}
	for (const struct applet *a = applets; a->name; a++) {
		struct stat st_self, st_link;
		snprintf(path, sizeof(path), "%s/%s", dir, a->name);
		if (stat(path, &st_link) == 0 && stat(self, &st_self) == 0 &&
		    st_link.st_ino == st_self.st_ino && st_link.st_dev == st_self.st_dev)
			continue; /* already us */
		if ((sym ? symlink(self, path) : link(self, path)) != 0) {
			msg("--install: %s: %s", path, strerror(errno));
			failed = 1;
		}
	}
	return failed;
}

static int multicall(int argc, char **argv)
{
	const struct applet *a = find_applet(base_name(argv[0]));

	if (a)
		return run_applet(a, argc, argv);
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		print_banner();
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return print_version();
	if (strcmp(argv[1], "--list") == 0) {
		for (const struct applet *p = applets; p->name; p++)
			puts(p->name);
		return 0;
	}
	if (strcmp(argv[1], "--install") == 0)
		return install_links(argc, argv);
	a = find_applet(base_name(argv[1]));
	if (a)
		return run_applet(a, argc - 1, argv + 1);
	fprintf(stderr, "chatbox: applet not found\n");
	return 127;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 1 || !argv[0])
		return 127;
	/* One applet: no multiplexer, it runs under whatever name it has. */
	if (NUM_APPLETS == 1)
		rc = run_applet(&applets[0], argc, argv);
	else
		rc = multicall(argc, argv);
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
	return rc;
}
