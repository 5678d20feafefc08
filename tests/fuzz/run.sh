#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [NAME...] — runs every libFuzzer harness (or
# the NAMEd ones: decode, config, clean_text, clean_html, tag, rules), built
# by `make fuzz` under build-fuzz/ with ASan+UBSan, for SECONDS each, on a
# copy of its seed corpus (the corpus it grows is kept in
# build-fuzz/fuzz-work/NAME/corpus for the next run), and fails if any
# harness finds a crash, a leak or a timeout. Run from the repository root
# (the tag harness reads deploy/rules).
set -u
secs=${1:-60}
shift
only=" $* "
BUILD=${BUILD:-build-fuzz}
rc=0
for bin in "$BUILD"/fuzz/fuzz_*; do
  name=$(basename "$bin"); short=${name#fuzz_}
  [ "$only" != "  " ] && [[ $only != *" $short "* ]] && continue
  work=$BUILD/fuzz-work/$short; mkdir -p "$work/corpus" "$work/artifacts"
  [ -d tests/fuzz/corpus/$short ] && cp -n tests/fuzz/corpus/$short/* "$work/corpus/" 2>/dev/null
  # the hostile records are decode seeds too: each sits on a decoder edge
  [ "$short" = decode ] && cp -n tests/bad-input/*.json "$work/corpus/" 2>/dev/null
  dict=""; [ -f tests/fuzz/$short.dict ] && dict="-dict=tests/fuzz/$short.dict"
  echo "fuzz $short: ${secs}s"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$bin" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 -max_len=${FUZZ_MAX_LEN:-1048576} \
       -artifact_prefix="$work/artifacts/" $dict "$work/corpus" > "$work/log" 2>&1; then
    echo "  clean: $(grep -Eo '#[0-9]+' "$work/log" | tail -1) runs, corpus $(ls "$work/corpus" | wc -l)"
  else
    rc=1; echo "  FOUND: see $work/log and $work/artifacts/"; tail -30 "$work/log" | sed 's/^/    /'
  fi
done
exit $rc
