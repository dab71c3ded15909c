/*
 * trust_stub.c - TEMPORARY stand-in for lib/trust.c (the key registry,
 * built on another branch): every store is unsigned and has no trust
 * anchor.  Delete this file when lib/trust.c is merged.
 */
#include "err.h"
#include "trust.h"

int
trust_anchor(struct store *s, uint8_t pub[32], struct ceh_err *e)
{
	(void)s;
	(void)pub;
	return ceh_fail(e, CEH_ENOTFOUND, "no trust anchor: this store has "
	    "no key registry");
}

int
trust_unit_key(struct store *s, const char *unit, time_t at,
    uint8_t pub[32], struct ceh_err *e)
{
	(void)s;
	(void)at;
	(void)pub;
	return ceh_fail(e, CEH_ENOTFOUND, "no trust anchor: no key is "
	    "registered for unit '%s'", unit);
}

int
trust_signed(struct store *s)
{
	(void)s;
	return 0;
}
