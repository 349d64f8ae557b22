/* nametab.h - a hash table of named objects (nicks, rooms) under IRC's
 * rfc1459 casemapping. Intrusive: embed a struct name_node in the object,
 * whose name it points at; no allocation per entry. */
#pragma once

#include <stdint.h>

struct name_node {
	struct name_node *next;
	const char *name;
	uint32_t hash;
};

struct nametab {
	struct name_node **b; /* buckets, a power of two of them */
	uint32_t nb, n;
};

uint32_t name_hash(const char *name); /* case-folded */
struct name_node *nametab_find(const struct nametab *t, const char *name);
/* Add N under NAME (the caller keeps NAME alive); -1 if out of memory. */
int nametab_add(struct nametab *t, struct name_node *n, const char *name);
void nametab_del(struct nametab *t, struct name_node *n);
void nametab_free(struct nametab *t);
