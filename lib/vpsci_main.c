// SPDX-License-Identifier: BSD-2-Clause
/*
 * The front door: one forwarded SMC/HVC in, x0..x3 and the caller's fate out.
 *
 * The call is decoded here, once: function ID, convention (SMC32/SMC64),
 * caller width, argument narrowing. Handlers only see typed arguments, and
 * their PSCI value is translated here to what the caller's PSCI dialect can
 * express before it is sign-extended into x0.
 */
#include <string.h>

#include "vpsci_private.h"

/*
 * Error codes a dialect cannot express (DEN0022 return codes; 0.1 knows only
 * SUCCESS, NOT_SUPPORTED, INVALID_PARAMETERS and DENIED; INVALID_ADDRESS came
 * with 1.0) become the closest code it has, as KVM does for 0.1.
 */
static int32_t dialect_ret(const struct vpsci_vm *vm, bool dialect_0_1, int32_t ret)
{
	if (ret >= 0)
		return ret;
	if (dialect_0_1) {
		switch (ret) {
		case VPSCI_RET_ALREADY_ON:
		case VPSCI_RET_ON_PENDING:
		case VPSCI_RET_INVALID_ADDRESS:
			return VPSCI_RET_INVALID_PARAMETERS;
		case VPSCI_RET_INTERNAL_FAILURE:
		case VPSCI_RET_NOT_PRESENT:
		case VPSCI_RET_DISABLED:
			return VPSCI_RET_DENIED;
		default:
			return ret;
		}
	}
	if (vm->version == VPSCI_VERSION_0_2 && ret == VPSCI_RET_INVALID_ADDRESS)
		return VPSCI_RET_INVALID_PARAMETERS;
	return ret;
}

/* Results are signed 32-bit values, sign-extended to 64 bits (DEN0028 2.6). */
static uint64_t sext32(int32_t v)
{
	return (uint64_t)(int64_t)v;
}

/*
 * One call with full-size structs (the ABI rule is vpsci_call()'s business):
 * decode, look up, run the handler. *res is already defaulted.
 */
static void dispatch(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *call,
		     struct vpsci_result *res)
{
	struct psci_args args;
	psci_handler_t handler;
	int32_t ret;

	/* DEN0028 2.5: the function ID is W0; the upper half of X0 is ignored. */
	args.fid = (uint32_t)call->x[0];
	args.aarch32 = call->aarch32;
	args.big_endian = call->big_endian;
	args.dialect_0_1 = args.fid - VPSCI_0_1_FN_BASE < 4;
	args.smc64 = (args.fid & VPSCI_SMCCC_SMC64) && !args.dialect_0_1;

	handler = caps_lookup(vm, args.fid, call->aarch32);
	if (!handler)
		return;

	/*
	 * DEN0028 2.6: SMC32 arguments are W registers; whatever the upper
	 * halves hold is ignored. The 0.1 IDs predate SMCCC and pass native
	 * registers (full X registers for AArch64 callers), as KVM reads them.
	 */
	if (call->aarch32 || (!args.smc64 && !args.dialect_0_1)) {
		args.a1 = (uint32_t)call->x[1];
		args.a2 = (uint32_t)call->x[2];
		args.a3 = (uint32_t)call->x[3];
	} else {
		args.a1 = call->x[1];
		args.a2 = call->x[2];
		args.a3 = call->x[3];
	}

	/*
	 * A vCPU just started by CPU_ON may reach us before the CPU_ON that
	 * started it has committed its state: let it see itself ON.
	 */
	vcpu_wait_stable(vm, vcpu);

	ret = handler(vm, vcpu, &args, res);
	if (ret != PSCI_RAW)
		res->x[0] = sext32(dialect_ret(vm, args.dialect_0_1, ret));
}

/*
 * Default *r to NOT_SUPPORTED / CONTINUE, so no ID can fall through. Its
 * event is written by system events only: zeroing those 48 bytes on every
 * call cost a third of a PSCI_VERSION (make bench-engine: 139 -> 181
 * instructions).
 */
static void result_default(struct vpsci_result *r)
{
	memset(r, 0, offsetof(struct vpsci_result, event));
	r->x[0] = sext32(VPSCI_RET_NOT_SUPPORTED);
	r->exit = VPSCI_EXIT_CONTINUE;
}

/* A call of another header's size (the ABI rule), out of the common path. */
static __attribute__((noinline)) int dispatch_sized(struct vpsci_vm *vm, uint32_t vcpu,
						    const struct vpsci_call *call,
						    struct vpsci_result *r)
{
	struct vpsci_call copy;

	if (abi_copy_in(&copy, sizeof(copy), call, CALL_SIZE_FIRST))
		return VPSCI_E_INVAL;
	dispatch(vm, vcpu, &copy, r);
	return 0;
}

/* Check the arguments, then dispatch into the full-size result *r. */
static int answer(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *call,
		  struct vpsci_result *r)
{
	result_default(r);
	if (!vm || !call)
		return VPSCI_E_INVAL;
	if (vcpu >= vm->nr_vcpus)
		return VPSCI_E_RANGE;
	if (call->size != sizeof(*call))
		return dispatch_sized(vm, vcpu, call, r);
	dispatch(vm, vcpu, call, r);
	return 0;
}

/* A result of an older header: built in full here, copied out up to its size. */
static __attribute__((noinline)) int answer_short(struct vpsci_vm *vm, uint32_t vcpu,
						  const struct vpsci_call *call,
						  struct vpsci_result *res)
{
	struct vpsci_result local;
	uint32_t n = res->size;
	int err;

	memset(&local, 0, sizeof(local));
	err = answer(vm, vcpu, call, &local);
	memcpy(res, &local, n);
	res->size = n;
	return err;
}

/* The front door; the ABI rule's other sizes leave the common path early. */
VPSCI_EXPORT int vpsci_call(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *call,
			    struct vpsci_result *res)
{
	int err;

	if (!res || res->size < RESULT_SIZE_FIRST)
		return VPSCI_E_INVAL;
	if (res->size < sizeof(*res))
		return answer_short(vm, vcpu, call, res);
	err = answer(vm, vcpu, call, res);
	res->size = sizeof(*res);
	return err;
}

VPSCI_EXPORT bool vpsci_handles(const struct vpsci_vm *vm, uint32_t fid)
{
	return caps_lookup(vm, fid, false) != NULL;
}

VPSCI_EXPORT const char *vpsci_strerror(int err)
{
	switch (err) {
	case VPSCI_OK:
		return "success";
	case VPSCI_E_INVAL:
		return "invalid argument or configuration";
	case VPSCI_E_NOMEM:
		return "out of memory";
	case VPSCI_E_BUSY:
		return "a vCPU is in the middle of a power transition";
	case VPSCI_E_RANGE:
		return "no such vCPU";
	case VPSCI_E_STATE:
		return "the vCPU or VM is not in a state that allows this";
	case VPSCI_E_NOSPC:
		return "buffer too small";
	case VPSCI_E_SNAP_TRUNCATED:
		return "snapshot truncated";
	case VPSCI_E_SNAP_MAGIC:
		return "not a vpsci snapshot (bad magic)";
	case VPSCI_E_SNAP_VERSION:
		return "snapshot format version not supported by this build";
	case VPSCI_E_SNAP_CHECKSUM:
		return "snapshot checksum mismatch";
	case VPSCI_E_SNAP_CORRUPT:
		return "snapshot holds invalid values";
	case VPSCI_E_SNAP_MISMATCH:
		return "snapshot configuration differs from this VM's (PSCI version, vCPUs, ...)";
	case VPSCI_E_FDT:
		return "device tree update failed (libfdt)";
	default:
		return "unknown error";
	}
}
