# SPDX-License-Identifier: BSD-2-Clause
# Host benchmark of the engine (make bench): ns/call, instructions/call
# (callgrind) and memory per vCPU, as "bench <name> <value> <unit>" lines.

ENGINE_BENCH := $(BUILD)/bench/engine-bench

$(ENGINE_BENCH): bench/engine-bench.c $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) $(CSTD) $(WARN) -O2 -g $< $(ENGINE_LIB) -o $@

.PHONY: bench-engine
bench-engine: $(ENGINE_BENCH)
	@scripts/engine-bench $(ENGINE_BENCH)

BENCH_TARGETS += bench-engine
