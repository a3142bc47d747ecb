// SPDX-License-Identifier: BSD-2-Clause
/*
 * A VMM whose own functions have the names of libvpsci's internals links
 * against the static library (issue 12 item 8): make check-symbols links
 * this program with libvpsci.a, where a global internal symbol would be a
 * "multiple definition" error. Prints one line; exit status 0.
 */
#include <stdio.h>

#include <vpsci/vpsci.h>

/* Internal names of libvpsci, as a VMM might use them for its own code. */
int psci_cpu_on(void);
int vm_alloc(void);
int caps_init(void);
int check_config(void);

int psci_cpu_on(void)
{
	return 1;
}

int vm_alloc(void)
{
	return 2;
}

int caps_init(void)
{
	return 3;
}

int check_config(void)
{
	return 4;
}

int main(void)
{
	struct vpsci_vm *vm = NULL;

	/* Pull the engine's object in: vpsci_create() is defined next to them. */
	int err = vpsci_create(NULL, NULL, NULL, &vm);

	printf("clash: PASS: own psci_cpu_on/vm_alloc/caps_init/check_config (%d) next to "
	       "libvpsci.a (vpsci_create: %s)\n",
	       psci_cpu_on() + vm_alloc() + caps_init() + check_config(), vpsci_strerror(err));
	return err == VPSCI_E_INVAL ? 0 : 1;
}
