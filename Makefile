# SPDX-License-Identifier: GPL-2.0
#
# rtm: the RTMv2 routing table manager for Linux.
#
#   make              the module (for the running kernel), library, tools,
#                     examples
#   make demo         boot a VM with rtm.ko and run a session with the tools
#   make check        build everything and run every test in QEMU
#   make vm           a shell in a VM with rtm.ko, the library and the tools
#   make bench        the benchmark, in a VM, against the kernel's own FIB
#   make fuzz SECONDS=N SEED=S   fuzz /dev/rtm for N seconds (default 600)
#                     in a VM on the debug kernel, from seed S (default:
#                     from the clock; printed, and repeats each thread's
#                     choices); output in build/logs/fuzz-SEED.out
#   make kernel       the debug test kernel (cached under build/kernel/)
#   make module-debug|module-6.1|module-6.12   rtm.ko for a test kernel
#   make install      library, headers and tools (PREFIX, DESTDIR)
#   make module-install / dkms-install
#   make deb          the Debian packages, into build/deb/
#   make package-check  what the packages hold, a program built against the
#                     installed rtm.pc, the module built by DKMS; then the
#                     packages installed in a clean Debian 12 root, used
#                     there and in the VM, and purged
#   make -C man check   the man pages, through man --warnings
#
# KDIR selects the kernel to build the module against (default: the
# running kernel's headers).

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
PREFIX ?= /usr/local
DESTDIR ?=

VERSION := 0.1.0
# What DKMS builds the module from: sources only, whatever a build of the
# module left in the tree.
DKMS_SOURCES := Kbuild dkms.conf $(wildcard module/*.[ch]) \
		$(wildcard uapi/linux/*.h)

.PHONY: all module lib tools examples selftests check demo vm bench fuzz install \
	module-install dkms-install clean kernel module-debug module-6.1 \
	module-6.12 deb package-check

all: module lib tools examples

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools

examples: lib
	$(MAKE) -C examples

selftests: lib
	$(MAKE) -C selftests

check:
	tools/vm/check

demo:
	tools/vm/demo

vm:
	tools/vm/run -k $(or $(VM_KERNEL),debug) -i -f $(CURDIR)/build -- sh

bench:
	tools/vm/bench

fuzz:
	tools/vm/fuzz $(or $(SECONDS),600) $(SEED)

# The test kernels: the debug kernel, and rtm.ko built for a test kernel.
kernel:
	tools/vm/kernel

module-debug module-6.1 module-6.12:
	tools/vm/module $(@:module-%=%)

install: lib tools
	$(MAKE) -C lib install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

module-install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KERNELRELEASE)

dkms-install:
	install -d $(DESTDIR)/usr/src/rtm-$(VERSION)
	cp --parents $(DKMS_SOURCES) $(DESTDIR)/usr/src/rtm-$(VERSION)/
	[ -n "$(DESTDIR)" ] || dkms install rtm/$(VERSION)

deb:
	tools/vm/deb

package-check: deb
	tools/vm/package-check

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C lib clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C selftests clean
	-$(MAKE) -C examples clean
