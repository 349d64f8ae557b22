/* nametab.c - case-insensitive intrusive hash table. */
#include "nametab.h"
#include "irc.h"

#include <stdlib.h>

uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a over folded bytes */
	for (; *s; s++)
		h = (h ^ (uint32_t)irc_tolower((unsigned char)*s)) * 16777619u;
	return h;
}

struct name_node *nametab_find(const struct nametab *t, const char *name)
{
	uint32_t h = name_hash(name);
	if (!t->nb)
		return NULL;
	for (struct name_node *n = t->b[h & (t->nb - 1)]; n; n = n->next)
		if (n->hash == h && irc_casecmp(n->name, name) == 0)
			return n;
	return NULL;
}

static int grow(struct nametab *t)
{
	uint32_t nb = t->nb ? t->nb * 2 : 64;
	struct name_node **b = calloc(nb, sizeof(*b));
	if (!b)
		return -1;
	for (uint32_t i = 0; i < t->nb; i++)
		for (struct name_node *n = t->b[i], *next; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

int nametab_add(struct nametab *t, struct name_node *n, const char *name)
{
	if (t->n >= t->nb && grow(t) != 0 && !t->nb)
		return -1; /* a failed grow is fine while there are buckets */
	n->name = name;
	n->hash = name_hash(name);
	n->next = t->b[n->hash & (t->nb - 1)];
	t->b[n->hash & (t->nb - 1)] = n;
	t->n++;
	return 0;
}

void nametab_del(struct nametab *t, struct name_node *n)
{
	struct name_node **pp = &t->b[n->hash & (t->nb - 1)];
	for (; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			t->n--;
			return;
		}
}

void nametab_free(struct nametab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}
