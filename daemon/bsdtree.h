/*
 * bsdtree.h: the BSD <sys/tree.h> red-black trees and <sys/queue.h>
 * lists, from Debian's libbsd-dev (header-only macros, nothing linked).
 * libbsd leaves __unused undefined, since some Linux headers name
 * struct members so; the generated functions need it, so it is defined
 * here. Include this after every system header.
 */
#ifndef HARBOUR_BSDTREE_H
#define HARBOUR_BSDTREE_H

#include <bsd/sys/queue.h>
#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif
#include <bsd/sys/tree.h>

#endif
