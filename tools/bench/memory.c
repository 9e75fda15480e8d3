// SPDX-License-Identifier: GPL-2.0
/*
 * Memory figures: rtm's own accounting (/proc/net/rtm/stats, per table:
 * dests, routes, next hops, attributes and trie nodes, in bytes), slab
 * caches (/proc/slabinfo), the IPv4 FIB's own count (/proc/net/fib_triestat:
 * leaves, aliases, tnodes and their pointer arrays) and MemFree.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bench.h"

void mem_rtm_stats(struct rb_stats *st)
{
	char line[512];
	FILE *f;

	memset(st, 0, sizeof(*st));
	f = fopen("/proc/net/rtm/stats", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long inst, fam, dests, routes, nh, attrs, bytes;

		if (sscanf(line, "table %lu %lu dests %lu routes %lu nexthops %lu attrs %lu bytes %lu",
			   &inst, &fam, &dests, &routes, &nh, &attrs,
			   &bytes) == 7) {
			st->dests += dests;
			st->routes += routes;
			st->bytes += bytes;
			if (fam == AF_INET) {
				st->routes4 += routes;
				st->bytes4 += bytes;
			}
		}
	}
	fclose(f);
}

long mem_free_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * @objs: objects in use; @bytes: the pages of the cache's slabs, slack
 * included (so bytes / objs is the real cost of an object).
 */
bool mem_slab(const char *cache, size_t *objs, size_t *bytes)
{
	unsigned long active, num, size, perslab, pages, aslabs, nslabs;
	char line[512], name[128];
	bool found = false;
	FILE *f;

	*objs = 0;
	*bytes = 0;
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   name, &active, &num, &size, &perslab, &pages,
			   &aslabs, &nslabs) != 8 || strcmp(name, cache))
			continue;
		*objs = active;
		*bytes = nslabs * pages * (size_t)sysconf(_SC_PAGESIZE);
		found = true;
		break;
	}
	fclose(f);
	return found;
}

/*
 * The main table's section only: without policy rules of its own, the
 * namespace's local table shares the main table's trie, and the file
 * shows that trie twice.
 */
bool mem_fib_triestat(size_t *bytes, size_t *prefixes)
{
	char line[256];
	unsigned long v;
	bool found = false, main_table = false;
	FILE *f;

	*bytes = 0;
	*prefixes = 0;
	f = fopen("/proc/net/fib_triestat", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");

		if (s == line && strchr(line, ':') && line[strlen(line) - 2] == ':')
			main_table = !strcmp(line, "Main:\n");
		if (!main_table)
			continue;
		if (sscanf(s, "Total size: %lu kB", &v) == 1) {
			*bytes += v * 1024;
			found = true;
		} else if (sscanf(s, "Prefixes: %lu", &v) == 1) {
			*prefixes += v;
		}
	}
	fclose(f);
	return found;
}

void mem_settle(void)
{
	/*
	 * Give RCU callbacks time to free what the last changes unlinked
	 * (memory figures), and the freeing time to end before the next
	 * timed phase.
	 */
	usleep(2000 * 1000);
}
