/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vGIC device (gic.c) and its vGICv3 state records (gic_state.c),
 * private to hw/.
 */
#ifndef VMM_HW_GIC_H
#define VMM_HW_GIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"
#include "kvm_compat.h"
#include "util/buf.h"

struct gic {
	struct vmm_device dev;
	struct vmm *vm;		/* attached to, or NULL */
	int fd;			/* KVM_CREATE_DEVICE's, -1 between boots */
	int version;		/* 2 or 3 */
};

/*
 * One vGIC register of the snapshot state: KVM_{GET,SET}_DEVICE_ATTR group +
 * attr, value. The state is a list of them in restore order
 * (docs/vm-snapshot.md).
 */
struct gic_reg {
	uint32_t group;
	uint32_t reserved;
	uint64_t attr;
	uint64_t val;		/* 32-bit groups use the low half */
};
_Static_assert(sizeof(struct gic_reg) == 24, "GIC record layout");

/* gic_state.c: 0 or -errno, after a message */
int gic_state_save(struct gic *g, struct vmm_buf *out);
int gic_state_check(const void *data, size_t len);
int gic_state_restore(struct gic *g, const void *data, size_t len);

#endif /* VMM_HW_GIC_H */
