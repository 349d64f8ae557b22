# journal.mk - room history on disk (-D: core/journal, applets/server/store.c).
# Its tests: strace counts the fsyncs (t-journal-flash), unshare and mount
# give t-journal-full a tmpfs of its own.
TEST_PKGS += strace util-linux mount
