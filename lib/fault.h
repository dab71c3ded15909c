/*
 * fault.h - test-only fault injection (documented in ceh(7)... see
 * man/ceh.1 ENVIRONMENT).  Two environment variables drive it:
 *
 *   CEH_FAULT=OP:N[,OP:N...]   the N-th call of OP fails (N counts from 1).
 *                              OPs: write, fsync, rename, mkdir, link,
 *                              alloc.  fault_hit() returns 1 exactly then;
 *                              the caller fails as if the system call had
 *                              failed (errno ENOSPC for write, EIO else).
 *   CEH_CRASH=POINT[:N]        the process kills itself with SIGKILL at the
 *                              N-th (default first) pass through POINT.
 *                              POINTs are named where crash_point() is
 *                              called; every atomic step has one.
 *   CEH_STOP=POINT[:N]         the process stops itself (SIGSTOP) at the
 *                              N-th pass through POINT, so a test can
 *                              change the store before it goes on (kill
 *                              -CONT): a race made deterministic.
 *                              POINTs are named where stop_point() is
 *                              called (readers, between two steps).
 *
 * With neither variable set, both functions cost one branch.
 *
 * The power-loss test records the order of every change and sync at the
 * system-call level instead (tests/torture/oplog.c, preloaded), so that
 * no call can escape the record, whatever file of lib/ makes it.
 */
#ifndef CEH_FAULT_H
#define CEH_FAULT_H

int fault_hit(const char *op);
void crash_point(const char *point);
void stop_point(const char *point);

#endif
