/*
 * test_txn.c — the transactional.id an exactly-once instance uses: the
 * explicit key wins, then group.id + group.instance.id (static membership),
 * then group.id + the host name. (The transactional calls themselves need a
 * broker: tests/integration/test_eos.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stage/txn.h"

static void test_txn_id(void **state)
{
        char host[256] = "localhost";
        gethostname(host, sizeof(host) - 1);
        char host_id[300];
        snprintf(host_id, sizeof(host_id), "g.%s", host);
        static const struct {
                const char *kv[3];
                const char *want; /* NULL: host_id */
        } cases[] = {
            {{"group.id=g", "transactional.id=explicit", NULL}, "explicit"},
            {{"group.id=g", "producer.transactional.id=p", NULL}, "p"},
            {{"group.id=g", "group.instance.id=i-1", NULL}, "g.i-1"},
            {{"group.id=g", "consumer.group.instance.id=c-2", NULL}, "g.c-2"},
            {{"group.id=g", "transactional.id=", NULL}, NULL},
            {{"group.id=g", NULL, NULL}, NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                nf_conf_t *conf = nf_conf_new();
                char errstr[128];
                for (int k = 0; cases[i].kv[k]; k++) {
                        assert_int_equal(nf_conf_set_kv(conf, cases[i].kv[k],
                                                        errstr, sizeof(errstr)),
                                         0);
                }
                char id[512];
                nf_txn_id(conf, id, sizeof(id));
                assert_string_equal(id,
                                    cases[i].want ? cases[i].want : host_id);
                nf_conf_destroy(conf);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_txn_id),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
