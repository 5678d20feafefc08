/*
 * people.h — finds people by context, without a list of names.
 *
 * A person is introduced by a capitalised name of 1-4 words (particles such
 * as "al", "bin", "van" allowed inside) right after a role ("Foreign
 * Minister Sergey Lavrov", "his Pakistani counterpart Khawaja Muhammad
 * Asif") or an honorific ("Mr Blair"), or of 2-4 words next to a speech
 * verb ("Tony Blair said", "said John Smith,") or after "according to".
 * The cue words come from the "people" section of a rule file
 * (deploy/rules/people.json), so they can be changed or translated.
 *
 * Later mentions of a person's surname alone ("Lavrov said") count for the
 * full name. A single-word person ("Mr Glazer") takes the full name the text
 * gives elsewhere ("Malcolm Glazer"); if there is none it is kept only when
 * mentioned twice. Names never start with a cue word ("Rival Nintendo
 * said"), and capitalised words after "of/for/and/on" following another
 * capitalised word end an organisation's name ("Institute for Fiscal
 * Studies said"); these connectors are the one English-only part of the
 * code.
 */
#ifndef NF_PEOPLE_H
#define NF_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "processors/tag_rules.h"

typedef struct nf_people_mention_s {
        uint32_t start, end; /* bytes */
        uint32_t tok_first, tok_end; /* tokens [first, end) */
        int person;
} nf_people_mention_t;

typedef struct nf_people_person_s {
        char *name;       /* owned: "Sergey Lavrov" */
        uint64_t surname; /* hash of the folded last word */
        char *surname_s;  /* owned: the last word as written */
        int nwords;
        int merged_into; /* -1, or the full-name person this one joined */
} nf_people_person_t;

/* The finder's output for one document; reuse across calls, free with
 * nf_people_result_fini(). */
typedef struct nf_people_result_s {
        nf_people_person_t *persons;
        size_t npersons, persons_cap;
        nf_people_mention_t *mentions;
        size_t nmentions, mentions_cap;
} nf_people_result_t;

/*
 * Finds the people in buf (len bytes, valid UTF-8) cut into toks.
 * in_entity[i] is non-zero when token i lies inside an entity mention
 * (country, organisation), so "Pakistan said" is not a person. Replaces the
 * content of res. Never fails.
 */
void nf_people_find(const nf_tag_people_conf_t *pc, const char *buf,
                    size_t len, const nf_tag_tokens_t *toks,
                    const uint8_t *in_entity, nf_people_result_t *res);

void nf_people_result_fini(nf_people_result_t *res);

#endif
