/*
 * test_textnorm.c — unit tests for processors/textnorm.c: UTF-8 repair,
 * entity decoding, control and zero-width removal, whitespace, NFC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "processors/textnorm.h"

#define E NF_TEXTNORM_ENTITIES
#define O NF_TEXTNORM_ONELINE

typedef struct tcase_s {
        const char *name;
        const char *in;
        size_t in_len; /* 0: strlen(in) */
        unsigned flags;
        const char *want;
} tcase_t;

static const tcase_t cases[] = {
    /* whitespace and lines */
    {"empty", "", 0, 0, ""},
    {"trim and collapse", "  hello   world  ", 0, 0, "hello world"},
    {"tab is a space", "a\t\tb", 0, 0, "a b"},
    {"crlf and cr", "one\r\ntwo\rthree", 0, 0, "one\ntwo\nthree"},
    {"vt and ff break lines", "a\vb\fc", 0, 0, "a\nb\nc"},
    {"blank lines collapse", "a\n\n\n\nb", 0, 0, "a\n\nb"},
    {"space-only lines are blank", "a\n  \t \nb", 0, 0, "a\n\nb"},
    {"leading and trailing blank lines", "\n\n  a  \n \n  b \n\n", 0, 0,
     "a\n\nb"},
    {"oneline", "Title\non two\n\nlines", 0, O, "Title on two lines"},
    {"unicode spaces", "a\u00a0b\u2009c\u3000d\u202fe", 0, 0, "a b c d e"},
    {"nbsp runs collapse", "a\u00a0\u00a0 \u00a0b", 0, 0, "a b"},
    {"line separator", "a\u2028b", 0, 0, "a\nb"},
    {"paragraph separator", "a\u2029b", 0, 0, "a\n\nb"},
    {"nel",
     "a\xc2\x85"
     "b",
     0, 0, "a\nb"},
    /* controls and invisible characters */
    {"c0 and del",
     "a\x07"
     "b\x7f"
     "c\x1b"
     "d",
     0, 0, "abcd"},
    {"nul byte", "a\0b", 3, 0, "ab"},
    {"c1 control",
     "a\xc2\x80"
     "b",
     0, 0, "ab"},
    {"zero width", "a\u200bb\u200cc\u200dd\ufeffe\u2060f", 0, 0, "abcdef"},
    {"soft hyphen", "soft\u00adhyphen", 0, 0, "softhyphen"},
    {"bom at start", "\ufeffHello", 0, 0, "Hello"},
    /* invalid UTF-8 */
    {"invalid byte", "x\xffy", 0, 0, "x\ufffdy"},
    {"invalid run collapses", "x\xff\xfe\xfdy", 0, 0, "x\ufffdy"},
    {"lone continuation",
     "a\x80"
     "b",
     0, 0, "a\ufffdb"},
    {"surrogate",
     "a\xed\xa0\x80"
     "b",
     0, 0, "a\ufffdb"},
    {"overlong",
     "a\xc0\xaf"
     "b",
     0, 0, "a\ufffdb"},
    {"truncated at end", "ab\xe2\x80", 0, 0, "ab\ufffd"},
    {"truncated before ascii",
     "a\xe2\x80"
     "b",
     0, 0, "a\ufffdb"},
    {"over U+10FFFF",
     "a\xf4\x90\x80\x80"
     "b",
     0, 0, "a\ufffdb"},
    {"valid 4-byte kept", "a\U0001F600b", 0, 0, "a\U0001F600b"},
    /* NFC */
    {"combining acute", "cafe\u0301", 0, 0, "caf\u00e9"},
    {"ring above", "A\u030a", 0, 0, "\u00c5"},
    {"angstrom sign singleton", "\u212b", 0, 0, "\u00c5"},
    {"hangul jamo", "\u1100\u1161\u11a8", 0, 0, "\uac01"},
    {"reordering", "a\u0302\u0323", 0, 0, "\u1ead"},
    {"zero width between base and mark", "e\u200b\u0301", 0, 0, "\u00e9"},
    {"precomposed untouched", "\u00fcber stra\u00dfe \u0119", 0, 0,
     "\u00fcber stra\u00dfe \u0119"},
    {"nfc per line", "e\u0301\nx\u0301", 0, 0, "\u00e9\nx\u0301"},
    {"compat chars stay (NFC, not NFKC)", "\ufb01 \u2460", 0, 0,
     "\ufb01 \u2460"},
    /* entities */
    {"basic entities", "&amp; &lt;&gt; &quot;x&quot; &apos;", 0, E,
     "& <> \"x\" '"},
    {"quote entities", "&rsquo;&#8217;&#x2019;&#X2019;", 0, E,
     "\u2019\u2019\u2019\u2019"},
    {"nbsp entity collapses", "a&nbsp;&nbsp;b", 0, E, "a b"},
    {"cp1252 numeric", "don&#146;t", 0, E, "don\u2019t"},
    {"bad numeric", "a&#0;b&#xD800;c&#1114112;d", 0, E,
     "a\ufffdb\ufffdc\ufffdd"},
    {"ampersand text stays", "AT&T & M&Ms; &unknown; &amp &#; &#x;", 0, E,
     "AT&T & M&Ms; &unknown; &amp &#; &#x;"},
    {"named latin", "caf&eacute; &Auml;rger", 0, E, "caf\u00e9 \u00c4rger"},
    {"entity to zero width", "a&#x200B;b", 0, E, "ab"},
    {"entity to combining mark", "e&#x301;", 0, E, "\u00e9"},
    {"entities off", "&amp; &#8217;", 0, 0, "&amp; &#8217;"},
    {"entity decoded once", "&amp;lt;", 0, E, "&lt;"},
};

static void test_table(void **state)
{
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                const tcase_t *t = &cases[i];
                size_t n = t->in_len ? t->in_len : strlen(t->in);
                size_t out_len = 12345;
                char *out = nf_textnorm(t->in, n, t->flags, &out_len, NULL);
                if (strcmp(out, t->want) != 0 || out_len != strlen(t->want)) {
                        fail_msg("case '%s': got '%s' want '%s'", t->name, out,
                                 t->want);
                }
                free(out);
        }
}

static void test_stats(void **state)
{
        nf_textnorm_stats_t st = {0};
        const char in[] = "a\xff\xfe"
                          "b\x07\u200b\u00ad&amp;e\u0301\ne\u0301";
        char *out = nf_textnorm(in, sizeof(in) - 1, E, NULL, &st);
        assert_string_equal(out, "a\ufffdb&\u00e9\n\u00e9");
        assert_int_equal(st.invalid_bytes, 2);
        assert_int_equal(st.controls, 1);
        assert_int_equal(st.zero_width, 2);
        assert_int_equal(st.entities, 1);
        assert_int_equal(st.nfc_lines, 2);
        free(out);
        /* stats are added to, not reset */
        out = nf_textnorm("\xff", 1, 0, NULL, &st);
        assert_int_equal(st.invalid_bytes, 3);
        free(out);
}

/* The fast path's table must agree with utf8proc for every code point: a
 * decomposed character must come out composed exactly as utf8proc does it,
 * and a lone character as its NFC. */
static void test_table_agrees_with_utf8proc(void **state)
{
        int mismatches = 0;
        for (utf8proc_int32_t cp = 0xc0; cp < 0x30000; cp++) {
                if (!utf8proc_codepoint_valid(cp) ||
                    utf8proc_category(cp) == UTF8PROC_CATEGORY_CC ||
                    utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS ||
                    cp == 0xad || cp == 0xfeff || cp == 0x2060 ||
                    (cp >= 0x200b && cp <= 0x200d) || cp == 0x2028 ||
                    cp == 0x2029 || cp == 0xfffd) {
                        continue;
                }
                utf8proc_int32_t d[32];
                int bc = 0;
                utf8proc_ssize_t nd =
                    utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
                /* "x" + the character, and "x" + its decomposition */
                for (int form = 0; form < 2; form++) {
                        uint8_t buf[160] = "x";
                        size_t n = 1;
                        if (form == 0) {
                                n += (size_t)utf8proc_encode_char(cp, buf + n);
                        } else {
                                for (utf8proc_ssize_t i = 0; i < nd; i++) {
                                        n += (size_t)utf8proc_encode_char(
                                            d[i], buf + n);
                                }
                        }
                        utf8proc_uint8_t *want = utf8proc_NFC(buf);
                        /* buf is NUL-terminated: zero-initialised */
                        char *got =
                            nf_textnorm((const char *)buf, n, 0, NULL, NULL);
                        if (strcmp(got, (const char *)want) != 0 &&
                            mismatches++ < 5) {
                                print_error(
                                    "U+%04X form %d: got '%s' want '%s'\n",
                                    (unsigned)cp, form, got, want);
                        }
                        free(got);
                        free(want);
                }
        }
        assert_int_equal(mismatches, 0);
}

/* Random strings from a hostile pool: the output is valid UTF-8 in NFC with
 * no control or zero-width character, no doubled space, trimmed lines and
 * no more than one blank line in a row. */
static void test_random_invariants(void **state)
{
        static const char *const pool[] = {
            "a",      "Z",          " ",      "  ",     "\t",       "\n",
            "\r\n",   "\r",         "\xff",   "\x80",   "\xe2\x80", "\xc3",
            "\u00e9", "e",          "\u0301", "\u0323", "\u0302",   "\u1100",
            "\u1161", "\u11a8",     "\u00a0", "\u200b", "\ufeff",   "\u00ad",
            "\x01",   "\x7f",       "&amp;",  "&#769;", "&",        "&nbsp;",
            "\u212b", "\U0001F600", "\u2028", "\u2029", "\xc2\x85", "\u3000"};
        const size_t np = sizeof(pool) / sizeof(*pool);
        uint32_t seed = 12345;
        for (int iter = 0; iter < 3000; iter++) {
                char in[512];
                size_t n = 0;
                int parts = 1 + iter % 40;
                for (int k = 0; k < parts; k++) {
                        seed = seed * 1103515245u + 12345u;
                        const char *p = pool[(seed >> 16) % np];
                        size_t pl = strlen(p);
                        memcpy(in + n, p, pl);
                        n += pl;
                }
                size_t out_len;
                char *out = nf_textnorm(in, n, E, &out_len, NULL);
                assert_int_equal(strlen(out), out_len);
                /* valid UTF-8, no forbidden code points */
                utf8proc_ssize_t i = 0;
                while ((size_t)i < out_len) {
                        utf8proc_int32_t cp;
                        utf8proc_ssize_t k = utf8proc_iterate(
                            (const uint8_t *)out + i,
                            (utf8proc_ssize_t)out_len - i, &cp);
                        assert_true(k > 0);
                        assert_true(cp == '\n' || cp >= 0x20);
                        assert_true(cp != 0x7f && cp != 0x200b &&
                                    cp != 0xfeff && cp != 0xad && cp != 0xa0 &&
                                    cp != '\t' && cp != '\r' && cp != 0x85 &&
                                    cp != 0x2028);
                        i += k;
                }
                utf8proc_uint8_t *nfc = utf8proc_NFC((const uint8_t *)out);
                assert_string_equal((const char *)nfc, out);
                free(nfc);
                assert_null(strstr(out, "  "));
                assert_null(strstr(out, " \n"));
                assert_null(strstr(out, "\n "));
                assert_null(strstr(out, "\n\n\n"));
                if (out_len) {
                        assert_true(out[0] != ' ' && out[0] != '\n');
                        assert_true(out[out_len - 1] != ' ' &&
                                    out[out_len - 1] != '\n');
                }
                free(out);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table),
            cmocka_unit_test(test_stats),
            cmocka_unit_test(test_table_agrees_with_utf8proc),
            cmocka_unit_test(test_random_invariants),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
