/*
 * test_dedup.c — the dedup processor (processors/dedup.c): statuses, drop
 * and mark, replay, restart from state records, two instances sharing
 * state, the state record format, bad input, the window, threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "processors/dedup_index.h"
#include "processors/fingerprint.h"
#include "processors/processor.h"

extern const nf_processor_t nf_processor_dedup;

#define T0 1700000000

static int64_t fake_now = T0;

static int64_t fake_clock(void)
{
        return fake_now;
}

/* ------------------------------------------------------------- fixtures */
typedef struct story_s {
        char id[64];
        char *text; /* paragraphs joined by blank lines */
} story_t;

static story_t stories[16];
static int nstories;

static const char *story(const char *id)
{
        for (int i = 0; i < nstories; i++) {
                if (strcmp(stories[i].id, id) == 0) {
                        return stories[i].text;
                }
        }
        fail_msg("no fixture story %s", id);
        return NULL;
}

static int load_stories(void **state)
{
        (void)state;
        FILE *f = fopen("tests/fixtures/dedup/articles.txt", "r");
        if (!f) {
                return -1;
        }
        char line[8192];
        story_t *st = NULL;
        size_t len = 0;
        while (fgets(line, sizeof(line), f)) {
                if (line[0] == '#') {
                        continue;
                }
                if (strncmp(line, "=== ", 4) == 0) {
                        st = &stories[nstories++];
                        sscanf(line + 4, "%63s", st->id);
                        st->text = calloc(1, 16384);
                        len = 0;
                } else if (st && len + strlen(line) < 16384) {
                        memcpy(st->text + len, line, strlen(line) + 1);
                        len += strlen(line);
                }
        }
        fclose(f);
        nf_dedup_clock = fake_clock;
        return nstories >= 8 ? 0 : -1;
}

static int free_stories(void **state)
{
        (void)state;
        for (int i = 0; i < nstories; i++) {
                free(stories[i].text);
        }
        return 0;
}

/* A syndicated copy: site boilerplate around the story minus its last
 * paragraph, curly quotes straightened by the other site. */
static char *syndicated(const char *text)
{
        char *s = malloc(strlen(text) + 400);
        const char *cut = strstr(text, "\n\n");
        const char *last = text;
        for (const char *p = cut; p; p = strstr(p + 2, "\n\n")) {
                if (p[2] != '\0' && p[2] != '\n') {
                        last = p;
                }
        }
        sprintf(
            s,
            "Valley Herald | Latest news\n\n%.*s\n\nSubscribe to the Valley "
            "Herald newsletter for the day's top stories.\n\nCopyright 2024 "
            "Valley Herald. All rights reserved.",
            (int)(last - text), text);
        return s;
}

/* ------------------------------------------------------------- helpers */
static void *make(const char *action, const char *window)
{
        nf_conf_t *conf = nf_conf_new();
        if (action) {
                nf_conf_set(conf, "dedup.action", action);
        }
        if (window) {
                nf_conf_set(conf, "dedup.window", window);
        }
        nf_conf_apply_defaults(conf, nf_processor_dedup.conf_keys);
        char err[256];
        void *self = nf_processor_dedup.create(conf, err, sizeof(err));
        nf_conf_destroy(conf);
        assert_non_null(self);
        return self;
}

typedef struct result_s {
        nf_dedup_status_t status;
        char of[64];
        double sim;
        nf_verdict_t verdict;
        char reason[64];
        size_t nrecords;
        nf_record_t rec; /* the first state record (owned), if any */
} result_t;

static result_t run(void *self, const char *id, const char *text)
{
        nf_article_t *art = nf_article_new();
        if (id) {
                nf_article_set(art, NF_F_ID, id, strlen(id));
        }
        if (text) {
                nf_article_set(art, NF_F_TEXT, text, strlen(text));
        }
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_processor_dedup.process(self, art, &out);
        result_t r;
        memset(&r, 0, sizeof(r));
        r.status = art->dedup.status;
        snprintf(r.of, sizeof(r.of), "%s",
                 art->dedup.duplicate_of ? art->dedup.duplicate_of : "");
        r.sim = art->dedup.similarity;
        r.verdict = out.verdict;
        snprintf(r.reason, sizeof(r.reason), "%s", out.reason);
        r.nrecords = out.nrecords;
        if (out.nrecords) {
                r.rec = out.records[0];
                out.records[0] = out.records[--out.nrecords]; /* take it */
        }
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        return r;
}

static void rec_free(result_t *r)
{
        free(r->rec.key);
        free(r->rec.value);
        r->rec.key = r->rec.value = NULL;
}

static int64_t json_int(json_t *o, const char *k)
{
        return json_integer_value(json_object_get(o, k));
}

/* ---------------------------------------------------------------- tests */
static void test_conf_keys_declared(void **state)
{
        (void)state;
        const char *names[] = {"dedup.action", "dedup.window",
                               "dedup.max.documents", "dedup.threshold"};
        for (size_t i = 0; i < 4; i++) {
                assert_non_null(
                    nf_conf_key_find(nf_processor_dedup.conf_keys, names[i]));
        }
        char err[256];
        const nf_conf_key_t *k =
            nf_conf_key_find(nf_processor_dedup.conf_keys, "dedup.action");
        assert_int_equal(nf_conf_check_value(k, "mark", err, sizeof(err)), 0);
        assert_int_equal(nf_conf_check_value(k, "keep", err, sizeof(err)), -1);
        assert_non_null(nf_processor_dedup.apply_state);
        assert_non_null(nf_processor_dedup.stats);
}

static void test_statuses_and_drop(void **state)
{
        (void)state;
        fake_now = T0;
        void *self = make(NULL, NULL); /* dedup.action=drop by default */
        const char *text = story("harbour-fire");
        char *copy = syndicated(text);

        result_t r = run(self, "orig", text);
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        assert_int_equal(r.verdict, NF_PASS);
        assert_int_equal(r.nrecords, 1);
        rec_free(&r);

        r = run(self, "repost", text);
        assert_int_equal(r.status, NF_DEDUP_DUPLICATE);
        assert_string_equal(r.of, "orig");
        assert_true(r.sim == 1.0);
        assert_int_equal(r.verdict, NF_DROP);
        assert_string_equal(r.reason, "duplicate");
        assert_int_equal(r.nrecords, 0);

        r = run(self, "syndicated", copy);
        assert_int_equal(r.status, NF_DEDUP_NEAR_DUPLICATE);
        assert_string_equal(r.of, "orig");
        assert_true(r.sim >= 0.45 && r.sim < 1.0);
        assert_int_equal(r.verdict, NF_DROP);
        assert_string_equal(r.reason, "near_duplicate");

        r = run(self, "followup", story("harbour-fire-followup"));
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        assert_int_equal(r.verdict, NF_PASS);
        rec_free(&r);

        json_t *st = nf_processor_dedup.stats(self);
        assert_int_equal(json_int(st, "unique"), 2);
        assert_int_equal(json_int(st, "duplicate"), 1);
        assert_int_equal(json_int(st, "near_duplicate"), 1);
        assert_int_equal(json_int(st, "index_documents"), 2);
        assert_true(json_int(st, "index_bytes") > 0);
        json_decref(st);
        free(copy);
        nf_processor_dedup.destroy(self);
        nf_processor_dedup.destroy(NULL);
}

static void test_mark_passes_marked(void **state)
{
        (void)state;
        void *self = make("mark", NULL);
        const char *text = story("rail-strike");
        result_t r = run(self, "a", text);
        rec_free(&r);
        r = run(self, "b", text);
        assert_int_equal(r.status, NF_DEDUP_DUPLICATE);
        assert_string_equal(r.of, "a");
        assert_int_equal(r.verdict, NF_PASS);
        nf_processor_dedup.destroy(self);
}

/* A stream with originals, copies and follow-ups: ids and texts. */
static int stream(const char **ids, const char **texts, char **owned)
{
        static const char *names[] = {"harbour-fire", "rail-strike",
                                      "flood-warning", "chip-plant"};
        int n = 0;
        for (int i = 0; i < 4; i++) {
                static char idbuf[4][3][32];
                const char *t = story(names[i]);
                owned[i] = syndicated(t);
                snprintf(idbuf[i][0], 32, "%s", names[i]);
                snprintf(idbuf[i][1], 32, "%s-copy", names[i]);
                snprintf(idbuf[i][2], 32, "%s-repost", names[i]);
                ids[n] = idbuf[i][0], texts[n++] = t;
                ids[n] = idbuf[i][1], texts[n++] = owned[i];
                ids[n] = idbuf[i][2], texts[n++] = t;
        }
        for (int i = 0; i < 4; i++) {
                static char fbuf[4][48];
                snprintf(fbuf[i], 48, "%s-followup", names[i]);
                ids[n] = fbuf[i];
                texts[n++] = story(fbuf[i]);
        }
        return n;
}

static void test_replay_gives_same_statuses(void **state)
{
        (void)state;
        const char *ids[32], *texts[32];
        char *owned[4];
        int n = stream(ids, texts, owned);
        void *self = make("mark", NULL);
        result_t first[32];
        for (int i = 0; i < n; i++) {
                first[i] = run(self, ids[i], texts[i]);
                rec_free(&first[i]);
        }
        /* the expected statuses, not only stable ones */
        assert_int_equal(first[0].status, NF_DEDUP_UNIQUE);
        assert_int_equal(first[1].status, NF_DEDUP_NEAR_DUPLICATE);
        assert_int_equal(first[2].status, NF_DEDUP_DUPLICATE);
        assert_int_equal(first[12].status, NF_DEDUP_UNIQUE);
        fake_now += 3600;
        for (int i = 0; i < n; i++) {
                result_t r = run(self, ids[i], texts[i]);
                assert_int_equal(r.status, first[i].status);
                assert_string_equal(r.of, first[i].of);
                assert_int_equal(r.nrecords, 0); /* nothing new to publish */
        }
        for (int i = 0; i < 4; i++) {
                free(owned[i]);
        }
        nf_processor_dedup.destroy(self);
}

static void test_restart_from_state_records(void **state)
{
        (void)state;
        const char *ids[32], *texts[32];
        char *owned[4];
        int n = stream(ids, texts, owned);
        void *a = make("mark", NULL);
        result_t first[32];
        nf_record_t recs[32];
        int nrec = 0;
        for (int i = 0; i < n; i++) {
                first[i] = run(a, ids[i], texts[i]);
                if (first[i].nrecords) {
                        recs[nrec++] = first[i].rec;
                }
        }
        nf_processor_dedup.destroy(a);
        /* the restarted instance restores the topic, then replays input */
        fake_now += 60;
        void *b = make("mark", NULL);
        char err[256];
        for (int i = 0; i < nrec; i++) {
                assert_int_equal(nf_processor_dedup.apply_state(
                                     b, &recs[i], err, sizeof(err)),
                                 0);
        }
        for (int i = 0; i < n; i++) {
                result_t r = run(b, ids[i], texts[i]);
                assert_int_equal(r.status, first[i].status);
                assert_string_equal(r.of, first[i].of);
                assert_int_equal(r.nrecords, 0);
        }
        json_t *st = nf_processor_dedup.stats(b);
        assert_int_equal(json_int(st, "state_applied"), nrec);
        json_decref(st);
        for (int i = 0; i < nrec; i++) {
                free(recs[i].key);
                free(recs[i].value);
        }
        for (int i = 0; i < 4; i++) {
                free(owned[i]);
        }
        nf_processor_dedup.destroy(b);
}

static void test_two_instances_share_state(void **state)
{
        (void)state;
        void *a = make("mark", NULL), *b = make("mark", NULL);
        char err[256];
        const char *text = story("flood-warning");
        char *copy = syndicated(text);
        result_t ra = run(a, "from-a", text);
        assert_int_equal(ra.nrecords, 1);
        /* the stage publishes A's record; both instances read it back */
        assert_int_equal(
            nf_processor_dedup.apply_state(b, &ra.rec, err, sizeof(err)), 0);
        assert_int_equal(
            nf_processor_dedup.apply_state(a, &ra.rec, err, sizeof(err)),
            0); /* A's own echo: changes nothing */
        fake_now += 10;
        result_t rb = run(b, "at-b", copy);
        assert_int_equal(rb.status, NF_DEDUP_NEAR_DUPLICATE);
        assert_string_equal(rb.of, "from-a");
        json_t *st = nf_processor_dedup.stats(a);
        assert_int_equal(json_int(st, "state_ignored"), 1);
        assert_int_equal(json_int(st, "index_documents"), 1);
        json_decref(st);
        rec_free(&ra);
        free(copy);
        nf_processor_dedup.destroy(a);
        nf_processor_dedup.destroy(b);
}

static uint64_t le(const unsigned char *p, int n)
{
        uint64_t v = 0;
        for (int i = 0; i < n; i++) {
                v |= (uint64_t)p[i] << (8 * i);
        }
        return v;
}

static void test_state_record_format(void **state)
{
        (void)state;
        fake_now = T0 + 12345;
        void *self = make(NULL, NULL);
        const char *text = story("chip-plant");
        result_t r = run(self, "chip-1", text);
        assert_int_equal(r.nrecords, 1);
        assert_int_equal(r.rec.key_len, 6);
        assert_memory_equal(r.rec.key, "chip-1", 6);
        const unsigned char *v = (const unsigned char *)r.rec.value;
        assert_int_equal(r.rec.value_len,
                         14 + 4 * NF_FP_ANCHORS + NF_FP_SIG_BYTES);
        assert_int_equal(v[0], 1); /* version */
        assert_int_equal(v[1], 0); /* flags */
        assert_int_equal(le(v + 2, 4), T0 + 12345);
        nf_fingerprint_t fp;
        nf_fingerprint(text, strlen(text), &fp);
        assert_true(le(v + 6, 8) == fp.exact);
        for (int a = 0; a < NF_FP_ANCHORS; a++) {
                assert_int_equal(le(v + 14 + 4 * a, 4), fp.anchor[a]);
        }
        assert_memory_equal(v + 14 + 4 * NF_FP_ANCHORS, fp.sig,
                            NF_FP_SIG_BYTES);
        rec_free(&r);
        nf_processor_dedup.destroy(self);
}

static void test_bad_and_tombstone_records(void **state)
{
        (void)state;
        void *self = make("mark", NULL);
        char err[256] = "";
        const char *text = story("rail-strike-followup");
        result_t r = run(self, "x", text);
        /* wrong length, wrong version, no key */
        nf_record_t bad = r.rec;
        bad.value_len = 10;
        assert_int_equal(
            nf_processor_dedup.apply_state(self, &bad, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "\"x\""));
        bad = r.rec;
        ((unsigned char *)bad.value)[0] = 9;
        assert_int_equal(
            nf_processor_dedup.apply_state(self, &bad, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "version 9"));
        bad.key_len = 0;
        assert_int_equal(
            nf_processor_dedup.apply_state(self, &bad, err, sizeof(err)), -1);
        /* tombstone: the document is forgotten */
        nf_record_t tomb = {r.rec.key, r.rec.key_len, NULL, 0};
        assert_int_equal(
            nf_processor_dedup.apply_state(self, &tomb, err, sizeof(err)), 0);
        result_t again = run(self, "y", text);
        assert_int_equal(again.status, NF_DEDUP_UNIQUE);
        rec_free(&again);
        json_t *st = nf_processor_dedup.stats(self);
        assert_int_equal(json_int(st, "state_bad"), 3);
        assert_int_equal(json_int(st, "state_removed"), 1);
        json_decref(st);
        rec_free(&r);
        nf_processor_dedup.destroy(self);
}

static void test_bad_input_has_defined_status(void **state)
{
        (void)state;
        void *self = make("mark", NULL);
        /* no text, empty text, punctuation only: unique, not indexed */
        const char *empties[] = {NULL, "", " \n\t!?"};
        for (int i = 0; i < 3; i++) {
                char id[8];
                snprintf(id, sizeof(id), "e%d", i);
                result_t r = run(self, id, empties[i]);
                assert_int_equal(r.status, NF_DEDUP_UNIQUE);
                assert_int_equal(r.verdict, NF_PASS);
                assert_int_equal(r.nrecords, 0);
        }
        /* one word: unique; the same word again is an exact duplicate; another
         * word is not a near-duplicate of it */
        result_t r = run(self, "w1", "Breaking");
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        rec_free(&r);
        r = run(self, "w2", "breaking!");
        assert_int_equal(r.status, NF_DEDUP_DUPLICATE);
        assert_string_equal(r.of, "w1");
        r = run(self, "w3", "Update");
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        rec_free(&r);
        /* huge text: unique, then its copy a duplicate */
        size_t n = 16u << 20;
        char *huge = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
                huge[i] = (i % 6 == 5) ? ' ' : (char)('a' + (i / 6 * 7) % 26);
        }
        huge[n] = '\0';
        r = run(self, "h1", huge);
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        rec_free(&r);
        r = run(self, "h2", huge);
        assert_int_equal(r.status, NF_DEDUP_DUPLICATE);
        free(huge);
        /* no id: the article gets one (hash of the text) and is deduplicated */
        r = run(self, NULL, story("chip-plant"));
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        assert_int_equal(r.nrecords, 1);
        assert_true(r.rec.key_len > 0);
        rec_free(&r);
        json_t *st = nf_processor_dedup.stats(self);
        assert_int_equal(json_int(st, "empty"), 3);
        json_decref(st);
        nf_processor_dedup.destroy(self);
}

static void test_window_uses_clock(void **state)
{
        (void)state;
        fake_now = T0;
        void *self = make("mark", "3600");
        const char *text = story("harbour-fire");
        result_t r = run(self, "first", text);
        rec_free(&r);
        fake_now = T0 + 3599;
        r = run(self, "in-window", text);
        assert_int_equal(r.status, NF_DEDUP_DUPLICATE);
        fake_now = T0 + 3600;
        r = run(self, "after-window", text);
        assert_int_equal(r.status, NF_DEDUP_UNIQUE);
        assert_int_equal(r.nrecords, 1);
        rec_free(&r);
        /* a state record older than the window is ignored */
        fake_now = T0 + 10000;
        void *other = make("mark", "3600");
        result_t old = run(other, "stale", story("rail-strike"));
        fake_now = T0 + 20000;
        char err[256];
        assert_int_equal(
            nf_processor_dedup.apply_state(self, &old.rec, err, sizeof(err)),
            0);
        json_t *st = nf_processor_dedup.stats(self);
        assert_int_equal(json_int(st, "state_ignored"), 1);
        json_decref(st);
        rec_free(&old);
        nf_processor_dedup.destroy(other);
        nf_processor_dedup.destroy(self);
        fake_now = T0;
}

typedef struct worker_s {
        void *self;
        int base;
} worker_t;

static void *worker(void *arg)
{
        worker_t *w = arg;
        char id[32], text[256];
        for (int i = 0; i < 200; i++) {
                int k = w->base + i;
                snprintf(id, sizeof(id), "t%d", k);
                snprintf(text, sizeof(text),
                         "story %d about item%d and thing%d in place%d", k,
                         k * 3, k * 7, k * 11);
                result_t r = run(w->self, id, text);
                rec_free(&r);
                if (i % 2 == 0) { /* a re-post */
                        snprintf(id, sizeof(id), "t%d-again", k);
                        run(w->self, id, text);
                }
        }
        return NULL;
}

static void test_concurrent_process(void **state)
{
        (void)state;
        void *self = make("mark", NULL);
        pthread_t th[4];
        worker_t w[4];
        for (int i = 0; i < 4; i++) {
                w[i].self = self;
                w[i].base = i * 1000;
                pthread_create(&th[i], NULL, worker, &w[i]);
        }
        for (int i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
        }
        json_t *st = nf_processor_dedup.stats(self);
        assert_int_equal(json_int(st, "unique"), 800);
        assert_int_equal(json_int(st, "duplicate"), 400);
        assert_int_equal(json_int(st, "index_documents"), 800);
        json_decref(st);
        nf_processor_dedup.destroy(self);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_conf_keys_declared),
            cmocka_unit_test(test_statuses_and_drop),
            cmocka_unit_test(test_mark_passes_marked),
            cmocka_unit_test(test_replay_gives_same_statuses),
            cmocka_unit_test(test_restart_from_state_records),
            cmocka_unit_test(test_two_instances_share_state),
            cmocka_unit_test(test_state_record_format),
            cmocka_unit_test(test_bad_and_tombstone_records),
            cmocka_unit_test(test_bad_input_has_defined_status),
            cmocka_unit_test(test_window_uses_clock),
            cmocka_unit_test(test_concurrent_process),
        };
        return cmocka_run_group_tests(tests, load_stories, free_stories);
}
