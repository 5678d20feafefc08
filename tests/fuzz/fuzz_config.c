/*
 * fuzz_config.c — libFuzzer harness: the config file parser and the
 * validation of every key (newsflow's tables and librdkafka's properties).
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/conf.h"
#include "stage/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        int fd = memfd_create("fuzz-conf", 0);
        if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
                if (fd >= 0) {
                        close(fd);
                }
                return 0;
        }
        char path[64], errstr[1024];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        nf_conf_t *conf = nf_conf_new();
        if (nf_conf_load_file(conf, path, 0, errstr, sizeof(errstr)) == 0 &&
            nf_config_finish(conf, errstr, sizeof(errstr)) == 0) {
                nf_config_check_run(conf, errstr, sizeof(errstr));
        }
        nf_conf_destroy(conf);
        close(fd);
        return 0;
}
