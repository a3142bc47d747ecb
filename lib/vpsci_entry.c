// SPDX-License-Identifier: BSD-2-Clause
/*
 * Entry points: the address a CPU starts at after CPU_ON, a power-down
 * CPU_SUSPEND or SYSTEM_SUSPEND. The guest chooses it, so it is untrusted:
 * it must lie in guest RAM and be a valid instruction address for the state
 * the CPU will enter in.
 */
#include "vpsci_private.h"

/* [pc, pc + 4) inside one configured RAM region. */
static bool in_ram(const struct vpsci_vm *vm, uint64_t pc)
{
	uint32_t i;

	for (i = 0; i < vm->nr_mem; i++) {
		const struct vpsci_mem_region *r = &vm->mem[i];

		if (pc >= r->base && pc - r->base <= r->size - 1 && r->size - (pc - r->base) >= 4)
			return true;
	}
	return false;
}

/*
 * Validate and describe an entry point. The entered CPU takes the caller's
 * execution state and endianness (DEN0022 6.4.3, 6.4.4). AArch64: bit 0 set
 * or a misaligned address is invalid. AArch32: bit 0 selects Thumb, else the
 * address must be word-aligned. Returns false for INVALID_ADDRESS (DEN0022
 * 5.6.2: "the entry point address is known by the PSCI implementation to be
 * invalid").
 */
bool entry_decode(const struct vpsci_vm *vm, const struct psci_args *args, uint64_t pc,
		  uint64_t context_id, struct vpsci_entry *out)
{
	bool thumb = false;

	if (args->aarch32 && (pc & 1)) {
		thumb = true;
		pc &= ~1ull;
	} else if (pc & 3) {
		return false;
	}
	if (!in_ram(vm, pc))
		return false;

	out->pc = pc;
	out->context_id = context_id;
	out->aarch32 = args->aarch32;
	out->thumb = thumb;
	out->big_endian = args->big_endian;
	return true;
}
