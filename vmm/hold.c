// SPDX-License-Identifier: BSD-2-Clause
/*
 * "Is every other vCPU off?" where KVM owns CPU_ON/CPU_OFF (hybrid and
 * kernel mode), for SYSTEM_SUSPEND (DEN0022 5.19). Only KVM knows: each
 * vCPU's KVM_GET_MP_STATE. A vCPU ioctl blocks while that vCPU's thread sits
 * in KVM_RUN (psci-facts.md 6), and an off vCPU's thread sits there for good,
 * so the caller asks every other thread to leave KVM_RUN, read its own state
 * and wait in userspace until the caller has looked at all of them.
 *
 * While they wait no other vCPU runs guest code, so the answer cannot change
 * under the check; once every other vCPU is STOPPED, only a running vCPU
 * could start one again (CPU_ON), and the only one running is the caller,
 * which is going to sleep: releasing them right after the check is safe.
 * Two callers at once are both ON, so both must be DENIED: the second one
 * does not wait for the first (a trylock), it answers no at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "log.h"
#include "vmm.h"

/*
 * Called by a vCPU's own thread whenever KVM_RUN returned EINTR: if another
 * vCPU asked it to hold, read its MP state, report it and wait for the
 * release (or for the VM to stop).
 */
void vcpu_hold_point(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	pthread_mutex_lock(&v->lock);
	if (!v->hold) {
		pthread_mutex_unlock(&v->lock);
		return;
	}
	pthread_mutex_unlock(&v->lock);
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		vmm_log("vcpu%" PRIu32 ": KVM_GET_MP_STATE: %s (counted as on)", v->idx,
			strerror(errno));
	pthread_mutex_lock(&v->lock);
	v->held_mp_state = mp.mp_state;
	v->held = true;
	pthread_cond_broadcast(&v->cond);
	while (v->hold && !atomic_load(&v->stop))
		pthread_cond_wait(&v->cond, &v->lock);
	v->held = false;
	pthread_mutex_unlock(&v->lock);
}

static void release(struct vmm *vm, struct vcpu *self)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *o = &vm->vcpus[i];

		if (o == self)
			continue;
		pthread_mutex_lock(&o->lock);
		o->hold = false;
		pthread_cond_broadcast(&o->cond);
		pthread_mutex_unlock(&o->lock);
	}
}

/*
 * Wait until vCPU o is held (or gone), kicking it again every 10 ms in case
 * it was busy in userspace when first asked. Returns its MP state, or -1
 * when the VM is going down.
 */
static int wait_held(struct vcpu *self, struct vcpu *o)
{
	struct timespec ts;
	int state;

	pthread_mutex_lock(&o->lock);
	while (!o->held && !o->stopped && !atomic_load(&self->stop)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10L * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&o->cond, &o->lock, &ts) == ETIMEDOUT && !o->held)
			vcpu_kick(o);
	}
	state = o->held ? (int)o->held_mp_state : -1;
	pthread_mutex_unlock(&o->lock);
	return state;
}

/*
 * From the calling vCPU's thread: 1 if KVM has every other vCPU STOPPED
 * (powered off), 0 if not (or another check is running), -1 when the VM is
 * going down.
 */
int vcpu_others_off(struct vcpu *self)
{
	struct vmm *vm = self->vm;
	int all_off = 1;

	if (pthread_mutex_trylock(&vm->hold_lock) != 0)
		return 0;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *o = &vm->vcpus[i];

		if (o == self)
			continue;
		pthread_mutex_lock(&o->lock);
		o->hold = true;
		pthread_mutex_unlock(&o->lock);
		vcpu_kick(o);
	}
	for (unsigned int i = 0; i < vm->nr_vcpus && all_off >= 0; i++) {
		struct vcpu *o = &vm->vcpus[i];
		int state;

		if (o == self)
			continue;
		state = wait_held(self, o);
		if (state < 0)
			all_off = -1;
		else if (state != KVM_MP_STATE_STOPPED)
			all_off = 0;
	}
	release(vm, self);
	pthread_mutex_unlock(&vm->hold_lock);
	return all_off;
}
