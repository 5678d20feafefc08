/*
 * people.c — the role/honorific/speech-verb person finder. See people.h.
 */
#include "processors/people.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAME_WORDS 4

void nf_people_result_fini(nf_people_result_t *res)
{
        for (size_t i = 0; i < res->npersons; i++) {
                free(res->persons[i].name);
                free(res->persons[i].surname_s);
        }
        free(res->persons);
        free(res->mentions);
        memset(res, 0, sizeof(*res));
}

static void result_reset(nf_people_result_t *res)
{
        for (size_t i = 0; i < res->npersons; i++) {
                free(res->persons[i].name);
                free(res->persons[i].surname_s);
        }
        res->npersons = 0;
        res->nmentions = 0;
}

/* The normalised separator between tokens a and a+1. */
static const char *sep_between(const char *buf, const nf_tag_tokens_t *toks,
                               size_t a, char *out, size_t out_size)
{
        nf_tag_sep_normalise(buf + toks->v[a].end,
                             toks->v[a + 1].start - toks->v[a].end, out,
                             out_size);
        return out;
}

/* Which of the word sets (NF_TAG_PARTICLE, _NOT_NAME, _ORG_WORD) hold the
 * word hashed h: one probe of their table instead of binary searches. */
static unsigned word_kind(const nf_tag_people_conf_t *pc, uint64_t h)
{
        if (!pc->word_kinds) {
                return 0;
        }
        size_t s = (size_t)h & pc->word_mask;
        while (pc->word_kinds[s] && pc->word_keys[s] != h) {
                s = (s + 1) & pc->word_mask;
        }
        return pc->word_kinds[s];
}

/* A word that can be part of a name: capitalised with lower-case letters
 * ("Lavrov", "McDonald"), or a one-letter initial ("W"). */
static int name_word(const nf_tag_people_conf_t *pc, const nf_tag_token_t *t)
{
        if (!(t->flags & NF_TAG_TOK_CAP) || (t->flags & NF_TAG_TOK_DIGIT)) {
                return 0;
        }
        if (!(t->flags & NF_TAG_TOK_LOWER) && t->end - t->start > 1) {
                return 0; /* NATO, BBC */
        }
        return !(word_kind(pc, t->hash) & NF_TAG_NOT_NAME);
}

/* Whether t is the first word of a cue ("Rival", "Striker", "Mr"): a name
 * does not start with one ("Rival Nintendo said"). */
static int cue_word(const nf_tag_people_conf_t *pc, const nf_tag_token_t *t)
{
        uint64_t h = t->hash;
        return (pc->cue_bloom[(h >> 6) & 63] & (1ull << (h & 63))) &&
               nf_tag_hashset_has(pc->cue_first, pc->ncue_first, h);
}

static int particle(const nf_tag_people_conf_t *pc, const nf_tag_token_t *t)
{
        return !(t->flags & NF_TAG_TOK_CAP) &&
               (word_kind(pc, t->hash) & NF_TAG_PARTICLE);
}

/*
 * Reads a name forward from token j. Returns the number of tokens taken
 * (0 = no name); *words gets the number of name words (particles
 * excluded). Stops at a non-name word and at punctuation other than a
 * hyphen, an apostrophe or an initial's dot. The first word may not be part
 * of an entity; later ones may ("Michael Jordan").
 */
static size_t name_forward(const nf_tag_people_conf_t *pc, const char *buf,
                           const nf_tag_tokens_t *toks,
                           const uint8_t *in_entity, size_t j, int *words)
{
        char sep[16];
        size_t k = j;
        int nw = 0;
        while (k < toks->n && nw < MAX_NAME_WORDS) {
                const nf_tag_token_t *t = &toks->v[k];
                if (k == j && (in_entity[k] || cue_word(pc, t))) {
                        break; /* "said Pakistan" is no person */
                }
                if (name_word(pc, t)) {
                        nw++;
                } else if (nw > 0 && particle(pc, t) && k + 1 < toks->n &&
                           name_word(pc, &toks->v[k + 1])) {
                        /* "bin", "al", "van": only inside a name */
                } else {
                        break;
                }
                k++;
                if (k >= toks->n) {
                        break;
                }
                sep_between(buf, toks, k - 1, sep, sizeof(sep));
                if (strcmp(sep, " ") && strcmp(sep, "-") && strcmp(sep, "'") &&
                    !(strcmp(sep, ". ") == 0 &&
                      toks->v[k - 1].end - toks->v[k - 1].start == 1)) {
                        break;
                }
        }
        /* do not end on a particle */
        while (k > j && !name_word(pc, &toks->v[k - 1])) {
                k--;
        }
        *words = nw;
        return k - j;
}

/* Reads a name backward, ending at token e-1 (plain spaces only). Returns
 * the first token of the name, or e when there is none. */
static size_t name_backward(const nf_tag_people_conf_t *pc, const char *buf,
                            const nf_tag_tokens_t *toks,
                            const uint8_t *in_entity, size_t e, int *words)
{
        char sep[16];
        size_t k = e;
        int nw = 0;
        while (k > 0 && nw < MAX_NAME_WORDS) {
                const nf_tag_token_t *t = &toks->v[k - 1];
                if (name_word(pc, t)) {
                        nw++;
                } else if (nw > 0 && particle(pc, t) && k >= 2 &&
                           name_word(pc, &toks->v[k - 2])) {
                } else {
                        break;
                }
                k--;
                if (k == 0) {
                        break;
                }
                sep_between(buf, toks, k - 1, sep, sizeof(sep));
                if (strcmp(sep, " ") && strcmp(sep, "-") && strcmp(sep, "'")) {
                        break;
                }
        }
        /* a name starts with a name word outside any entity: "Michael
         * Jordan said" is a person, "United States said" is not */
        while (k < e && (!name_word(pc, &toks->v[k]) || in_entity[k] ||
                         cue_word(pc, &toks->v[k]))) {
                if (name_word(pc, &toks->v[k])) {
                        nw--;
                }
                k++;
        }
        *words = nw;
        return k;
}

static int has_org_word(const nf_tag_people_conf_t *pc,
                        const nf_tag_tokens_t *toks, size_t a, size_t b)
{
        for (size_t k = a; k < b; k++) {
                if (word_kind(pc, toks->v[k].hash) & NF_TAG_ORG_WORD) {
                        return 1;
                }
        }
        return 0;
}

/* Whether the capitalised words starting at token a end a longer name
 * "X of/for/and/on Y" ("Institute for Fiscal Studies said"): then they are
 * no person. (The connectors are English; see the file comment.) */
static int inside_org_name(const nf_tag_people_conf_t *pc, const char *buf,
                           const nf_tag_tokens_t *toks, size_t a)
{
        char sep[16];
        if (a < 2 || (toks->v[a - 1].flags & NF_TAG_TOK_CAP) ||
            !(toks->v[a - 2].flags & NF_TAG_TOK_CAP)) {
                return 0;
        }
        sep_between(buf, toks, a - 2, sep, sizeof(sep));
        if (strcmp(sep, " ")) {
                return 0;
        }
        sep_between(buf, toks, a - 1, sep, sizeof(sep));
        if (strcmp(sep, " ")) {
                return 0;
        }
        /* the connectors of organisation names */
        static const char *const conn[] = {"of", "for", "and", "on", NULL};
        const nf_tag_token_t *c = &toks->v[a - 1];
        for (size_t k = 0; conn[k]; k++) {
                if (c->fold_len == strlen(conn[k]) &&
                    memcmp(toks->fold + c->fold_off, conn[k], c->fold_len) ==
                        0) {
                        return 1;
                }
        }
        return 0;
}

/* Adds (or finds) the person named by tokens [a, b). */
static int add_person(nf_people_result_t *res, const char *buf,
                      const nf_tag_tokens_t *toks, size_t a, size_t b,
                      int nwords)
{
        char sep[16];
        size_t cap = 0;
        for (size_t k = a; k < b; k++) {
                cap += toks->v[k].end - toks->v[k].start + 2;
        }
        char *name = nf_xrealloc(NULL, cap + 1);
        size_t o = 0;
        for (size_t k = a; k < b; k++) {
                size_t l = toks->v[k].end - toks->v[k].start;
                memcpy(name + o, buf + toks->v[k].start, l);
                o += l;
                if (k + 1 < b) {
                        sep_between(buf, toks, k, sep, sizeof(sep));
                        /* an initial keeps its dot: "George W. Bush" */
                        size_t sl = strlen(sep);
                        memcpy(name + o, sep, sl);
                        o += sl;
                }
        }
        name[o] = '\0';
        for (size_t i = 0; i < res->npersons; i++) {
                if (strcmp(res->persons[i].name, name) == 0) {
                        free(name);
                        return (int)i;
                }
        }
        if (res->npersons == res->persons_cap) {
                res->persons_cap = res->persons_cap ? res->persons_cap * 2 : 16;
                res->persons = nf_xrealloc(res->persons, res->persons_cap *
                                                          sizeof(*res->persons));
        }
        nf_people_person_t *p = &res->persons[res->npersons];
        const nf_tag_token_t *last = &toks->v[b - 1];
        p->name = name;
        p->surname = last->hash;
        p->surname_s = nf_xrealloc(NULL, last->end - last->start + 1);
        memcpy(p->surname_s, buf + last->start, last->end - last->start);
        p->surname_s[last->end - last->start] = '\0';
        p->nwords = nwords;
        p->merged_into = -1;
        return (int)res->npersons++;
}

static void add_mention(nf_people_result_t *res, const nf_tag_tokens_t *toks,
                        size_t a, size_t b, int person)
{
        if (res->nmentions == res->mentions_cap) {
                res->mentions_cap =
                    res->mentions_cap ? res->mentions_cap * 2 : 32;
                res->mentions = nf_xrealloc(
                    res->mentions, res->mentions_cap * sizeof(*res->mentions));
        }
        nf_people_mention_t *m = &res->mentions[res->nmentions++];
        m->start = toks->v[a].start;
        m->end = toks->v[b - 1].end;
        m->tok_first = (uint32_t)a;
        m->tok_end = (uint32_t)b;
        m->person = person;
}

/* The longest cue that matches at token i, or NULL. Cues are sorted by
 * first-word hash, longest first; cue_slots finds the first of a hash. */
static const nf_tag_alias_t *cue_at(const nf_tag_people_conf_t *pc,
                                    const char *buf, size_t len,
                                    const nf_tag_tokens_t *toks, size_t i)
{
        const nf_tag_token_t *t = &toks->v[i];
        uint64_t h = t->hash;
        if (!(pc->cue_bloom[(h >> 6) & 63] & (1ull << (h & 63)))) {
                return NULL;
        }
        size_t mask = pc->ncue_slots - 1, s = (size_t)h & mask, c;
        while ((c = pc->cue_slots[s]) && pc->cue_first[c - 1] != h) {
                s = (s + 1) & mask;
        }
        for (c = c ? c - 1 : pc->ncues; c < pc->ncues && pc->cue_first[c] == h;
             c++) {
                const nf_tag_alias_t *a = &pc->cues[c];
                if (a->nwords > 1 &&
                    (i + 1 >= toks->n ||
                     toks->v[i + 1].hash != a->words[1].hash)) {
                        continue; /* nf_tag_alias_match() would say so */
                }
                if (a->simple ? t->fold_len == a->words[0].fold_len &&
                                    !memcmp(toks->fold + t->fold_off,
                                            a->words[0].fold, t->fold_len)
                              : nf_tag_alias_match(a, buf, len, toks, i)) {
                        return a; /* simple: the folded word decides */
                }
        }
        return NULL;
}

void nf_people_find(const nf_tag_people_conf_t *pc, const char *buf,
                    size_t len, const nf_tag_tokens_t *toks,
                    const uint8_t *in_entity, nf_people_result_t *res)
{
        char sep[16];
        result_reset(res);
        if (!pc->enabled) {
                return;
        }
        /* 1. introductions by context */
        for (size_t i = 0; i < toks->n; i++) {
                const nf_tag_alias_t *cue = cue_at(pc, buf, len, toks, i);
                if (!cue) {
                        continue;
                }
                size_t after = i + (size_t)cue->nwords;
                int words = 0;
                size_t a = 0, b = 0;
                int strong = cue->entry == NF_TAG_CUE_ROLE ||
                             cue->entry == NF_TAG_CUE_HONORIFIC;
                if (cue->entry != NF_TAG_CUE_VERB) {
                        if (after >= toks->n) {
                                continue;
                        }
                        /* "Mr. Smith": the honorific's dot is allowed */
                        sep_between(buf, toks, after - 1, sep, sizeof(sep));
                        if (strcmp(sep, " ") && strcmp(sep, ". ")) {
                                continue;
                        }
                        a = after;
                        b = a + name_forward(pc, buf, toks, in_entity, a,
                                             &words);
                } else {
                        /* NAME said */
                        if (i > 0) {
                                sep_between(buf, toks, i - 1, sep,
                                            sizeof(sep));
                                if (strcmp(sep, " ") == 0 ||
                                    strcmp(sep, ", ") == 0) {
                                        b = i;
                                        a = name_backward(pc, buf, toks,
                                                          in_entity, b,
                                                          &words);
                                }
                        }
                        /* said NAME, */
                        if (a == b && after < toks->n) {
                                sep_between(buf, toks, after - 1, sep,
                                            sizeof(sep));
                                if (strcmp(sep, " ") == 0) {
                                        a = after;
                                        b = a + name_forward(pc, buf, toks,
                                                             in_entity, a,
                                                             &words);
                                        if (b < toks->n && b > a) {
                                                sep_between(buf, toks, b - 1,
                                                            sep, sizeof(sep));
                                                if (sep[0] != ',' &&
                                                    sep[0] != '.') {
                                                        b = a;
                                                }
                                        }
                                }
                        }
                }
                if (b <= a || (!strong && words < 2) ||
                    (cue->entry == NF_TAG_CUE_ROLE && words < 1) ||
                    has_org_word(pc, toks, a, b) ||
                    (!strong && inside_org_name(pc, buf, toks, a))) {
                        continue;
                }
                if (res->nmentions &&
                    res->mentions[res->nmentions - 1].tok_end > a) {
                        continue; /* overlaps the previous introduction */
                }
                int p = add_person(res, buf, toks, a, b, words);
                add_mention(res, toks, a, b, p);
                if (after > i && cue->entry != NF_TAG_CUE_VERB) {
                        i = b - 1; /* continue after the name */
                }
        }
        /* 2a. a single-word person ("Mr Glazer") takes the full name the
         * text gives elsewhere ("Malcolm Glazer") */
        size_t np = res->npersons;
        for (size_t p = 0; p < np; p++) {
                if (res->persons[p].nwords > 1) {
                        continue;
                }
                for (size_t i = 1; i < toks->n; i++) {
                        const nf_tag_token_t *t = &toks->v[i];
                        size_t l = t->end - t->start;
                        nf_people_person_t *sp = &res->persons[p];
                        if (t->hash != sp->surname ||
                            strlen(sp->surname_s) != l ||
                            memcmp(sp->surname_s, buf + t->start, l)) {
                                continue;
                        }
                        int words = 0;
                        size_t a = name_backward(pc, buf, toks, in_entity,
                                                 i + 1, &words);
                        if (words >= 2 && !has_org_word(pc, toks, a, i + 1) &&
                            !inside_org_name(pc, buf, toks, a)) {
                                add_person(res, buf, toks, a, i + 1, words);
                                break;
                        }
                }
        }
        /* 2b. single-word persons join a full name with their surname */
        for (size_t p = 0; p < res->npersons; p++) {
                nf_people_person_t *sp = &res->persons[p];
                if (sp->nwords > 1) {
                        continue;
                }
                for (size_t q = 0; q < res->npersons; q++) {
                        nf_people_person_t *fp = &res->persons[q];
                        if (fp->nwords > 1 && fp->surname == sp->surname &&
                            strcmp(fp->surname_s, sp->surname_s) == 0) {
                                sp->merged_into = (int)q;
                                break;
                        }
                }
        }
        for (size_t m = 0; m < res->nmentions; m++) {
                int p = res->mentions[m].person;
                if (res->persons[p].merged_into >= 0) {
                        res->mentions[m].person = res->persons[p].merged_into;
                }
        }
        /* 3. surname-only mentions anywhere else count for the person */
        if (res->npersons == 0) {
                return;
        }
        size_t nm = res->nmentions; /* introductions, sorted by position */
        size_t next = 0;
        for (size_t i = 0; i < toks->n; i++) {
                while (next < nm && res->mentions[next].tok_end <= i) {
                        next++;
                }
                if (next < nm && res->mentions[next].tok_first <= i) {
                        continue; /* inside an introduction */
                }
                const nf_tag_token_t *t = &toks->v[i];
                if (!(t->flags & NF_TAG_TOK_CAP)) {
                        continue;
                }
                for (size_t p = 0; p < res->npersons; p++) {
                        nf_people_person_t *pp = &res->persons[p];
                        size_t l = t->end - t->start;
                        if (pp->merged_into >= 0 || pp->surname != t->hash ||
                            strlen(pp->surname_s) != l ||
                            memcmp(pp->surname_s, buf + t->start, l)) {
                                continue;
                        }
                        add_mention(res, toks, i, i + 1, (int)p);
                        break;
                }
        }
}
