/*
 * offsets.c — per-partition in-flight tracker. See offsets.h.
 *
 * Each partition keeps its entries in a singly linked FIFO in consumption
 * order; only the head can be popped, which is what makes the stored offset
 * contiguous. Every live entry is also on one doubly linked list so that
 * destroy can free entries that a forgotten partition left behind.
 */
#include "stage/offsets.h"

#include <stdlib.h>

struct nf_inflight_s {
        nf_inflight_t *next;                /* partition FIFO */
        nf_inflight_t *all_prev, *all_next; /* every live entry */
        int32_t partition;
        int64_t offset;
        unsigned pending;
        int orphan; /* its partition was forgotten */
        void *data;
};

typedef struct part_s {
        nf_inflight_t *head, *tail;
} part_t;

struct nf_offsets_s {
        part_t *parts; /* indexed by partition */
        int32_t nparts;
        nf_inflight_t *all;
        size_t count;
        nf_offsets_store_cb_t *store;
        nf_offsets_free_cb_t *free_data;
        void *opaque;
};

nf_offsets_t *nf_offsets_new(nf_offsets_store_cb_t *store,
                             nf_offsets_free_cb_t *free_data, void *opaque)
{
        nf_offsets_t *t = calloc(1, sizeof(*t));
        if (!t) {
                abort();
        }
        t->store = store;
        t->free_data = free_data;
        t->opaque = opaque;
        return t;
}

static void entry_free(nf_offsets_t *t, nf_inflight_t *e)
{
        if (e->all_prev) {
                e->all_prev->all_next = e->all_next;
        } else {
                t->all = e->all_next;
        }
        if (e->all_next) {
                e->all_next->all_prev = e->all_prev;
        }
        if (t->free_data) {
                t->free_data(e->data);
        }
        t->count--;
        free(e);
}

void nf_offsets_destroy(nf_offsets_t *t)
{
        if (!t) {
                return;
        }
        while (t->all) {
                entry_free(t, t->all);
        }
        free(t->parts);
        free(t);
}

static part_t *part_get(nf_offsets_t *t, int32_t partition)
{
        if (partition >= t->nparts) {
                int32_t n = partition + 1;
                t->parts = realloc(t->parts, (size_t)n * sizeof(part_t));
                if (!t->parts) {
                        abort();
                }
                for (int32_t i = t->nparts; i < n; i++) {
                        t->parts[i].head = t->parts[i].tail = NULL;
                }
                t->nparts = n;
        }
        return &t->parts[partition];
}

nf_inflight_t *nf_offsets_begin(nf_offsets_t *t, int32_t partition,
                                int64_t offset, void *data)
{
        nf_inflight_t *e = calloc(1, sizeof(*e));
        if (!e) {
                abort();
        }
        e->partition = partition;
        e->offset = offset;
        e->pending = 1;
        e->data = data;
        e->all_next = t->all;
        if (t->all) {
                t->all->all_prev = e;
        }
        t->all = e;
        t->count++;

        part_t *p = part_get(t, partition);
        if (p->tail) {
                p->tail->next = e;
        } else {
                p->head = e;
        }
        p->tail = e;
        return e;
}

void nf_offsets_hold(nf_inflight_t *e)
{
        e->pending++;
}

void nf_offsets_release(nf_offsets_t *t, nf_inflight_t *e)
{
        if (--e->pending > 0) {
                return;
        }
        if (e->orphan) {
                entry_free(t, e);
                return;
        }
        /* Pop the completed prefix of the partition; e itself may still
         * wait behind an older record that is pending. */
        int32_t partition = e->partition; /* e may be freed below */
        part_t *p = &t->parts[partition];
        int64_t next = -1;
        while (p->head && p->head->pending == 0) {
                nf_inflight_t *h = p->head;
                p->head = h->next;
                if (!p->head) {
                        p->tail = NULL;
                }
                next = h->offset + 1;
                entry_free(t, h);
        }
        if (next >= 0 && t->store) {
                t->store(t->opaque, partition, next);
        }
}

void nf_offsets_forget(nf_offsets_t *t, int32_t partition)
{
        if (partition >= t->nparts) {
                return;
        }
        part_t *p = &t->parts[partition];
        nf_inflight_t *e = p->head;
        while (e) {
                nf_inflight_t *next = e->next;
                e->next = NULL;
                if (e->pending == 0) {
                        entry_free(t, e);
                } else {
                        e->orphan = 1;
                }
                e = next;
        }
        p->head = p->tail = NULL;
}

size_t nf_offsets_count(const nf_offsets_t *t)
{
        return t->count;
}

void *nf_offsets_data(const nf_inflight_t *e)
{
        return e->data;
}

int32_t nf_offsets_partition(const nf_inflight_t *e)
{
        return e->partition;
}

int64_t nf_offsets_offset(const nf_inflight_t *e)
{
        return e->offset;
}
